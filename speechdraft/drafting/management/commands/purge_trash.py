import json

from django.core.management.base import BaseCommand

from speechdraft.drafting.models import TRASH_DAYS
from speechdraft.drafting.services import trash_purge


class Command(BaseCommand):
    help = f"彻底删除在回收站中超过 {TRASH_DAYS} 天的讲话稿（连同其段落、历史版本和共享）。建议每天运行一次。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将被删除的讲话稿，不删除。")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式。")

    def handle(self, *args, dry_run=False, format="text", **options):
        gone = trash_purge(dry_run=dry_run)
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {"dry_run": dry_run, "purged": [{"id": pk, "title": title} for pk, title in gone]},
                    ensure_ascii=False,
                )
            )
            return
        verb = "将删除" if dry_run else "已彻底删除"
        self.stdout.write(f"{verb} {len(gone)} 篇讲话稿。")
        for pk, title in gone:
            self.stdout.write(f"  #{pk} {title}")

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from speechdraft.drafting.models import Speech
from speechdraft.review.roundtrip import ReviewFileError, import_comments, review_apply, review_import


class Command(BaseCommand):
    help = (
        "读取审阅后的 Word 文件（修订和批注），对应到讲话稿的段落；加 --accept-all 则全部接受并生成新版本。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--speech", type=int, required=True, metavar="ID")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--accept-all", action="store_true", help="接受全部修改并导入批注，生成新版本")

    def handle(self, *args, file, speech, format, accept_all, **options):
        obj = Speech.objects.alive().filter(pk=speech).first()
        if obj is None:
            raise CommandError(f"找不到编号为 {speech} 的讲话稿。")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}") from exc
        try:
            imp = review_import(speech=obj, data=data)
        except ReviewFileError as exc:
            raise CommandError(str(exc)) from exc
        revision, conflicts = None, []
        if accept_all:
            outcome = review_apply(imp=imp, user=None, accepted={i for i, _ in imp.change_rows()})
            import_comments(imp=imp, user=None)
            revision = outcome.revision.number if outcome.revision else None
            conflicts = outcome.conflicts
        result = imp.as_json(revision)
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"审阅稿基于第 {result['base_revision']} 版：{len(result['changes'])} 处修改，"
            f"{len(result['comments'])} 条批注。"
        )
        for change in result["changes"]:
            sign = "+" if change["kind"] == "insert" else "-"
            self.stdout.write(f"  {sign} {change['text']}（{change['author'] or '未署名'}）")
        for comment in result["comments"]:
            self.stdout.write(f"  批注“{comment['anchor_text']}”：{comment['text']}（{comment['author']}）")
        if revision:
            self.stdout.write(f"已全部接受，生成第 {revision} 版。")
        for label in conflicts:
            self.stderr.write(f"未采用（导出后在系统中改过）：{label}")

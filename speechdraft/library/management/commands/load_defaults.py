from django.core.management.base import BaseCommand

from speechdraft.library.defaults import load_defaults


class Command(BaseCommand):
    help = "载入默认语料、模板和段落素材（可重复执行，已有的不会重复创建）。"

    def handle(self, *args, **options):
        created = load_defaults()
        self.stdout.write(
            f"默认数据：新增语料 {created['documents']} 篇，模板 {created['templates']} 个，素材 {created['blocks']} 条。"
        )

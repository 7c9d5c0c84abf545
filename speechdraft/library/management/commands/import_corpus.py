import json
import os

from django.core.management.base import BaseCommand, CommandError

from speechdraft.library.services import corpus_import_paths

STATUS_LABELS = {"imported": "已导入", "duplicate": "重复", "error": "错误"}


class Command(BaseCommand):
    help = "导入语料文件或文件夹（.txt .docx .doc）。一个文件出错不影响其他文件。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, paths, format, **options):
        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            raise CommandError(f"找不到路径：{'、'.join(missing)}")
        outcomes = corpus_import_paths(paths=paths)
        if not outcomes:
            raise CommandError("所给路径中没有 .txt、.docx 或 .doc 文件。")
        if format == "json":
            self.stdout.write(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2))
        else:
            for o in outcomes:
                line = f"[{STATUS_LABELS[o.status]}] {o.path}"
                if o.status == "error":
                    line += f"：{o.error}"
                else:
                    line += f" → #{o.id}《{o.title}》{o.chars} 字，编码 {o.encoding}"
                    if o.removed_lines:
                        line += f"，清除干扰行 {len(o.removed_lines)} 行"
                self.stdout.write(line)
        if all(o.status == "error" for o in outcomes):
            raise CommandError("没有文件导入成功。")

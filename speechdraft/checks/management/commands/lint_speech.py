import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from speechdraft.checks.services import text_lint
from speechdraft.drafting.models import Speech
from speechdraft.text.errors import TextError
from speechdraft.text.loading import read_document

SEVERITY = {"error": "错误", "warning": "提醒", "info": "提示"}


class Command(BaseCommand):
    help = "对讲话稿做规范检查：占位符、编号、宣布的部分数、半角标点、重复句子、过时表述、外地地名、篇幅。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", metavar="FILE")
        parser.add_argument("--speech", type=int, metavar="ID")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file, speech, format, **options):
        if bool(file) == bool(speech):
            raise CommandError("请指定一个文本文件 FILE，或用 --speech 指定讲话稿编号（二选一）。")
        if file:
            try:
                # Offsets refer to the file as decoded, like check_similarity's.
                text = read_document(Path(file).name, Path(file).read_bytes())[0]
            except OSError as exc:
                raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}") from exc
            except TextError as exc:
                raise CommandError(str(exc)) from exc
            obj = None
        else:
            obj = Speech.objects.alive().filter(pk=speech).first()
            if obj is None:
                raise CommandError(f"找不到编号为 {speech} 的讲话稿。")
            text = obj.as_text()
        findings = text_lint(text, speech=obj)
        if format == "json":
            keys = ("rule", "severity", "message", "start", "end", "suggestion")
            self.stdout.write(
                json.dumps(
                    [{k: f.to_dict()[k] for k in keys} for f in findings], ensure_ascii=False, indent=2
                )
            )
            return
        for f in findings:
            excerpt = text[f.start : f.end] if f.rule != "length" else ""
            line = f"[{SEVERITY[f.severity]}] {f.message}"
            if excerpt:
                line += f"  第 {f.start} 字：“{excerpt[:30]}”"
            if f.suggestion:
                line += f" → “{f.suggestion}”"
            self.stdout.write(line)

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from speechdraft.checks.index import warm_up
from speechdraft.checks.services import similarity_check_text
from speechdraft.text.counting import percent
from speechdraft.text.errors import EmptyDocumentError, TextError
from speechdraft.text.loading import read_document


class Command(BaseCommand):
    help = "对一篇 .txt/.docx 讲话稿进行查重（与数据库中的语料比对）。"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--exclude-quotes", action="store_true", help="引用内容不计入复制比")

    def handle(self, *args, file, format, exclude_quotes, **options):
        path = Path(file)
        try:
            text = read_document(path.name, path.read_bytes())[0]
        except EmptyDocumentError:
            text = ""  # an empty draft is a question with an answer (nothing copied), not bad input
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}") from exc
        except TextError as exc:
            raise CommandError(str(exc)) from exc
        # elapsed_ms measures the check itself: jieba and the index are loaded before it starts.
        warm_up()
        # DESIGN §7: offsets are into the draft exactly as decoded from FILE, so it is not cleaned.
        report = similarity_check_text(text, exclude_quotes=exclude_quotes)
        if format == "json":
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"总文字复制比：{percent(report.copy_ratio)}    去除引用复制比：{percent(report.copy_ratio_excluding_quotes)}"
        )
        if report.max_single_source:
            s = report.max_single_source
            self.stdout.write(f"单篇最大文字复制比：{percent(s.ratio)}（{s.title}）")
        self.stdout.write(f"重复字数 / 总字数：{report.copied_chars} / {report.total_chars}")
        for m in report.matches:
            flag = (
                "（常见表述）"
                if m.common
                else "（引用）"
                if m.quoted
                else f"（含引用 {len(m.quotes)} 处）"
                if m.quotes
                else ""
            )
            self.stdout.write(
                f"  {m.start}-{m.end} ← 《{m.source_title}》{m.source_start}-{m.source_end}{flag}"
            )

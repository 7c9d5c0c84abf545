import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from speechdraft.drafting.models import Speech
from speechdraft.export.services import (
    ExportError,
    export_options,
    speech_docx,
    speech_tracked_docx,
    text_docx,
)
from speechdraft.text.errors import TextError
from speechdraft.text.loading import load_document


class Command(BaseCommand):
    help = "把纯文本讲话稿（按导入规则解析）或已保存的讲话稿导出为公文格式的 Word 文件。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", metavar="FILE")
        parser.add_argument("--speech", type=int, metavar="ID")
        parser.add_argument("-o", "--output", required=True, metavar="OUT.docx")
        parser.add_argument("--profile", choices=["standard", "large"], default="standard")
        parser.add_argument("--bold-leads", action="store_true", help="“一是…”等分项引导句加粗")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--tracked-from", type=int, metavar="N", help="导出修订稿：标出第 N 版以来的修改（需 --speech）"
        )
        parser.add_argument("--tracked-to", type=int, metavar="M", help="修订稿到第 M 版为止（默认当前正文）")

    def handle(
        self, *args, file, speech, output, profile, bold_leads, format, tracked_from, tracked_to, **options
    ):
        if bool(file) == bool(speech):
            raise CommandError("请指定一个文本文件 FILE，或用 --speech 指定讲话稿编号（二选一）。")
        if (tracked_from or tracked_to) and not speech:
            raise CommandError("修订稿只能从已保存的讲话稿导出，请用 --speech 指定讲话稿编号。")
        if tracked_to and not tracked_from:
            raise CommandError("--tracked-to 需要与 --tracked-from 一起使用。")
        opts = export_options(profile=profile, bold_subpoint_leads=bold_leads)
        if file:
            path = Path(file)
            try:
                loaded = load_document(path.name, path.read_bytes())
            except OSError as exc:
                raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}") from exc
            except TextError as exc:
                raise CommandError(str(exc)) from exc
            data, title = text_docx(loaded.text, opts)
        else:
            obj = Speech.objects.alive().filter(pk=speech).first()
            if obj is None:
                raise CommandError(f"找不到编号为 {speech} 的讲话稿。")
            if tracked_from:
                try:
                    data, _ = speech_tracked_docx(obj, opts, tracked_from=tracked_from, tracked_to=tracked_to)
                except ExportError as exc:
                    raise CommandError(str(exc)) from exc
            else:
                data, _ = speech_docx(obj, opts)
            title = obj.title
        out = Path(output)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from exc
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "output": str(out),
                        "bytes": len(data),
                        "title": title,
                        "profile": profile,
                        "tracked_from": tracked_from,
                        "tracked_to": tracked_to,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(f"已导出《{title or '讲话稿'}》到 {out}（{len(data)} 字节）")

"""Print preview: the exported .docx rendered to PDF by LibreOffice, paginated as LibreOffice lays it out
(Word and WPS break a line differently now and then, so the preview can differ from a Word printout by a
line here and there; the page geometry is the same).

LibreOffice runs through ``speechdraft.text.office`` (a private profile and HOME per call, the whole
process group killed on timeout), the same runner that imports legacy .doc files.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from speechdraft.text import office

FONTCONFIG_FILE = Path(__file__).resolve().parent / "fonts" / "fonts.conf"


class PreviewError(Exception):
    """The preview could not be made; ``str(e)`` is a message for the user."""


class PreviewUnavailable(PreviewError):
    """LibreOffice is not installed on the server."""


def render_pdf(docx: bytes, *, soffice: str | None = None, timeout: float = 60) -> bytes:
    """Return the PDF LibreOffice makes of ``docx``.

    Raises :class:`PreviewUnavailable` when ``soffice`` cannot be found and :class:`PreviewError` when
    the conversion fails or takes longer than ``timeout`` seconds.
    """
    prepared = _for_libreoffice(docx)
    try:
        return office.convert(
            prepared,
            source_name="speech.docx",
            convert_to="pdf:writer_pdf_Export",
            output_suffix=".pdf",
            timeout=timeout,
            soffice=soffice,
            env={"FONTCONFIG_FILE": str(FONTCONFIG_FILE)},
        )
    except office.OfficeUnavailable:
        raise PreviewUnavailable(
            "服务器未安装 LibreOffice，无法生成打印预览。请直接下载 Word 文件查看，"
            "或请管理员安装 LibreOffice（Debian：libreoffice-writer-nogui）。"
        ) from None
    except office.OfficeTimeout:
        raise PreviewError(
            f"打印预览生成超时（超过 {timeout:g} 秒），请稍后重试；如果讲稿很长，可先下载 Word 文件查看。"
        ) from None
    except office.OfficeError as exc:
        raise PreviewError(f"LibreOffice 未能生成打印预览（{exc}），请下载 Word 文件查看。") from None


# LibreOffice's DOCX import (writerfilter DomainMapper, still so in 7.4) maps w:overflowPunct to
# ParaIsHangingPunctuation as ``value == 0``: the opposite of ECMA-376 §17.3.1.21, where val="0" forbids
# punctuation past the line end, as Word and WPS read it. Swapping the value for the preview makes the
# PDF break lines the way the document asks for.
_OVERFLOW_PUNCT = re.compile(rb'(<w:overflowPunct\b[^>]*?w:val=")(0|1|false|true|off|on)(")')
_SWAPPED = {b"0": b"1", b"1": b"0", b"false": b"true", b"true": b"false", b"off": b"on", b"on": b"off"}


def _for_libreoffice(docx: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile:
        raise PreviewError("文件不是有效的 Word（.docx）文件，无法生成打印预览，请重新导出后再试。") from None
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                data = _OVERFLOW_PUNCT.sub(lambda m: m[1] + _SWAPPED[m[2]] + m[3], data)
            target.writestr(info, data)
    return out.getvalue()

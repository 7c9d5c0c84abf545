"""Print preview: the exported .docx rendered to PDF by LibreOffice, paginated as LibreOffice lays it out
(Word and WPS break a line differently now and then, so the preview can differ from a Word printout by a
line here and there; the page geometry is the same).

Each call runs its own ``soffice`` with a throw-away user profile: LibreOffice refuses to start a second
instance on a profile that is in use, so a shared profile would serialise (or break) concurrent previews,
and a profile left behind by a killed process can block every later start. The process gets its own
session so that a timeout kills ``oosplash`` and ``soffice.bin`` together, not only the wrapper script.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

FONTCONFIG_FILE = Path(__file__).resolve().parent / "fonts" / "fonts.conf"


class PreviewError(Exception):
    """The preview could not be made; ``str(e)`` is a message for the user."""


class PreviewUnavailable(PreviewError):
    """LibreOffice is not installed on the server."""


def render_pdf(docx: bytes, *, soffice: str = "soffice", timeout: float = 60) -> bytes:
    """Return the PDF LibreOffice makes of ``docx``.

    Raises :class:`PreviewUnavailable` when ``soffice`` cannot be found and :class:`PreviewError` when
    the conversion fails or takes longer than ``timeout`` seconds.
    """
    executable = shutil.which(soffice)
    if executable is None:
        raise PreviewUnavailable(
            "服务器未安装 LibreOffice，无法生成打印预览。请直接下载 Word 文件查看，"
            "或请管理员安装 LibreOffice（Debian：libreoffice-writer-nogui）。"
        )
    with tempfile.TemporaryDirectory(prefix="speechdraft-preview-") as tmp:
        workdir = Path(tmp)
        source = workdir / "speech.docx"
        source.write_bytes(_for_libreoffice(docx))
        outdir = workdir / "out"
        profile = workdir / "profile"
        command = [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
        # LibreOffice writes caches under HOME even with a custom profile; keep them in the temp dir.
        env["HOME"] = str(workdir)
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=env,
            start_new_session=True,
        )
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise PreviewError(
                f"打印预览生成超时（超过 {timeout:g} 秒），请稍后重试；如果讲稿很长，可先下载 Word 文件查看。"
            ) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
        pdf = outdir / "speech.pdf"
        if process.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [
                f"退出码 {process.returncode}"
            ]
            raise PreviewError(f"LibreOffice 未能生成打印预览（{detail[0][:200]}），请下载 Word 文件查看。")
        return pdf.read_bytes()


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


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()

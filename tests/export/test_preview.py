"""render_pdf's contract around LibreOffice, checked with stand-in ``soffice`` executables.

The real rendering is measured in test_render.py; here the stand-ins make the failure paths (missing
program, hang, crash, no output) happen on demand and record how soffice would have been called.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import time
import zipfile
from pathlib import Path

import pytest

from speechdraft.export.builder import ExportDocument, build_docx
from speechdraft.export.preview import FONTCONFIG_FILE, PreviewError, PreviewUnavailable, render_pdf

DOCX = build_docx(ExportDocument(title="测试讲话", opening=("同志们，大家好。",)))


def fake_soffice(tmp_path: Path, body: str, name: str = "soffice") -> str:
    script = tmp_path / name
    script.write_text(f"#!{sys.executable}\nimport json, os, shutil, sys, time\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


RECORDING = """
record = sys.argv[0] + ".json"
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
source = args[-1]
shutil.copy(source, sys.argv[0] + ".docx")
json.dump({"args": args, "fontconfig": os.environ.get("FONTCONFIG_FILE")}, open(record, "w"))
os.makedirs(outdir, exist_ok=True)
name = os.path.splitext(os.path.basename(source))[0] + ".pdf"
open(os.path.join(outdir, name), "wb").write(b"%PDF-1.4 stand-in")
"""


def test_missing_libreoffice_is_reported_as_unavailable_in_chinese(tmp_path):
    with pytest.raises(PreviewUnavailable, match="服务器未安装 LibreOffice，无法生成打印预览"):
        render_pdf(DOCX, soffice=str(tmp_path / "no-such-soffice"))
    assert issubclass(PreviewUnavailable, PreviewError)  # one except clause serves a view


def test_each_call_gets_a_fresh_profile_and_the_project_fonts(tmp_path):
    soffice = fake_soffice(tmp_path, RECORDING)
    assert render_pdf(DOCX, soffice=soffice) == b"%PDF-1.4 stand-in"
    first = json.loads(Path(soffice + ".json").read_text())
    render_pdf(DOCX, soffice=soffice)
    second = json.loads(Path(soffice + ".json").read_text())
    profiles = [
        next(a for a in run["args"] if a.startswith("-env:UserInstallation=file://"))
        for run in (first, second)
    ]
    assert profiles[0] != profiles[1]
    assert "--headless" in first["args"] and "--convert-to" in first["args"]
    assert first["fontconfig"] == str(FONTCONFIG_FILE) and FONTCONFIG_FILE.is_file()
    assert not Path(profiles[0].split("file://", 1)[1]).exists()  # temp dir cleaned up


def test_libreoffice_gets_the_no_hanging_punctuation_flag_in_its_own_reading(tmp_path):
    soffice = fake_soffice(tmp_path, RECORDING)
    render_pdf(DOCX, soffice=soffice)
    with zipfile.ZipFile(io.BytesIO(DOCX)) as original, zipfile.ZipFile(soffice + ".docx") as sent:
        assert b'<w:overflowPunct w:val="0"/>' in original.read("word/styles.xml")
        styles = sent.read("word/styles.xml")
        assert b'<w:overflowPunct w:val="1"/>' in styles and b'w:overflowPunct w:val="0"' not in styles
        assert sent.read("word/document.xml") == original.read("word/document.xml")


def test_a_hanging_soffice_is_killed_with_its_children(tmp_path):
    pid_file = tmp_path / "child.pid"
    # A shell stand-in starts in milliseconds, so even on a busy machine it has started its child well
    # before the timeout; the child stands for soffice.bin, which outlives a killed wrapper script.
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nwait\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(PreviewError, match="超时"):
        render_pdf(DOCX, soffice=str(script), timeout=2)
    child = int(pid_file.read_text())
    status = Path(f"/proc/{child}/status")

    def running() -> bool:
        # Gone, or a zombie waiting for init to reap it: either way no longer running.
        try:
            return "State:\tZ" not in status.read_text()
        except FileNotFoundError:
            return False

    # SIGKILL is delivered asynchronously: on a busy machine the child can still be on its way out
    # for a moment after render_pdf returns. A process that was never signalled would outlive this.
    deadline = time.monotonic() + 5
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running()


def test_a_crash_or_a_missing_pdf_is_a_preview_error(tmp_path):
    crashing = fake_soffice(
        tmp_path, "sys.stderr.write('Error: source file could not be loaded\\n'); sys.exit(1)"
    )
    with pytest.raises(PreviewError, match="source file could not be loaded") as error:
        render_pdf(DOCX, soffice=crashing)
    assert not isinstance(error.value, PreviewUnavailable)
    silent = fake_soffice(tmp_path, "sys.exit(0)", name="silent-soffice")
    with pytest.raises(PreviewError, match="未能生成打印预览"):
        render_pdf(DOCX, soffice=silent)


def test_a_file_that_is_not_a_docx_is_refused_before_starting_libreoffice(tmp_path):
    soffice = fake_soffice(tmp_path, RECORDING)
    with pytest.raises(PreviewError, match="不是有效的 Word"):
        render_pdf(b"plain text, not a zip", soffice=soffice)
    assert not os.path.exists(soffice + ".json")

"""Hostile uploads (issue #11): each is refused with a clear Chinese message or read safely, nothing is
stored, and the process that reads it stays under 400 MB — measured in a fresh subprocess with
``resource.getrusage``, so earlier tests' memory does not blur the figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from speechdraft.text.errors import DocumentError
from speechdraft.text.loading import load_document

from .hostile import inflating_docx, long_docx, numbered_docx

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CEILING_MB = 400

_LOAD_AND_MEASURE = """
import json, resource, sys
from speechdraft.text.errors import DocumentError
from speechdraft.text.loading import load_document
path = sys.argv[1]
result = {}
try:
    loaded = load_document(path, open(path, "rb").read())
    result["chars"] = len(loaded.text)
    result["head"] = loaded.text[:200]
except DocumentError as error:
    result["error"] = str(error)
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result, ensure_ascii=False))
"""


def load_in_subprocess(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_MEASURE, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_zip_directory_that_understates_document_xml_is_refused_in_bounded_memory(tmp_path):
    # 400 MB of real XML declared as 1,000 bytes: more than the ceiling if anything inflated it whole.
    bomb = inflating_docx(tmp_path / "讲话.docx", 400 * 1024 * 1024, declared_bytes=1000)
    assert bomb.stat().st_size < 20 * 1024 * 1024
    result = load_in_subprocess(bomb)
    assert "不是有效的 Word 文档" in result["error"] and "请用 Word 或 WPS" in result["error"]
    assert result["peak_mb"] < MEMORY_CEILING_MB


def test_an_honestly_huge_document_xml_is_refused_before_lxml_parses_it(tmp_path):
    # The 556 KB file held a 190 MB document.xml: 55 s and 3.66 GB before the fix.
    bomb = inflating_docx(tmp_path / "讲话.docx", 190 * 1024 * 1024)
    result = load_in_subprocess(bomb)
    assert "Word 文档解压后过大" in result["error"] and "请删除其中的图片或拆分文档" in result["error"]
    assert result["peak_mb"] < MEMORY_CEILING_MB


def test_a_part_inflating_hundreds_of_times_its_stored_size_is_refused(tmp_path):
    # Under the 12 MB cap for an XML part, but deflated far beyond any Word document.
    bomb = inflating_docx(tmp_path / "讲话.docx", 10 * 1024 * 1024, compresslevel=9)
    with pytest.raises(DocumentError, match="压缩比异常.*请用 Word 或 WPS 打开后另存为"):
        load_document("讲话.docx", bomb.read_bytes())


def test_a_list_starting_at_260_million_in_letters_gets_plain_digits_not_a_huge_label(tmp_path):
    path = tmp_path / "讲话.docx"
    path.write_bytes(numbered_docx("260000000"))
    assert path.stat().st_size < 40 * 1024
    result = load_in_subprocess(path)
    # Word caps list values at 32767; its upperLetter label would be 1,260 letters, so digits instead.
    assert "error" not in result
    assert "32767.第1项工作要抓紧落实。" in result["head"]
    assert result["chars"] < 200
    assert result["peak_mb"] < MEMORY_CEILING_MB


@pytest.mark.parametrize(
    ("start", "first"), [("abc", "1."), ("", "1."), ("1e9", "1."), ("９", "1."), ("-5", "0.")]
)
def test_a_nonsense_list_start_is_read_as_one_not_an_internal_error(start, first):
    loaded = load_document("讲话.docx", numbered_docx(start, num_fmt="decimal"))
    assert f"{first}第1项工作要抓紧落实。" in loaded.text


def test_a_document_longer_than_the_character_cap_is_refused_with_the_cap_named():
    with pytest.raises(DocumentError, match=r"文件内容过长：超过 300,000 字的上限.*请拆分文件"):
        load_document("讲话.docx", long_docx(310_000))
    with pytest.raises(DocumentError, match=r"超过 1,000 字的上限"):
        load_document("讲话.txt", ("各位代表：" + "依法履职。" * 400).encode(), max_chars=1000)


# --- through the command and the page: nothing is stored ---------------------------------------

_IMPORT_AND_MEASURE = """
import io, json, resource, sys
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
call_command("migrate", verbosity=0)
from speechdraft.library.models import CorpusDocument
out = io.StringIO()
try:
    call_command("import_corpus", sys.argv[1], format="json", stdout=out)
except CommandError as error:
    print(json.dumps({"command_error": str(error)}, ensure_ascii=False), file=sys.stderr)
print(json.dumps({
    "outcomes": json.loads(out.getvalue() or "[]"),
    "stored": CorpusDocument.objects.count(),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}, ensure_ascii=False))
"""


def test_the_import_command_refuses_a_hostile_folder_file_by_file_in_bounded_memory(tmp_path):
    folder = tmp_path / "语料"
    folder.mkdir()
    # Sparse files: 1.2 GB on paper, nothing on disk; a reader that reads before checking would pay.
    with open(folder / "录像.bin", "wb") as big:
        big.truncate(1200 * 1024 * 1024)
    with open(folder / "超大.txt", "wb") as big:
        big.truncate(1200 * 1024 * 1024)
    inflating_docx(folder / "炸弹.docx", 400 * 1024 * 1024, declared_bytes=1000)
    inflating_docx(folder / "巨大.docx", 190 * 1024 * 1024)
    (folder / "字母编号.docx").write_bytes(numbered_docx("abc"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "SPEECHDRAFT_VAR_DIR"}
    }
    env.update(DJANGO_SETTINGS_MODULE="speechdraft.settings", SPEECHDRAFT_VAR_DIR=str(tmp_path / "var"))
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_AND_MEASURE, str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    errors = {Path(o["path"]).name: o.get("error", "") for o in result["outcomes"] if o["status"] == "error"}
    # The .bin never matched the import's suffixes; the rest are refused one by one with their reason.
    assert "录像.bin" not in errors
    assert "文件过大：超过 20 MB 的上限" in errors["超大.txt"]
    assert "不是有效的 Word 文档" in errors["炸弹.docx"]
    assert "Word 文档解压后过大" in errors["巨大.docx"]
    assert [o["status"] for o in result["outcomes"] if o["path"].endswith("字母编号.docx")] == ["imported"]
    assert result["stored"] == 1
    assert result["peak_mb"] < MEMORY_CEILING_MB


def test_the_import_command_names_an_unsupported_file_without_reading_it(tmp_path, db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from speechdraft.library.models import CorpusDocument

    big = tmp_path / "录像.bin"
    with open(big, "wb") as handle:
        handle.truncate(1200 * 1024 * 1024)
    with pytest.raises(CommandError):
        call_command("import_corpus", str(big), format="json")
    assert CorpusDocument.objects.count() == 0


def test_the_import_page_refuses_an_oversized_upload_by_its_size_and_stores_nothing(
    client, manager, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from speechdraft.library.models import CorpusDocument

    settings.SPEECHDRAFT_MAX_UPLOAD_BYTES = 1024
    client.force_login(manager)
    upload = SimpleUploadedFile("讲话.txt", ("各位代表：" + "依法履职。" * 500).encode())
    response = client.post("/library/corpus/import/", {"files": [upload]}, headers={"HX-Request": "true"})
    assert "文件过大：超过 1 KB 的上限，请删除图片或拆分后重新导入。" in response.content.decode()
    assert CorpusDocument.objects.count() == 0


def test_the_import_page_refuses_a_zip_bomb_and_stores_nothing(client, manager, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from speechdraft.library.models import CorpusDocument

    bomb = inflating_docx(tmp_path / "讲话.docx", 200 * 1024 * 1024, declared_bytes=1000)
    client.force_login(manager)
    upload = SimpleUploadedFile("讲话.docx", bomb.read_bytes())
    response = client.post("/library/corpus/import/", {"files": [upload]}, headers={"HX-Request": "true"})
    assert "不是有效的 Word 文档" in response.content.decode()
    assert CorpusDocument.objects.count() == 0

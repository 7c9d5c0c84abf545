"""The import_corpus command, exactly as DESIGN §7 specifies, on the seeds and on broken input."""

import contextlib
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from speechdraft.library.models import CorpusDocument
from tests.conftest import SEED_000, SEED_004

pytestmark = pytest.mark.django_db


def run_import(*paths) -> list[dict]:
    out = StringIO()
    with contextlib.suppress(CommandError):  # every file failed; the JSON was still written
        call_command("import_corpus", *map(str, paths), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_seed_000_is_parsed_into_salutation_opening_three_parts_and_closing():
    (result,) = run_import(SEED_000)
    assert result["status"] == "imported"
    roles = [p["role"] for p in result["parts"]]
    assert roles == ["salutation", "opening", "part", "part", "part", "closing"]
    salutation = CorpusDocument.objects.get(pk=result["id"]).segments[0]
    assert salutation["role"] == "salutation"
    headings = [p["heading"] for p in result["parts"] if p["role"] == "part"]
    assert [h[:2] for h in headings] == ["第一", "第二", "第三"]
    doc = CorpusDocument.objects.get(pk=result["id"])
    closing = next(s for s in doc.segments if s["role"] == "closing")
    assert doc.text[closing["start"] : closing["end"]].startswith("同志们")
    assert doc.text.startswith("各位代表、同志们：")
    assert result["encoding"] == "utf-8"
    assert result["error"] is None


def test_seed_004_has_title_salutation_run_in_parts_and_reports_removed_ads():
    (result,) = run_import(SEED_004)
    assert result["status"] == "imported"
    assert result["title"] == "在全区人大代表培训班上的讲话"
    parts = [p for p in result["parts"] if p["role"] == "part"]
    assert [p["heading"][:2] for p in parts] == ["一、", "二、", "三、"]
    assert parts[0]["heading"] == "一、提高认识，增强当好人大代表的责任感。"
    doc = CorpusDocument.objects.get(pk=result["id"])
    by_role = {s["role"]: doc.text[s["start"] : s["end"]] for s in doc.segments}
    assert by_role["salutation"] == "各位代表："
    assert by_role["closing"].startswith("各位代表、同志们")
    removed = "\n".join(result["removed_lines"])
    for ad in ("仅供学习", "会员群", "现在订阅立享", "QQ群"):
        assert ad in removed
    assert "仅供学习" not in doc.text and "QQ群" not in doc.text


def test_importing_again_reports_duplicate_with_the_existing_id():
    (first,) = run_import(SEED_004)
    (second,) = run_import(SEED_004)
    assert second["status"] == "duplicate"
    assert second["id"] == first["id"]
    assert CorpusDocument.objects.count() == 1


def test_one_broken_file_does_not_stop_the_others(tmp_path):
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"this is not a zip archive at all")
    empty = tmp_path / "空文件.txt"
    empty.write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text(
        "在全区代表座谈会上的讲话\n各位代表：\n今天召开座谈会，听取大家的意见建议。\n同志们，让我们共同努力！",
        encoding="gbk",
    )
    results = {r["path"]: r for r in run_import(broken, empty, good)}
    assert results[str(good)]["status"] == "imported"
    assert results[str(good)]["encoding"] == "gb18030"
    assert results[str(broken)]["status"] == "error"
    assert "Word" in results[str(broken)]["error"] or "docx" in results[str(broken)]["error"]
    assert results[str(empty)]["status"] == "error"
    assert "空" in results[str(empty)]["error"]
    assert CorpusDocument.objects.count() == 1


def test_a_folder_imports_every_supported_file_inside(tmp_path):
    (tmp_path / "a.txt").write_text("各位代表：\n第一篇讲话的正文内容。", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("各位代表：\n第二篇讲话的正文内容。", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    results = run_import(tmp_path)
    assert [r["status"] for r in results] == ["imported", "imported"]


def test_a_crash_while_storing_leaves_no_half_imported_document(tmp_path, monkeypatch):
    from speechdraft.library import services

    def explode(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.CorpusDocument, "save", explode)
    path = tmp_path / "x.txt"
    path.write_text("各位代表：\n正文。", encoding="utf-8")
    with pytest.raises(RuntimeError):
        run_import(path)
    monkeypatch.undo()
    assert CorpusDocument.objects.count() == 0


def test_missing_path_is_a_one_line_error():
    with pytest.raises(CommandError, match="找不到路径"):
        call_command("import_corpus", "/nonexistent/file.txt", "--format", "json", stdout=StringIO())


def test_docx_with_a_table_is_imported_in_document_order(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("在全区人大代表座谈会上的讲话")
    document.add_paragraph("各位代表：")
    document.add_paragraph("今天召开座谈会，先请大家看一张表。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "一、提高认识。表格里的第一部分内容。"
    table.cell(0, 1).text = "表格里的补充说明。"
    document.add_paragraph("同志们，让我们共同努力！")
    path = tmp_path / "table.docx"
    document.save(path)
    (result,) = run_import(path)
    assert result["status"] == "imported"
    text = CorpusDocument.objects.get(pk=result["id"]).text
    assert text.index("先请大家看一张表") < text.index("表格里的第一部分") < text.index("同志们")


def test_zip_without_word_content_named_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not word")
    (result,) = run_import(path)
    assert result["status"] == "error"
    assert result["error"] and not result["error"].isascii()


def test_a_docx_whose_parts_are_word_numbered_list_items_is_filed_part_by_part(tmp_path):
    # #10.7: the parts were "1./2./3." Word list items; the whole speech used to land under 开场.
    from tests.text.conftest import DocxBuilder

    builder = DocxBuilder()
    builder.add_list(130, [("decimal", "%1.")])
    builder.paragraph("在全县人大代表培训班上的讲话")
    builder.paragraph("各位代表、同志们：")
    builder.paragraph("下面，我讲两点意见。")
    builder.paragraph("提高认识，增强责任感。", num=(130, 0))
    builder.paragraph("宪法规定，中华人民共和国一切权力属于人民。")
    builder.paragraph("认真履职，发挥代表作用。", num=(130, 0))
    builder.paragraph("人大代表要积极参加人民代表大会会议。")
    builder.paragraph("同志们，让我们共同努力！")
    path = tmp_path / "培训班讲话.docx"
    path.write_bytes(builder.to_bytes())
    (result,) = run_import(path)
    assert [p["role"] for p in result["parts"]] == [
        "title",
        "salutation",
        "opening",
        "part",
        "part",
        "closing",
    ]
    assert [p["heading"] for p in result["parts"] if p["role"] == "part"] == [
        "1.提高认识，增强责任感。",
        "2.认真履职，发挥代表作用。",
    ]

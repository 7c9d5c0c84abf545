"""The 修订稿: tracked changes between two versions, open 批注 as Word comments, and the custom
properties that name the speech; and the plain export, built from the print model."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from lxml import etree

from speechdraft.export.builder import ChangeStamp, ExportParagraph, WordComment, build_docx
from tests.drafting.factories import make_speech
from tests.review.factories import make_revised_speech

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STAMP = ChangeStamp("王秘书", dt.datetime(2024, 7, 20, 9, 30, tzinfo=dt.UTC))


def split(a: str, b: str):
    """A stand-in word diff: common prefix and suffix, the middle replaced."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return [
        ("equal", a[:start]),
        ("delete", a[start : len(a) - end]),
        ("insert", b[start : len(b) - end]),
        ("equal", a[len(a) - end :]),
    ]


def body_xml(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml")), package


OLD = [
    ExportParagraph("title", "在全区人大代表培训班上的讲话"),
    ExportParagraph("salutation", "各位代表：", key=1),
    ExportParagraph("body", "今天我们召开座谈会。", key=2),
    ExportParagraph("body", "这一段将被删去。", key=2),
]
NEW = [
    ExportParagraph("title", "在全区人大代表培训班上的讲话"),
    ExportParagraph("salutation", "各位代表：", key=1),
    ExportParagraph("body", "今天我们隆重召开座谈会。", key=2),
    ExportParagraph("run_in", "人大代表要依法履职。", heading="一、提高认识。", key=3),
]


def test_changed_words_are_tracked_with_author_and_date():
    root, _ = body_xml(build_docx(NEW, previous=OLD, stamp=STAMP, diff=split))
    inserted = [
        ("".join(el.itertext()), el.get(f"{W}author"), el.get(f"{W}date")) for el in root.iter(f"{W}ins")
    ]
    deleted = [
        "".join(t.text for t in el.iter(f"{W}delText"))
        for el in root.iter(f"{W}del")
        if el.getparent().tag != f"{W}rPr"
    ]
    assert ("隆重", "王秘书", "2024-07-20T09:30:00Z") in inserted
    assert ("一、提高认识。人大代表要依法履职。", "王秘书", "2024-07-20T09:30:00Z") in inserted
    assert "这一段将被删去。" in deleted


def test_whole_paragraphs_added_or_removed_carry_a_tracked_paragraph_mark():
    root, _ = body_xml(build_docx(NEW, previous=OLD, stamp=STAMP, diff=split))
    marks = [
        el.tag.removeprefix(W)
        for el in root.iter()
        if el.getparent() is not None
        and el.getparent().tag == f"{W}rPr"
        and el.getparent().getparent().tag == f"{W}pPr"
    ]
    assert sorted(marks) == ["del", "ins"]


def test_a_run_in_heading_keeps_its_heading_style_inside_an_insertion():
    root, _ = body_xml(build_docx(NEW, previous=OLD, stamp=STAMP, diff=split))
    styles = [
        r.find(f"{W}rPr/{W}rStyle").get(f"{W}val")
        for ins in root.iter(f"{W}ins")
        for r in ins.iter(f"{W}r")
        if r.find(f"{W}rPr/{W}rStyle") is not None
    ]
    assert "PartHeading1Char" in styles


def test_comments_are_anchored_on_their_words_and_listed_in_comments_xml():
    comment = WordComment(
        paragraph=3, start=2, end=4, author="李科长", date=STAMP.date, paragraphs=("请核实", "王秘书：已核实")
    )
    data = build_docx(NEW, comments=[comment])
    root, _ = body_xml(data)
    paragraph = [p for p in root.iter(f"{W}p") if "召开" in "".join(p.itertext())][0]
    anchored, inside = [], False
    for el in paragraph.iter():
        if el.tag == f"{W}commentRangeStart":
            inside = True
        elif el.tag == f"{W}commentRangeEnd":
            inside = False
        elif el.tag == f"{W}t" and inside:
            anchored.append(el.text)
    assert "".join(anchored) == "我们"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        comments = etree.fromstring(package.read("word/comments.xml"))
        assert "comments.xml" in package.read("word/_rels/document.xml.rels").decode()
    (entry,) = comments.iter(f"{W}comment")
    assert entry.get(f"{W}author") == "李科长"
    assert ["".join(p.itertext()) for p in entry.iter(f"{W}p")] == ["请核实", "王秘书：已核实"]


def test_custom_properties_name_the_speech_and_revision():
    data = build_docx(NEW, properties={"speechdraft_speech_id": 12, "speechdraft_title": "讲话"})
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        custom = package.read("docProps/custom.xml").decode()
    assert "<vt:i4>12</vt:i4>" in custom and "<vt:lpwstr>讲话</vt:lpwstr>" in custom
    Document(io.BytesIO(data))  # still a package python-docx opens


# --- from the database ---------------------------------------------------------------------------


@pytest.fixture
def revised(drafter, colleague):
    return make_revised_speech(drafter, colleague)


@pytest.mark.django_db
def test_a_stored_speech_is_exported_from_its_print_model_without_parsing_text(drafter, monkeypatch):
    from speechdraft.export import services

    speech = make_speech(drafter)
    monkeypatch.setattr(services, "parse_speech", lambda text: pytest.fail("export re-parsed the text"))
    data, _ = services.speech_docx(speech, services.export_options())
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text]
    assert paragraphs == [p.text for p in speech.printed().paragraphs]


@pytest.mark.django_db
def test_export_docx_command_writes_a_tracked_copy(revised, tmp_path):
    out = tmp_path / "修订稿.docx"
    stdout = io.StringIO()
    call_command(
        "export_docx", speech=revised.pk, tracked_from=1, output=str(out), format="json", stdout=stdout
    )
    assert json.loads(stdout.getvalue())["tracked_from"] == 1
    root, _ = body_xml(out.read_bytes())
    assert ["".join(el.itertext()) for el in root.iter(f"{W}ins")] == ["明确规定"]
    with zipfile.ZipFile(out) as package:
        assert "请核对原文" in package.read("word/comments.xml").decode("utf-8")


@pytest.mark.django_db
def test_export_docx_command_refuses_a_revision_that_does_not_exist(revised, tmp_path):
    with pytest.raises(CommandError, match="没有第9版"):
        call_command("export_docx", speech=revised.pk, tracked_from=9, output=str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="--speech"):
        call_command("export_docx", str(tmp_path / "a.txt"), tracked_from=1, output=str(tmp_path / "x.docx"))


@pytest.mark.django_db
def test_the_export_page_downloads_a_tracked_copy_and_lists_open_comments(client, revised, drafter):
    client.force_login(drafter)
    html = client.get(reverse("export:page", args=[revised.pk])).content.decode()
    assert "还有 1 条未解决的批注" in html and "请核对原文" in html
    response = client.get(
        reverse("export:docx", args=[revised.pk]),
        {"profile": "standard", "tracked_from": "1", "tracked_to": "2"},
    )
    assert response.status_code == 200
    assert "%E4%BF%AE%E8%AE%A2%E7%A8%BF" in response["Content-Disposition"]  # 修订稿 in the file name
    root, _ = body_xml(response.content)
    assert [el.get(f"{W}author") for el in root.iter(f"{W}ins")] == ["王秘书"]
    bad = client.get(reverse("export:docx", args=[revised.pk]), {"profile": "standard", "tracked_from": "7"})
    assert bad.status_code == 400 and "没有第7版" in bad.content.decode()

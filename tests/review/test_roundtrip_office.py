"""The Word round trip against a real client: LibreOffice, driven through UNO, reads the 修订稿 we write
and writes a 审阅稿 we read back."""

import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command

from speechdraft.drafting.services import speech_data, speech_save
from speechdraft.export.preview import render_pdf
from speechdraft.export.services import export_options, speech_docx, speech_tracked_docx
from speechdraft.review.roundtrip import review_apply, review_import
from tests.drafting.factories import PARTS, make_sections, make_speech
from tests.export.pdf_measure import pdf_pages
from tests.review.factories import make_revised_speech
from tests.review.office import edit_docx, inspect_docx, needs_office

pytestmark = [pytest.mark.soffice, pytest.mark.django_db, needs_office]


def edited(speech, user, **bodies):
    """Save ``speech`` with section bodies replaced (by section position) as ``user``."""
    data = speech_data(speech)
    for index, body in bodies.items():
        data["sections"][int(index.removeprefix("s"))]["body"] = body
    speech_save(speech=speech, user=user, base_version=speech.version, data=data)
    speech.refresh_from_db()
    return speech


@pytest.fixture
def revised(drafter, colleague):
    """A speech at its second version (one word changed in 一、) with an open 批注 by 李科长."""
    return make_revised_speech(drafter, colleague)


def test_libreoffice_lists_the_redlines_and_comments_of_an_exported_tracked_copy(revised):
    data, _ = speech_tracked_docx(revised, export_options(), tracked_from=1)
    seen = inspect_docx(data)
    assert seen["redlines"] == [
        {"type": "Delete", "author": "王秘书", "text": "规定"},
        {"type": "Insert", "author": "王秘书", "text": "明确规定"},
    ]
    assert seen["comments"] == [{"author": "李科长", "text": "请核对原文", "anchor": "一切权力属于人民"}]
    assert float(seen["properties"]["speechdraft_speech_id"]) == revised.pk
    assert float(seen["properties"]["speechdraft_revision"]) == 2


def without_comments(data: bytes) -> bytes:
    """The 修订稿 as printed for the layout check: LibreOffice's PDF export needs a view, which a
    comment aborts in the -nogui package, so comment marks are taken out (the text stays)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = re.sub(
                    rb"<w:commentRange(Start|End) [^>]*/>|<w:r><w:commentReference [^>]*/></w:r>",
                    b"",
                    content,
                )
            target.writestr(info, content)
    return out.getvalue()


def test_the_tracked_copy_still_prints_on_the_official_grid(drafter):
    """Four pages of text with words changed in every part: the 修订稿 keeps the 22-line grid, the
    28-character measure and the margins of the plain export (tests/export/test_render.py)."""
    long_parts = [(heading, "\n".join([body.replace("\n", "")] * 6)) for heading, body in PARTS]
    speech = make_speech(drafter, sections=make_sections(long_parts))
    data = speech_data(speech)
    for section in data["sections"][2:5]:
        section["body"] = section["body"].replace("人大代表", "全体人大代表", 3)
    speech_save(speech=speech, user=drafter, base_version=speech.version, data=data)
    speech.refresh_from_db()
    tracked, _ = speech_tracked_docx(speech, export_options(), tracked_from=1)
    pages = pdf_pages(render_pdf(without_comments(tracked)))
    layout = export_options().layout
    left = layout.margins_twips["left"] / 20
    right = (layout.page_width_twips - layout.margins_twips["right"]) / 20
    bottom = (layout.page_height_twips - layout.margins_twips["bottom"]) / 20
    assert len(pages) >= 3
    for page in pages:
        for line in page.lines:
            assert left - 0.6 <= line.x_min and line.x_max <= right + 0.6, line
    pitch = layout.line_pitch_twips / 20
    origin = [line for line in pages[1].lines if line.y_min < bottom][0].y_min
    for page in pages[:-1]:
        body = [line for line in page.lines if line.y_min < bottom]
        slots = [(line.y_min - origin) / pitch for line in body]
        assert all(abs(slot - round(slot)) < 0.15 for slot in slots), (page.number, slots)
        assert len(body) == layout.lines_per_page - (1 if page.number == 1 else 0), page.number


REVIEW = {
    "author": "张处长",
    "edits": [
        {"find": "宪法", "insert": "和法律"},
        {"find": "人大代表是人民代表大会的主体", "delete": "积极"},
    ],
    "comment": {"find": "光荣使者", "text": "这里再斟酌", "author": "张处长"},
}


def test_import_review_reports_exactly_what_a_reviewer_did_in_libreoffice(revised, tmp_path):
    data, _ = speech_docx(revised, export_options())
    path = tmp_path / "审阅稿.docx"
    path.write_bytes(edit_docx(data, REVIEW))
    out = io.StringIO()
    call_command("import_review", str(path), speech=revised.pk, format="json", stdout=out)
    result = json.loads(out.getvalue())
    sections = list(revised.sections.all())
    assert result["base_revision"] == 2
    assert [(c["kind"], c["text"], c["author"], c["section_id"]) for c in result["changes"]] == [
        ("insert", "和法律", "张处长", sections[2].pk),
        ("delete", "积极", "张处长", sections[3].pk),
    ]
    assert [(c["text"], c["author"], c["anchor_text"], c["section_id"]) for c in result["comments"]] == [
        ("这里再斟酌", "张处长", "光荣使者", sections[4].pk),
    ]
    assert result["revision"] is None


def test_accepting_a_libreoffice_review_gives_the_edited_text(revised, tmp_path):
    data, _ = speech_tracked_docx(revised, export_options(), tracked_from=1)
    path = tmp_path / "审阅稿.docx"
    path.write_bytes(edit_docx(data, REVIEW))
    out = io.StringIO()
    call_command("import_review", str(path), speech=revised.pk, format="json", accept_all=True, stdout=out)
    result = json.loads(out.getvalue())
    # The 修订稿's own marks (王秘书's 规定 → 明确规定) are the base text, not the reviewer's changes.
    assert [c["text"] for c in result["changes"]] == ["和法律", "积极"]
    assert result["revision"] == 3
    revised.refresh_from_db()
    bodies = [s.body for s in revised.sections.all()]
    assert bodies[2].startswith("宪法和法律明确规定，中华人民共和国一切权力属于人民。")
    assert "要参加×区人民代表大会会议" in bodies[3]
    assert "积极" not in bodies[3]
    assert revised.comments.filter(body__startswith="这里再斟酌").exists()


def test_a_paragraph_split_in_libreoffice_becomes_two_paragraphs_of_the_section(revised, drafter):
    data, _ = speech_docx(revised, export_options())
    split = edit_docx(
        data, {"author": "张处长", "edits": [{"find": "人大代表是人民代表大会的主体，", "split": True}]}
    )
    imp = review_import(speech=revised, data=split)
    part = list(revised.sections.all())[3]
    assert [(c.kind, c.text, c.section_id) for _, c in imp.change_rows()] == [("insert", "\n", part.pk)]
    review_apply(imp=imp, user=drafter, accepted={i for i, _ in imp.change_rows()})
    part.refresh_from_db()
    assert part.body == "人大代表是人民代表大会的主体，\n要积极参加×区人民代表大会会议。"

"""审阅稿 in: files written as Word and WPS write them, read back onto the speech's sections."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from speechdraft.drafting.services import speech_data, speech_save
from speechdraft.export.services import export_options, speech_docx, speech_tracked_docx
from speechdraft.review import roundtrip
from speechdraft.review.roundtrip import ReviewFileError, review_apply, review_import
from speechdraft.review.services import comment_add, comment_reply
from tests.drafting.factories import make_speech
from tests.review.docx_edit import W_ATTRS, dele, ins, r, replace_run, rewrite

pytestmark = pytest.mark.django_db

LEAD = "宪法规定，中华人民共和国一切权力属于人民。"  # the run-in body of 一、 in the factory speech


@pytest.fixture
def speech(drafter):
    return make_speech(drafter)


@pytest.fixture
def exported(speech):
    data, _ = speech_docx(speech, export_options())
    return data


def sections(speech):
    return list(speech.sections.all())


def test_tracked_insertions_and_deletions_are_mapped_to_their_sections(speech, exported):
    data = replace_run(
        exported,
        LEAD,
        r("宪法") + ins("和法律") + r("规定，中华人民共和国") + dele("一切") + r("权力属于人民。"),
    )
    imp = review_import(speech=speech, data=data)
    part = sections(speech)[2].pk
    assert [(c.kind, c.text, c.author, c.section_id) for _, c in imp.change_rows()] == [
        ("insert", "和法律", "张处长", part),
        ("delete", "一切", "张处长", part),
    ]
    assert imp.as_json()["base_revision"] == 1


def test_accepting_some_changes_and_rejecting_others_makes_one_new_revision(speech, exported, drafter):
    data = replace_run(
        exported,
        LEAD,
        r("宪法") + ins("和法律") + r("规定，中华人民共和国") + dele("一切") + r("权力属于人民。"),
    )
    imp = review_import(speech=speech, data=data)
    (insert, _delete) = [i for i, _ in imp.change_rows()]
    outcome = review_apply(imp=imp, user=drafter, accepted={insert})
    assert outcome.revision.number == 2 and outcome.conflicts == []
    body = sections(speech)[2].body
    assert body.startswith("宪法和法律规定，中华人民共和国一切权力属于人民。\n一是要")


def test_moves_read_as_a_deletion_and_an_insertion(speech, exported):
    moved = (
        f'<w:moveFrom w:id="1" {W_ATTRS}><w:r><w:delText>中华人民共和国</w:delText></w:r></w:moveFrom>'
        + r("一切权力属于人民。")
        + f'<w:moveTo w:id="2" {W_ATTRS}><w:r><w:t>中华人民共和国</w:t></w:r></w:moveTo>'
    )
    data = replace_run(exported, LEAD, r("宪法规定，") + moved)
    imp = review_import(speech=speech, data=data)
    assert [(c.kind, c.text) for _, c in imp.change_rows()] == [
        ("delete", "中华人民共和国"),
        ("insert", "中华人民共和国"),
    ]


def test_a_paragraph_split_by_a_reviewer_becomes_two_paragraphs_of_the_section(speech, exported, drafter):
    split = (
        r("宪法规定，")
        + f'<w:ins w:id="3" {W_ATTRS}><w:r><w:t></w:t></w:r></w:ins></w:p><w:p><w:pPr></w:pPr>'
        + r("中华人民共和国一切权力属于人民。")
    )

    def edit(document: str) -> str:
        run = f"<w:r><w:t>{LEAD}</w:t></w:r>"
        # Word marks the paragraph mark it inserted on the paragraph that now ends early.
        at = document.index(run)
        start = document.rindex("<w:p>", 0, at)
        head = document[start:at].replace(
            "<w:p>", f'<w:p><w:pPr><w:rPr><w:ins w:id="4" {W_ATTRS}/></w:rPr></w:pPr>', 1
        )
        return document[:start] + head + split + document[at + len(run) :]

    data = rewrite(exported, "word/document.xml", edit)
    imp = review_import(speech=speech, data=data)
    assert [(c.kind, c.text) for _, c in imp.change_rows()] == [("insert", "\n")]
    review_apply(imp=imp, user=drafter, accepted={i for i, _ in imp.change_rows()})
    part = sections(speech)[2]
    assert part.heading == "提高认识，增强当好人大代表的责任感。"
    assert part.body.startswith("宪法规定，\n中华人民共和国一切权力属于人民。\n一是要")


def test_a_file_without_tracked_changes_is_compared_with_the_revision_it_came_from(speech, exported, drafter):
    data = replace_run(exported, LEAD, r("宪法明确规定，中华人民共和国一切权力属于人民。"))
    imp = review_import(speech=speech, data=data)
    assert imp.synthesized
    assert [(c.kind, c.text) for _, c in imp.change_rows()] == [("delete", "规定"), ("insert", "明确规定")]
    review_apply(imp=imp, user=drafter, accepted={i for i, _ in imp.change_rows()})
    assert sections(speech)[2].body.startswith("宪法明确规定，")


def test_comments_come_with_their_words_and_section(speech, exported):
    commented = (
        '<w:commentRangeStart w:id="5"/>'
        + r(LEAD)
        + '<w:commentRangeEnd w:id="5"/><w:r><w:commentReference w:id="5"/></w:r>'
    )
    data = replace_run(exported, LEAD, commented)
    comments = (
        '<?xml version="1.0" encoding="UTF-8"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:comment w:id="5" {W_ATTRS}><w:p><w:r><w:t>引文请注明出处</w:t></w:r></w:p></w:comment></w:comments>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/comments.xml", comments)
    imp = review_import(speech=speech, data=out.getvalue())
    assert imp.as_json()["comments"] == [
        {
            "text": "引文请注明出处",
            "author": "张处长",
            "anchor_text": LEAD,
            "section_id": sections(speech)[2].pk,
        }
    ]


def test_libreoffice_numbers_written_back_as_doubles_are_accepted(speech, exported):
    data = rewrite(
        exported,
        "docProps/custom.xml",
        lambda xml: xml.replace("<vt:i4>", "<vt:r8>").replace("</vt:i4>", ".0</vt:r8>"),
    )
    data = replace_run(data, LEAD, r("宪法") + ins("和法律") + r("规定，中华人民共和国一切权力属于人民。"))
    assert review_import(speech=speech, data=data).review.speech_id == speech.pk


def test_what_was_written_in_the_app_since_the_export_is_kept_and_named(speech, exported, drafter):
    data = replace_run(
        exported, LEAD, r("宪法") + ins("和法律") + r("规定，中华人民共和国一切权力属于人民。")
    )
    imp = review_import(speech=speech, data=data)
    later = speech_data(speech)
    later["sections"][2]["body"] = "起草人导出后又改写了这一段。"
    speech_save(speech=speech, user=drafter, base_version=speech.version, data=later)
    outcome = review_apply(imp=imp, user=drafter, accepted={i for i, _ in imp.change_rows()})
    assert outcome.revision is None
    assert outcome.conflicts == ["提高认识，增强当好人大代表的责任感。"]
    assert sections(speech)[2].body == "起草人导出后又改写了这一段。"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not really a zip", "不是有效的 Word 文件"),
        (b"", "不是有效的 Word 文件"),
    ],
)
def test_a_broken_file_says_what_to_do(speech, data, message):
    with pytest.raises(ReviewFileError, match=message):
        review_import(speech=speech, data=data)


def test_a_damaged_document_part_says_what_to_do(speech, exported):
    data = rewrite(exported, "word/document.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ReviewFileError, match="文件已损坏.*重新另存为"):
        review_import(speech=speech, data=data)


def test_an_oversized_part_is_refused_without_reading_it_whole(speech, exported, monkeypatch):
    monkeypatch.setattr(roundtrip, "MAX_ENTRY_BYTES", 1000)
    with pytest.raises(ReviewFileError, match="过大"):
        review_import(speech=speech, data=exported)


def test_a_file_of_another_speech_is_refused_by_name(speech, drafter):
    other = make_speech(drafter, title="在代表座谈会上的讲话")
    data, _ = speech_docx(other, export_options())
    with pytest.raises(ReviewFileError, match=f"另一篇讲话稿（编号 {other.pk}）"):
        review_import(speech=speech, data=data)


def test_a_file_not_exported_here_is_refused(speech, exported):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "docProps/custom.xml":
                target.writestr(info, source.read(info))
    with pytest.raises(ReviewFileError, match="不是从本系统导出的"):
        review_import(speech=speech, data=out.getvalue())


def test_a_file_without_changes_says_there_is_nothing_to_import(speech, exported):
    with pytest.raises(ReviewFileError, match="没有任何修改或批注"):
        review_import(speech=speech, data=exported)


def test_import_review_command_reports_json_and_applies_with_accept_all(speech, exported, tmp_path):
    path = tmp_path / "审阅稿.docx"
    path.write_bytes(
        replace_run(exported, LEAD, r("宪法") + ins("和法律") + r("规定，中华人民共和国一切权力属于人民。"))
    )
    out = io.StringIO()
    call_command("import_review", str(path), speech=speech.pk, format="json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"base_revision", "changes", "comments", "revision"}
    assert result["changes"] == [
        {
            "kind": "insert",
            "text": "和法律",
            "author": "张处长",
            "date": "2099-01-01T09:00:00Z",
            "section_id": sections(speech)[2].pk,
        }
    ]
    assert result["revision"] is None
    out = io.StringIO()
    call_command("import_review", str(path), speech=speech.pk, format="json", accept_all=True, stdout=out)
    assert json.loads(out.getvalue())["revision"] == 2
    assert sections(speech)[2].body.startswith("宪法和法律规定")


def test_import_review_command_fails_with_one_line_for_a_change_free_file(speech, exported, tmp_path):
    path = tmp_path / "原样.docx"
    path.write_bytes(exported)
    with pytest.raises(CommandError, match="没有任何修改或批注"):
        call_command("import_review", str(path), speech=speech.pk, format="json")
    with pytest.raises(CommandError, match="找不到编号为 999"):
        call_command("import_review", str(path), speech=999)


def test_the_apps_own_comments_coming_back_in_a_tracked_copy_are_not_new(speech, drafter, colleague):
    part = sections(speech)[2]
    comment = comment_add(
        speech=speech, user=colleague, section_id=part.pk, anchor_text="宪法", anchor_offset=0, body="核对"
    )
    comment_reply(comment=comment, user=drafter, body="已核对")
    exported, _ = speech_tracked_docx(speech, export_options(), tracked_from=1)
    data = replace_run(
        exported,
        "规定，中华人民共和国一切权力属于人民。",
        ins("根本") + r("规定，中华人民共和国一切权力属于人民。"),
    )
    imp = review_import(speech=speech, data=data)
    assert [c.text for _, c in imp.change_rows()] == ["根本"]
    assert imp.comments == []


def test_a_run_in_heading_printed_with_its_full_stop_is_not_a_change_of_the_heading(drafter):
    speech = make_speech(
        drafter,
        sections=[
            {"role": "salutation", "body": "各位代表："},
            {"role": "part", "heading": "提高认识", "body": "宪法规定，一切权力属于人民。"},
        ],
    )
    exported, _ = speech_docx(speech, export_options())
    data = replace_run(
        exported, "宪法规定，一切权力属于人民。", r("宪法") + ins("明确") + r("规定，一切权力属于人民。")
    )
    imp = review_import(speech=speech, data=data)
    review_apply(imp=imp, user=drafter, accepted={i for i, _ in imp.change_rows()})
    part = sections(speech)[1]
    assert (part.heading, part.body) == ("提高认识", "宪法明确规定，一切权力属于人民。")


def test_a_reviewed_section_keeps_its_placeholders_where_their_values_were_printed(drafter):
    speech = make_speech(drafter, placeholder_values={"区名": "云岩"})
    exported, _ = speech_docx(speech, export_options())
    printed = "人大代表是人民代表大会的主体，要积极参加云岩区人民代表大会会议。"
    data = replace_run(
        exported,
        printed,
        r("人大代表是人民代表大会的主体，要") + dele("积极") + r("参加云岩区人民代表大会会议。"),
    )
    imp = review_import(speech=speech, data=data)
    review_apply(imp=imp, user=drafter, accepted={i for i, _ in imp.change_rows()})
    assert sections(speech)[3].body == "人大代表是人民代表大会的主体，要参加×区人民代表大会会议。"


def test_keep_placeholders_takes_the_reviewers_words_where_a_value_was_rewritten():
    values = {"区名": "云岩"}
    assert roundtrip.keep_placeholders("全×区人民", "全云岩区人民", values) == "全×区人民"
    assert roundtrip.keep_placeholders("全×区人民", "全南明区人民", values) == "全南明区人民"
    assert roundtrip.keep_placeholders("全×区人民", "全云岩区广大人民", values) == "全×区广大人民"

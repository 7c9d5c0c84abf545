"""Saving as writers meet it: merges of simultaneous edits, autosaves collapsing into one revision per
writing session, bounded history, and 撤销 of a deleted section bringing back exactly what was deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from speechdraft.drafting import services
from speechdraft.drafting.models import Revision, Speech
from tests.conftest import make_block
from tests.drafting.factories import make_speech, share

pytestmark = pytest.mark.django_db
AUTOSAVE = Revision.Kind.AUTOSAVE


def _data(speech, **changes):
    data = services.speech_data(Speech.objects.get(pk=speech.pk))
    for item in data["sections"]:
        item["key"] = f"s{item['id']}"
    data.update(changes)
    return data


def _save(speech, user, base, data, **kwargs):
    return services.speech_save(
        speech=Speech.objects.get(pk=speech.pk), user=user, base_version=base, data=data, **kwargs
    )


def test_two_writers_editing_different_sections_from_one_version_both_keep_their_text(drafter, colleague):
    speech = make_speech(drafter)
    mine, theirs = _data(speech), _data(speech)
    theirs["sections"][1]["body"] = "同事改过的开场。"
    mine["sections"][-1]["body"] = "我改过的结尾！"
    mine["title"] = "我改的标题"
    assert not _save(speech, colleague, 1, theirs).conflict
    outcome = _save(speech, drafter, 1, mine)
    assert not outcome.conflict and outcome.merged
    stored = Speech.objects.get(pk=speech.pk)
    assert stored.version == 3 and stored.title == "我改的标题"
    assert stored.sections.get(role="opening").body == "同事改过的开场。"
    assert stored.sections.get(role="closing").body == "我改过的结尾！"
    # Both sides stay in history: the colleague's save and the merge.
    notes = list(stored.revisions.order_by("number").values_list("author__username", "version"))
    assert notes[-2:] == [("li", 2), ("wang", 3)]


def test_a_section_added_on_one_side_and_a_reorder_on_the_other_merge(drafter, colleague):
    speech = make_speech(drafter)
    mine, theirs = _data(speech), _data(speech)
    parts = [i for i, s in enumerate(theirs["sections"]) if s["role"] == "part"]
    theirs["sections"][parts[0]], theirs["sections"][parts[1]] = (
        theirs["sections"][parts[1]],
        theirs["sections"][parts[0]],
    )
    mine["sections"].insert(
        -1, {"key": "n1", "id": None, "role": "part", "heading": "新的部分", "body": "新内容。"}
    )
    _save(speech, colleague, 1, theirs)
    outcome = _save(speech, drafter, 1, mine)
    assert not outcome.conflict
    headings = [s.heading for s in Speech.objects.get(pk=speech.pk).sections.all() if s.role == "part"]
    assert headings == [
        "认真履职，充分发挥人大代表作用。",
        "提高认识，增强当好人大代表的责任感。",
        "勤于实践，争当人民满意的人大代表。",
        "新的部分",
    ]
    assert outcome.section_ids["n1"] == Speech.objects.get(pk=speech.pk).sections.get(heading="新的部分").pk


def test_a_conflict_stores_nothing_but_the_refused_copy_and_names_the_section(drafter, colleague):
    speech = make_speech(drafter)
    mine, theirs = _data(speech), _data(speech)
    theirs["sections"][2]["heading"] = "同事改的标题。"
    mine["sections"][2]["heading"] = "我改的标题。"
    mine["sections"][1]["body"] = "我改的开场。"
    _save(speech, colleague, 1, theirs)
    outcome = _save(speech, drafter, 1, mine)
    assert outcome.conflict and outcome.revision.kind == Revision.Kind.CONFLICT
    [clash] = outcome.conflicts
    assert clash.label == "部分“同事改的标题。”"
    assert clash.mine.startswith("我改的标题。") and clash.theirs.startswith("同事改的标题。")
    stored = Speech.objects.get(pk=speech.pk)
    assert stored.version == 2 and "我改的开场。" not in stored.as_text()
    resolved = _save(speech, drafter, 1, mine, resolutions={clash.key: "mine"})
    assert not resolved.conflict and resolved.revision.kind == Revision.Kind.MERGE
    text = Speech.objects.get(pk=speech.pk).as_text()
    assert "我改的标题。" in text and "我改的开场。" in text


def test_the_same_field_changed_on_both_sides_is_a_conflict_too(drafter, colleague):
    speech = make_speech(drafter)
    _save(speech, colleague, 1, _data(speech, title="同事的标题"))
    outcome = _save(speech, drafter, 1, _data(speech, title="我的标题"))
    assert outcome.conflict and [(c.key, c.label) for c in outcome.conflicts] == [("field:title", "标题")]


def test_autosaves_of_one_writing_session_collapse_into_one_revision(drafter):
    speech = make_speech(drafter)
    for version in range(1, 6):
        _save(speech, drafter, version, _data(speech, title=f"标题{version}"), kind=AUTOSAVE)
    revisions = list(Speech.objects.get(pk=speech.pk).revisions.order_by("number"))
    assert [(r.number, r.kind) for r in revisions] == [(1, "create"), (2, "autosave")]
    assert revisions[-1].snapshot["title"] == "标题5" and revisions[-1].version == 6


def test_explicit_saves_names_and_pauses_start_a_new_revision(drafter, colleague):
    speech = make_speech(drafter)
    _save(speech, drafter, 1, _data(speech, title="甲"), kind=AUTOSAVE)
    _save(speech, drafter, 2, _data(speech, title="乙"))  # 保存 / Ctrl+S
    _save(speech, drafter, 3, _data(speech, title="丙"), kind=AUTOSAVE)
    Revision.objects.filter(speech=speech, number=4).update(name="送审稿")
    _save(speech, drafter, 4, _data(speech, title="丁"), kind=AUTOSAVE)
    Revision.objects.filter(speech=speech, number=5).update(created_at=timezone.now() - timedelta(hours=1))
    _save(speech, drafter, 5, _data(speech, title="戊"), kind=AUTOSAVE)
    share(speech, colleague, can_edit=True)
    _save(speech, colleague, 6, _data(speech, title="己"), kind=AUTOSAVE)
    titles = [r.snapshot["title"] for r in Speech.objects.get(pk=speech.pk).revisions.order_by("number")]
    assert titles == ["在全区人大代表培训班上的讲话", "甲", "乙", "丙", "丁", "戊", "己"]


def test_old_autosave_revisions_are_thinned_to_a_bound(drafter, monkeypatch):
    monkeypatch.setattr(services, "MAX_AUTOSAVE_REVISIONS", 3)
    monkeypatch.setattr(services, "WRITING_SESSION_GAP", timedelta(0))
    speech = make_speech(drafter)
    _save(speech, drafter, 1, _data(speech, title="保存的"))
    for version in range(2, 8):
        _save(speech, drafter, version, _data(speech, title=f"自动{version}"), kind=AUTOSAVE)
    kept = list(Speech.objects.get(pk=speech.pk).revisions.order_by("number").values_list("kind", flat=True))
    assert kept == ["create", "save", "autosave", "autosave", "autosave"]


def test_a_deleted_section_brought_back_keeps_its_id_guidance_and_block(drafter):
    block = make_block()
    speech = make_speech(
        drafter,
        sections=[
            {"role": "opening", "body": "开场。"},
            {
                "role": "part",
                "heading": "依法履职。",
                "body": "正文。",
                "guidance": "写清履职要求",
                "source_block": block.pk,
            },
        ],
    )
    part = speech.sections.get(role="part")
    data = _data(speech)
    deleted = data["sections"].pop()
    _save(speech, drafter, 1, data, kind=AUTOSAVE)
    assert not speech.sections.filter(pk=part.pk).exists()
    data["sections"].append(deleted)  # 撤销: the editor puts back the same card, id included
    outcome = _save(speech, drafter, 2, data, kind=AUTOSAVE)
    back = Speech.objects.get(pk=speech.pk).sections.get(role="part")
    assert (back.pk, back.heading, back.body, back.guidance, back.source_block_id) == (
        part.pk,
        "依法履职。",
        "正文。",
        "写清履职要求",
        block.pk,
    )
    assert outcome.section_ids == {}


def test_an_id_never_seen_in_this_speech_is_not_revived(drafter, colleague):
    speech = make_speech(drafter)
    other = make_speech(colleague)
    foreign = other.sections.first()
    gone = foreign.pk
    foreign.delete()
    data = _data(speech)
    data["sections"].append({"key": "x", "id": gone, "role": "closing", "body": "结尾！"})
    _save(speech, drafter, 1, data)
    assert not Speech.objects.get(pk=speech.pk).sections.filter(pk=gone).exists()

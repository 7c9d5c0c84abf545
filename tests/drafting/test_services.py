"""Creating, saving, restoring and duplicating speeches; Speech.as_text as the bridge to 查重 and export."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from speechdraft.drafting import services
from speechdraft.drafting.models import CONFLICT_NOTE, Revision, Speech, SpeechSection
from speechdraft.library.models import Block, SpeechTemplate
from speechdraft.text.parser import parse_speech
from tests.conftest import make_block
from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db


def _data(speech, **changes):
    data = services.speech_data(speech)
    for item in data["sections"]:
        item["key"] = f"s{item['id']}"
    data.update(changes)
    return data


def _new_speech_from(template_name, user, **data):
    template = SpeechTemplate.objects.get(name=template_name)
    return services.speech_create(
        user=user, template=template, data={"title": "在全区人大代表培训班上的讲话", **data}
    )


@pytest.mark.parametrize("template_name", ["人大代表培训班讲话", "代表座谈会讲话"])
def test_parse_speech_reads_back_the_parts_of_a_speech_from_each_default_template(
    defaults, drafter, template_name
):
    speech = _new_speech_from(
        template_name, drafter, speaker="张主任", date=datetime.date(2024, 7, 20), use_example=True
    )
    parts = [s for s in speech.sections.all() if s.role == "part"]
    parsed = parse_speech(speech.as_text())
    assert len(parsed.parts) == len(parts) == 3
    for section, part in zip(parts, parsed.parts, strict=True):
        assert part.heading[len(part.marker) :] == section.heading
        assert part.body == "\n".join(line.strip() for line in section.body.splitlines() if line.strip())
    assert parsed.title == "在全区人大代表培训班上的讲话"
    assert parsed.subtitle_lines == ("张主任", "（2024年7月20日）")
    assert parsed.salutation and parsed.opening and parsed.closing


def test_new_speech_based_on_the_example_starts_with_the_seed_text_of_each_part(defaults, drafter):
    speech = _new_speech_from(
        "人大代表培训班讲话", drafter, placeholder_values={"区名": "云岩"}, use_example=True
    )
    sections = list(speech.sections.all())
    assert [s.role for s in sections] == ["salutation", "opening", "part", "part", "part", "closing"]
    assert sections[0].body == "各位代表："
    assert sections[2].heading == "提高认识，增强当好人大代表的责任感。"
    assert sections[2].body.startswith("宪法规定")
    assert sections[2].guidance.startswith("一、提高认识")
    assert (speech.numbering, speech.run_in_headings) == ("yi", True)
    assert "云岩区大局出发" in speech.as_text() and "×区" not in speech.as_text()
    assert speech.revisions.get().number == 1


def test_new_speech_from_a_template_is_a_skeleton_without_the_seed_text(defaults, drafter):
    template = SpeechTemplate.objects.get(name="代表座谈会讲话")
    usage = sum(Block.objects.values_list("usage_count", flat=True))
    speech = _new_speech_from("代表座谈会讲话", drafter)
    sections = list(speech.sections.all())
    assert [s.role for s in sections] == [s.role for s in template.slots.all()]
    assert sections[0].body == "各位代表、同志们："
    assert all(s.body == "" and s.heading == "" for s in sections[1:])
    assert all(s.guidance for s in sections[1:])
    assert sum(Block.objects.values_list("usage_count", flat=True)) == usage
    assert all(slot.example_text for slot in template.slots.all())


def test_blank_speech_has_a_skeleton(drafter):
    speech = services.speech_create(user=drafter, template=None, data={"title": "空白"})
    assert [s.role for s in speech.sections.all()] == ["salutation", "opening", "part", "closing"]


def test_save_updates_sections_bumps_version_and_makes_a_revision(drafter):
    speech = make_speech(drafter)
    data = _data(speech)
    data["sections"][2]["body"] = "改过的正文。"
    moved = data["sections"].pop(4)
    data["sections"].insert(2, moved)
    data["sections"].append(
        {"key": "new1", "id": None, "role": "part", "heading": "新的部分", "body": "新内容。"}
    )
    outcome = services.speech_save(speech=speech, user=drafter, base_version=1, data=data)
    assert not outcome.conflict
    speech.refresh_from_db()
    assert speech.version == 2
    parts = [s for s in speech.sections.all() if s.role == "part"]
    assert [p.heading for p in parts] == [
        "勤于实践，争当人民满意的人大代表。",
        "提高认识，增强当好人大代表的责任感。",
        "认真履职，充分发挥人大代表作用。",
        "新的部分",
    ]
    assert parts[1].body == "改过的正文。"
    assert outcome.section_ids == {"new1": parts[3].pk}
    revision = speech.revisions.get(number=2)
    assert revision.author == drafter and revision.snapshot["sections"][-1]["id"] == parts[3].pk
    assert "一、勤于实践" in revision.as_text() and "四、新的部分" in revision.as_text()


def test_removed_sections_are_deleted_and_foreign_ids_are_never_touched(drafter, colleague):
    speech = make_speech(drafter)
    other = make_speech(colleague, title="别人的讲话")
    foreign = other.sections.first()
    data = _data(speech)
    data["sections"] = data["sections"][:2] + [
        {"key": "x", "id": foreign.pk, "role": "part", "heading": "偷改", "body": ""}
    ]
    services.speech_save(speech=speech, user=drafter, base_version=1, data=data)
    assert SpeechSection.objects.filter(speech=speech).count() == 3
    foreign.refresh_from_db()
    assert foreign.heading == "" and foreign.speech == other


def test_a_stale_save_is_refused_and_kept_as_a_conflict_revision(drafter, colleague):
    speech = make_speech(drafter)
    mine, theirs = _data(speech), _data(speech)
    theirs["sections"][1]["body"] = "同事改过的开场。"
    mine["sections"][1]["body"] = "我改过的开场。"
    first = services.speech_save(speech=speech, user=colleague, base_version=1, data=theirs)
    second = services.speech_save(
        speech=Speech.objects.get(pk=speech.pk), user=drafter, base_version=1, data=mine
    )
    assert not first.conflict and second.conflict
    speech.refresh_from_db()
    assert speech.version == 2
    assert speech.sections.get(role="opening").body == "同事改过的开场。"
    refused = second.revision
    assert refused.note == CONFLICT_NOTE and refused.is_conflict and refused.author == drafter
    assert "我改过的开场。" in refused.as_text()
    assert second.speech.version == 2
    assert list(speech.revisions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]


def test_keep_mine_saves_again_on_top_of_the_new_version(drafter, colleague):
    speech = make_speech(drafter)
    services.speech_save(
        speech=speech, user=colleague, base_version=1, data=_data(speech, title="同事的标题")
    )
    mine = _data(speech, title="我的标题")
    assert services.speech_save(speech=speech, user=drafter, base_version=1, data=mine).conflict
    assert not services.speech_save(speech=speech, user=drafter, base_version=2, data=mine).conflict
    assert Speech.objects.get(pk=speech.pk).title == "我的标题"


def test_restore_makes_a_new_revision_and_keeps_history(drafter):
    speech = make_speech(drafter)
    original = speech.as_text()
    data = _data(speech)
    data["sections"] = data["sections"][:2]
    services.speech_save(speech=speech, user=drafter, base_version=1, data=data)
    speech = Speech.objects.get(pk=speech.pk)
    outcome = services.revision_restore(speech=speech, revision=speech.revisions.get(number=1), user=drafter)
    assert outcome.revision.number == 3 and outcome.revision.note == "恢复自第1版"
    assert Speech.objects.get(pk=speech.pk).as_text() == original
    assert speech.revisions.count() == 3


def test_restore_drops_links_to_blocks_deleted_since(drafter):
    block = make_block()
    speech = make_speech(
        drafter, sections=[{"role": "part", "heading": "甲", "body": "乙", "source_block": block.pk}]
    )
    assert speech.revisions.get().snapshot["sections"][0]["source_block"] == block.pk
    block.delete()
    outcome = services.revision_restore(speech=speech, revision=speech.revisions.get(), user=drafter)
    assert not outcome.conflict
    assert speech.sections.get().source_block_id is None


def test_duplicate_copies_sections_for_the_new_owner(drafter, colleague):
    speech = make_speech(drafter, placeholder_values={"区名": "云岩"})
    copy = services.speech_duplicate(speech=speech, user=colleague)
    assert copy.owner == colleague and copy.title.endswith("（副本）")
    assert copy.as_text().split("\n")[1:] == speech.as_text().split("\n")[1:]
    assert copy.revisions.get().note.startswith("复制自")


def test_text_spans_point_back_to_sections(drafter):
    speech = make_speech(drafter)
    text, spans = speech.text_spans()
    sections = {s.pk: s for s in speech.sections.all()}
    for section_id, start, end in spans:
        section = sections[section_id]
        assert section.body.split("\n")[-1] in text[start:end]


def test_purge_trash_deletes_only_what_expired(drafter, capsys):
    old, recent, alive = (
        make_speech(drafter, title="旧"),
        make_speech(drafter, title="新"),
        make_speech(drafter, title="在用"),
    )
    Speech.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=31))
    Speech.objects.filter(pk=recent.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=29))
    call_command("purge_trash", "--dry-run")
    assert Speech.objects.filter(pk=old.pk).exists()
    call_command("purge_trash", "--format", "json")
    assert '"title": "旧"' in capsys.readouterr().out
    assert set(Speech.objects.values_list("title", flat=True)) == {"新", "在用"}
    assert not Revision.objects.filter(speech_id=old.pk).exists()
    assert alive.pk

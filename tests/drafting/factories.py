"""Hand-written factories for the drafting area, shared by its unit, view and browser tests."""

import json

from speechdraft.drafting.services import speech_create_with_sections

PARTS = [
    (
        "提高认识，增强当好人大代表的责任感。",
        "宪法规定，中华人民共和国一切权力属于人民。\n一是要深刻认识人大代表是国家权力机关的主体。二是要深刻认识人大代表是人民利益的忠实代表者。",
    ),
    ("认真履职，充分发挥人大代表作用。", "人大代表是人民代表大会的主体，要积极参加×区人民代表大会会议。"),
    (
        "勤于实践，争当人民满意的人大代表。",
        "人大代表是代表人民行使国家权力的光荣使者，要以群众满意作为第一标准。",
    ),
]


def make_sections(parts=PARTS):
    return [
        {"role": "salutation", "body": "各位代表、同志们："},
        {
            "role": "opening",
            "body": "经过大家的共同努力，我们圆满完成了集中培训任务。下面，谈三点意见，与大家共勉。",
        },
        *({"role": "part", "heading": h, "body": b} for h, b in parts),
        {"role": "closing", "body": "各位代表、同志们，人大代表职责神圣、使命光荣。让我们共同努力！"},
    ]


def make_speech(owner, *, title="在全区人大代表培训班上的讲话", sections=None, **fields):
    return speech_create_with_sections(
        owner=owner, fields={"title": title, **fields}, sections=sections or make_sections(), note="测试"
    )


def share(speech, user, *, can_edit=False):
    from speechdraft.drafting.models import SpeechShare

    return SpeechShare.objects.create(speech=speech, user=user, can_edit=can_edit)


def save_payload(speech, *, version=None, **changes):
    """The POST an editor sends: the stored state of ``speech`` with ``changes`` applied."""
    sections = [
        {
            "key": f"s{s.pk}",
            "id": s.pk,
            "role": s.role,
            "heading": s.heading,
            "body": s.body,
            "source_block": s.source_block_id,
        }
        for s in speech.sections.all()
    ]
    sections = changes.pop("sections", sections)
    data = {
        "base_version": version if version is not None else speech.version,
        "title": speech.title,
        "speaker": speech.speaker,
        "date": speech.date.isoformat() if speech.date else "",
        "occasion": speech.occasion,
        "place": speech.place,
        "numbering": speech.numbering,
        "status": speech.status,
        "placeholder_values": json.dumps(changes.pop("placeholder_values", speech.placeholder_values)),
        "sections": json.dumps(sections, ensure_ascii=False),
    }
    if changes.pop("run_in_headings", speech.run_in_headings):
        data["run_in_headings"] = "on"
    data.update(changes)
    return data

"""A speech as the 修订稿 and 审阅稿 tests need it: saved twice, with an open 批注."""

from speechdraft.drafting.services import speech_data, speech_save
from speechdraft.review.services import comment_add
from tests.drafting.factories import make_speech


def make_revised_speech(drafter, colleague):
    """A speech at its second version (宪法规定 → 宪法明确规定 in 一、) with an open 批注 by the colleague
    on 一切权力属于人民."""
    speech = make_speech(drafter)
    data = speech_data(speech)
    data["sections"][2]["body"] = data["sections"][2]["body"].replace("宪法规定", "宪法明确规定")
    speech_save(speech=speech, user=drafter, base_version=speech.version, data=data)
    speech.refresh_from_db()
    comment_add(
        speech=speech,
        user=colleague,
        section_id=speech.sections.all()[2].pk,
        anchor_text="一切权力属于人民",
        anchor_offset=0,
        body="请核对原文",
    )
    return speech

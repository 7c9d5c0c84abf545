"""The review workflow and 批注 as services: who may do what at which stage, and comments that follow
their words."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from speechdraft.drafting.models import SpeechShare
from speechdraft.drafting.services import speech_data, speech_save
from speechdraft.review import services
from speechdraft.review.models import Stage, StageChange
from tests.conftest import make_user
from tests.drafting.factories import make_speech, share

pytestmark = pytest.mark.django_db


@pytest.fixture
def speech(drafter):
    return make_speech(drafter)


def save_body(speech, user, index, body):
    data = speech_data(speech)
    data["sections"][index]["body"] = body
    speech_save(speech=speech, user=user, base_version=speech.version, data=data)
    speech.refresh_from_db()


def test_a_speech_never_sent_is_being_drafted(speech):
    assert services.state_of(speech).stage == Stage.DRAFTING


def test_sending_lets_the_reviewer_open_and_comment_but_not_edit(speech, drafter, colleague):
    services.review_send(speech=speech, user=drafter, reviewers=[colleague], note="请审阅")
    assert services.state_of(speech).stage == Stage.IN_REVIEW
    assert SpeechShare.objects.get(speech=speech, user=colleague).can_edit is False
    assert [a.state.speech for a in services.pending_reviews(colleague)] == [speech]
    assert services.can_comment(speech, colleague)
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.user, change.revision_number) == (
        "drafting",
        "in_review",
        drafter,
        1,
    )
    assert change.note == "送审给李科长。请审阅"


def test_an_edit_right_given_for_the_round_is_taken_back_when_it_ends(speech, drafter, colleague):
    services.review_send(speech=speech, user=drafter, reviewers=[colleague], may_edit=True)
    assert SpeechShare.objects.get(speech=speech, user=colleague).can_edit
    services.review_decide(speech=speech, user=colleague, approve=True)
    assert not SpeechShare.objects.get(speech=speech, user=colleague).can_edit
    assert services.state_of(speech).stage == Stage.APPROVED


def test_an_edit_right_the_owner_gave_before_survives_the_round(speech, drafter, colleague):
    share(speech, colleague, can_edit=True)
    services.review_send(speech=speech, user=drafter, reviewers=[colleague])
    services.review_decide(speech=speech, user=colleague, approve=False, note="再改改")
    assert SpeechShare.objects.get(speech=speech, user=colleague).can_edit


def test_only_the_owner_sends_and_only_a_named_reviewer_decides(speech, drafter, colleague, manager):
    with pytest.raises(PermissionDenied):
        services.review_send(speech=speech, user=colleague, reviewers=[manager])
    with pytest.raises(ValidationError, match="至少选择一位审核人"):
        services.review_send(speech=speech, user=drafter, reviewers=[drafter])
    services.review_send(speech=speech, user=drafter, reviewers=[colleague])
    with pytest.raises(ValidationError, match="已在送审中"):
        services.review_send(speech=speech, user=drafter, reviewers=[manager])
    with pytest.raises(PermissionDenied):
        services.review_decide(speech=speech, user=manager, approve=True)
    with pytest.raises(ValidationError, match="写明修改意见"):
        services.review_decide(speech=speech, user=colleague, approve=False)
    with pytest.raises(ValidationError, match="不能定稿"):
        services.review_finalize(speech=speech, user=drafter)


def test_returning_leaves_the_waiting_list_of_the_reviewer(speech, drafter, colleague):
    services.review_send(speech=speech, user=drafter, reviewers=[colleague])
    services.review_decide(speech=speech, user=colleague, approve=False, note="第一部分再核对")
    assert list(services.pending_reviews(colleague)) == []
    assert services.state_of(speech).stage == Stage.RETURNED


def test_final_freezes_a_named_version_and_a_later_edit_starts_the_next_draft(speech, drafter):
    services.review_finalize(speech=speech, user=drafter, note="领导已审定")
    state = services.state_of(speech)
    assert state.stage == Stage.FINAL and state.final_revision.name == "第1稿定稿"
    assert not services.edited_after_final(speech)
    with pytest.raises(ValidationError, match="已经定稿"):
        services.review_finalize(speech=speech, user=drafter)
    save_body(speech, drafter, 1, "定稿后又改了开场。")
    assert services.edited_after_final(speech)
    services.review_finalize(speech=speech, user=drafter)
    state.refresh_from_db()
    assert state.round == 2 and state.final_revision.name == "第2稿定稿"
    frozen = speech.revisions.get(name="第1稿定稿")
    assert "定稿后又改了开场" not in frozen.as_text()
    assert [c.to_stage for c in services.stage_history(speech)] == ["final", "final"]


def test_a_comment_follows_its_words_when_text_is_written_before_them(speech, drafter, colleague):
    part = speech.sections.all()[2]
    comment = services.comment_add(
        speech=speech,
        user=colleague,
        section_id=part.pk,
        anchor_text="一切权力属于人民",
        anchor_offset=0,
        body="核对原文",
    )
    save_body(speech, drafter, 2, "新加一句。" + part.body)
    (placed,) = services.placed_comments(speech)
    text = services.section_texts(speech)[part.pk]
    assert placed.found and text[placed.offset :].startswith("一切权力属于人民")
    assert placed.comment == comment


def test_a_comment_whose_words_or_section_are_gone_is_listed_not_dropped(speech, drafter, colleague):
    sections = list(speech.sections.all())
    services.comment_add(
        speech=speech,
        user=colleague,
        section_id=sections[2].pk,
        anchor_text="一切权力属于人民",
        anchor_offset=0,
        body="甲",
    )
    services.comment_add(
        speech=speech,
        user=colleague,
        section_id=sections[3].pk,
        anchor_text="人大代表",
        anchor_offset=0,
        body="乙",
    )
    save_body(speech, drafter, 2, "全部改写了。")
    data = speech_data(speech)
    del data["sections"][3]
    speech_save(speech=speech, user=drafter, base_version=speech.version, data=data)
    placed = services.placed_comments(speech)
    assert [(p.comment.body, p.found) for p in placed] == [("甲", False), ("乙", False)]


def test_a_comment_needs_text_and_saved_words(speech, colleague):
    part = speech.sections.all()[2]
    with pytest.raises(ValidationError, match="请填写批注内容"):
        services.comment_add(
            speech=speech, user=colleague, section_id=part.pk, anchor_text="", anchor_offset=0, body=" "
        )
    with pytest.raises(ValidationError, match="还没有保存"):
        services.comment_add(
            speech=speech,
            user=colleague,
            section_id=part.pk,
            anchor_text="不存在的话",
            anchor_offset=0,
            body="x",
        )
    with pytest.raises(ValidationError, match="找不到要批注的段落"):
        services.comment_add(
            speech=speech, user=colleague, section_id=999999, anchor_text="", anchor_offset=0, body="x"
        )


def test_threads_resolve_and_reopen(speech, drafter, colleague):
    part = speech.sections.all()[2]
    comment = services.comment_add(
        speech=speech, user=colleague, section_id=part.pk, anchor_text="宪法", anchor_offset=0, body="核对"
    )
    services.comment_reply(comment=comment, user=drafter, body="已核对")
    services.comment_resolve(comment=comment, user=drafter, resolved=True)
    assert services.placed_comments(speech, open_only=True) == []
    services.comment_resolve(comment=comment, user=drafter, resolved=False)
    (placed,) = services.placed_comments(speech, open_only=True)
    assert [r.body for r in placed.comment.replies.all()] == ["已核对"]


def test_two_reviewers_each_see_the_speech_waiting(speech, drafter, colleague):
    third = make_user("zhang", name="张处长")
    services.review_send(speech=speech, user=drafter, reviewers=[colleague, third])
    assert len(services.pending_reviews(colleague)) == len(services.pending_reviews(third)) == 1

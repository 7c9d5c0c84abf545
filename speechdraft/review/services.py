"""Review workflows: stage changes with their record, who may do what at which stage, and 批注 that
follow their words when the text around them is edited."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from speechdraft.drafting.models import Speech, SpeechShare

from .models import Assignment, Comment, Reply, ReviewState, Stage, StageChange

FINAL_NAME = "定稿"


def state_of(speech: Speech) -> ReviewState:
    """The speech's review state; a speech never sent for review is 起草中 (the row is made lazily)."""
    state = getattr(speech, "_review_state", None)
    if state is None:
        state = ReviewState.objects.filter(speech=speech).first() or ReviewState(speech=speech)
        speech._review_state = state
    return state


def is_reviewer(speech: Speech, user) -> bool:
    state = state_of(speech)
    return bool(state.pk) and state.assignments.filter(user=user).exists()


def edited_after_final(speech: Speech) -> bool:
    """定稿 froze a version; any save after it belongs to the next 稿次."""
    state = state_of(speech)
    if state.stage != Stage.FINAL or state.final_revision_id is None:
        return False
    latest = speech.revisions.latest_stored()
    return latest is not None and latest.pk != state.final_revision_id


def _record(*, speech: Speech, state: ReviewState, to: str, user, note: str) -> StageChange:
    latest = speech.revisions.latest_stored()
    change = StageChange.objects.create(
        speech=speech,
        from_stage=state.stage,
        to_stage=to,
        user=user,
        note=note[:500],
        revision_number=latest.number if latest else None,
    )
    state.stage = to
    state.updated_at = change.created_at
    state.save()
    return change


def _locked_state(speech: Speech) -> ReviewState:
    # The row lock makes two reviewers' simultaneous decisions happen one after the other.
    state, _ = ReviewState.objects.select_for_update().get_or_create(speech=speech)
    speech._review_state = state
    return state


@transaction.atomic
def review_send(*, speech: Speech, user, reviewers, note: str = "", may_edit: bool = False) -> StageChange:
    """送审: the owner sends the speech to named reviewers, who may open it (and edit if allowed)."""
    if speech.owner_id != user.pk:
        raise PermissionDenied("只有起草人可以送审。")
    reviewers = [r for r in reviewers if r.pk != user.pk]
    if not reviewers:
        raise ValidationError("请至少选择一位审核人（不能是自己）。")
    state = _locked_state(speech)
    if state.stage == Stage.IN_REVIEW:
        raise ValidationError("这篇讲话稿已在送审中，请等审核人处理后再送审。")
    if state.stage == Stage.FINAL and edited_after_final(speech):
        state.round += 1
    state.reviewers_may_edit = may_edit
    now = timezone.now()
    state.assignments.all().delete()
    for reviewer in reviewers:
        share, created = SpeechShare.objects.get_or_create(
            speech=speech, user=reviewer, defaults={"can_edit": may_edit}
        )
        if not created and may_edit and not share.can_edit:
            share.can_edit = True
            share.save(update_fields=["can_edit"])
            created = True  # the edit right is this round's to take back
        Assignment.objects.create(state=state, user=reviewer, sent_at=now, granted_share=created)
    names = "、".join(r.get_full_name() or r.get_username() for r in reviewers)
    return _record(
        speech=speech, state=state, to=Stage.IN_REVIEW, user=user, note=f"送审给{names}。{note}".strip()
    )


def _end_round(state: ReviewState) -> None:
    granted = state.assignments.filter(granted_share=True).values_list("user_id", flat=True)
    SpeechShare.objects.filter(speech=state.speech, user_id__in=list(granted)).update(can_edit=False)


@transaction.atomic
def review_decide(*, speech: Speech, user, approve: bool, note: str = "") -> StageChange:
    """退回修改 or 审核通过, by one of the reviewers the speech was sent to."""
    state = _locked_state(speech)
    assignment = state.assignments.filter(user=user).first() if state.pk else None
    if assignment is None:
        raise PermissionDenied("只有送审时指定的审核人可以退回或通过。")
    if state.stage != Stage.IN_REVIEW:
        raise ValidationError("这篇讲话稿现在不在送审中。")
    if not approve and not note.strip():
        raise ValidationError("退回修改时请写明修改意见。")
    state.assignments.filter(user=user).update(decided_at=timezone.now())
    _end_round(state)
    return _record(
        speech=speech, state=state, to=Stage.APPROVED if approve else Stage.RETURNED, user=user, note=note
    )


@transaction.atomic
def review_finalize(*, speech: Speech, user, note: str = "") -> StageChange:
    """定稿: the owner freezes the current version under a name; later edits start a new 稿次."""
    if speech.owner_id != user.pk:
        raise PermissionDenied("只有起草人可以定稿。")
    state = _locked_state(speech)
    if state.stage == Stage.IN_REVIEW:
        raise ValidationError("送审中的讲话稿不能定稿，请等审核人退回或通过。")
    if state.stage == Stage.FINAL and not edited_after_final(speech):
        raise ValidationError("这一稿已经定稿。")
    if state.stage == Stage.FINAL:
        state.round += 1
    revision = speech.revisions.latest_stored()
    if revision is None:
        raise ValidationError("还没有保存过的版本，请先保存再定稿。")
    revision.name = f"第{state.round}稿{FINAL_NAME}"[:60]
    revision.save(update_fields=["name"])
    state.final_revision = revision
    _end_round(state)
    return _record(speech=speech, state=state, to=Stage.FINAL, user=user, note=note)


def stage_history(speech: Speech):
    return StageChange.objects.filter(speech=speech).select_related("user").order_by("created_at", "id")


def pending_reviews(user):
    """待我审核: (assignment, speech) pairs, newest first."""
    return Assignment.objects.pending_for(user).select_related("state__speech__owner").order_by("-sent_at")


def came_back(user):
    """What came back to a drafter: own speeches returned for changes or approved, newest first."""
    return (
        ReviewState.objects.filter(
            speech__owner=user, speech__deleted_at__isnull=True, stage__in=[Stage.RETURNED, Stage.APPROVED]
        )
        .select_related("speech")
        .order_by("-updated_at")
    )


def reviewer_choices(speech: Speech):
    return get_user_model().objects.filter(is_active=True).exclude(pk=speech.owner_id).order_by("username")


# --- comments -------------------------------------------------------------------------------------


@dataclass
class PlacedComment:
    comment: Comment
    section_id: int | None
    found: bool  # False: its section or its words are gone; listed as 失去位置, never dropped
    offset: int


def section_texts(speech: Speech) -> dict[int, str]:
    """What a comment can be anchored in: each section's heading and body as the editor shows them."""
    return {s.pk: f"{s.heading}\n{s.body}" if s.heading else s.body for s in speech.sections.all()}


def locate(anchor: str, text: str, near: int) -> int | None:
    """The occurrence of ``anchor`` in ``text`` nearest to where it was last seen, or None."""
    if not anchor:
        return None
    best, start = None, text.find(anchor)
    while start >= 0:
        if best is None or abs(start - near) < abs(best - near):
            best = start
        start = text.find(anchor, start + 1)
    return best


def placed_comments(speech: Speech, *, open_only: bool = False) -> list[PlacedComment]:
    """Comments re-anchored on the current text: by their words, nearest to where they stood."""
    texts = section_texts(speech)
    comments = speech.comments.select_related("author", "resolved_by").prefetch_related("replies__author")
    if open_only:
        comments = comments.open()
    placed = []
    for comment in comments:
        text = texts.get(comment.section_id)
        offset = locate(comment.anchor_text, text, comment.anchor_offset) if text is not None else None
        if text is not None and offset is None and not comment.anchor_text:
            offset = 0  # a comment on the whole section stays with it
        placed.append(PlacedComment(comment, comment.section_id, offset is not None, offset or 0))
    return placed


def can_comment(speech: Speech, user) -> bool:
    """Whoever may open the speech — owner, colleagues it is shared with, its reviewers — may comment."""
    return Speech.objects.accessible_to(user).filter(pk=speech.pk).exists()


def comment_add(
    *, speech: Speech, user, section_id: int | None, anchor_text: str, anchor_offset: int, body: str
) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError("请填写批注内容。")
    texts = section_texts(speech)
    if section_id not in texts:
        raise ValidationError("找不到要批注的段落，请先保存讲话稿再批注。")
    anchor_text = (anchor_text or "").strip()[:500]
    if anchor_text and locate(anchor_text, texts[section_id], anchor_offset) is None:
        raise ValidationError("选中的文字还没有保存，请等“已保存”后再批注。")
    comment = Comment(
        speech=speech,
        section_id=section_id,
        anchor_text=anchor_text,
        anchor_offset=max(0, anchor_offset or 0),
        body=body,
        author=user,
    )
    comment.full_clean()
    comment.save()
    return comment


def comment_reply(*, comment: Comment, user, body: str) -> Reply:
    body = (body or "").strip()
    if not body:
        raise ValidationError("请填写回复内容。")
    return Reply.objects.create(comment=comment, author=user, body=body)


def comment_resolve(*, comment: Comment, user, resolved: bool) -> Comment:
    comment.resolved_at = timezone.now() if resolved else None
    comment.resolved_by = user if resolved else None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


def comment_label(comment: Comment) -> str:
    return comment.author.get_full_name() or comment.author.get_username() if comment.author else "审阅人"

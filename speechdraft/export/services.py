"""The Django side of the export: office settings in, a builder call, bytes and a file name out.

A stored speech is exported from its print model (:class:`~speechdraft.text.printing.PrintedSpeech`),
which already knows which paragraph is the title, a heading or body text; only a plain-text file from
the command line goes through the parser.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from speechdraft.drafting.models import Revision, Speech
from speechdraft.review.roundtrip import PROP_EXPORTED, PROP_REVISION, PROP_SPEECH, PROP_TITLE
from speechdraft.review.services import comment_label, placed_comments
from speechdraft.text.diff import word_diff
from speechdraft.text.excerpts import around
from speechdraft.text.parser import parse_speech
from speechdraft.text.placeholders import bind_placeholders
from speechdraft.text.printing import PrintedSpeech, section_at

from .builder import (
    ChangeStamp,
    ExportFonts,
    ExportOptions,
    ExportParagraph,
    WordComment,
    build_docx,
    document_from_parsed,
    export_filename,
    plan_flow,
)


class ExportError(ValueError):
    """An export that cannot be made as asked; the message says what to choose instead."""


def export_options(
    *, profile: str = "standard", bold_subpoint_leads: bool = False, include_subtitle: bool = True
) -> ExportOptions:
    return ExportOptions(
        profile=profile,
        fonts=ExportFonts(**settings.SPEECHDRAFT_EXPORT_FONTS),
        bold_subpoint_leads=bold_subpoint_leads,
        include_subtitle=include_subtitle,
    )


def text_docx(text: str, options: ExportOptions) -> tuple[bytes, str]:
    """A plain-text speech, parsed like an import, as a .docx and the title it was given."""
    parsed = parse_speech(text)
    return build_docx(document_from_parsed(parsed), options), parsed.title


def flow_from_printed(printed: PrintedSpeech) -> list[ExportParagraph]:
    """The print model's paragraphs as export data: kinds and section keys carried over as they are."""
    return [
        ExportParagraph(
            kind=p.kind,
            heading="".join(run.text for run in p.heading),
            body="".join(run.text for run in p.body),
            key=p.section,
        )
        for p in printed.paragraphs
    ]


def _properties(speech: Speech, revision: Revision | None) -> dict[str, str | int]:
    return {
        PROP_SPEECH: speech.pk,
        PROP_REVISION: revision.number if revision else 0,
        PROP_TITLE: speech.title,
        PROP_EXPORTED: timezone.now().replace(microsecond=0).isoformat(),
    }


def speech_docx(speech: Speech, options: ExportOptions) -> tuple[bytes, str]:
    """A stored speech as a .docx and its download name (title and date)."""
    data = build_docx(
        flow_from_printed(speech.printed()),
        options,
        properties=_properties(speech, speech.revisions.latest_stored()),
    )
    return data, export_filename(speech.title, speech.date if isinstance(speech.date, dt.date) else None)


@dataclass(frozen=True)
class CommentForExport:
    """An open 批注 in plain data: the section it stands in and the words it is anchored on."""

    section_id: int
    anchor_text: str
    author: str
    created_at: dt.datetime
    paragraphs: tuple[str, ...]  # the comment, then its replies ("作者：回复")


def tracked_docx(
    speech: Speech,
    options: ExportOptions,
    *,
    old: Revision,
    new: Revision | None = None,
    comments: list[CommentForExport] = (),
) -> tuple[bytes, str]:
    """A 修订稿: revision ``new`` (default: the current text) with the changes since ``old`` tracked.

    The changes carry the author and time of the newer version; the file names the speech and the
    revision it shows, so the 审阅稿 that comes back can be mapped onto that revision.
    """
    if new is None:
        printed, base = speech.printed(), speech.revisions.latest_stored()
        author = base.author if base else speech.owner
        when = base.created_at if base else timezone.now()
    else:
        printed, base, author, when = new.printed(), new, new.author, new.created_at
    flow = flow_from_printed(printed)
    stamp = ChangeStamp(author=_display_name(author), date=when)
    data = build_docx(
        flow,
        options,
        previous=flow_from_printed(old.printed()),
        stamp=stamp,
        diff=lambda a, b: [(piece.op, piece.text) for piece in word_diff(a, b)],
        comments=_anchor_comments(plan_flow(flow, options), comments),
        properties=_properties(speech, base),
    )
    stem = export_filename(speech.title).removesuffix(".docx")
    return data, f"{stem}_修订稿_第{old.number}至{base.number if base else '当前'}版.docx"


def speech_tracked_docx(
    speech: Speech, options: ExportOptions, *, tracked_from: int, tracked_to: int | None = None
) -> tuple[bytes, str]:
    """The 修订稿 of ``导出Word``: revisions chosen by number, the speech's open 批注 included."""
    revisions = {r.number: r for r in speech.revisions.filter(number__in=[tracked_from, tracked_to or 0])}
    old = revisions.get(tracked_from)
    if old is None:
        raise ExportError(f"没有第{tracked_from}版，请在“历史版本”中查看可选的版本号。")
    new = None
    if tracked_to is not None:
        new = revisions.get(tracked_to)
        if new is None:
            raise ExportError(f"没有第{tracked_to}版，请在“历史版本”中查看可选的版本号。")
    comments = [
        CommentForExport(
            section_id=placed.section_id,
            anchor_text=placed.comment.anchor_text if placed.found else "",
            author=comment_label(placed.comment),
            created_at=placed.comment.created_at,
            paragraphs=(
                placed.comment.body,
                *(f"{comment_label(reply)}：{reply.body}" for reply in placed.comment.replies.all()),
            ),
        )
        for placed in placed_comments(speech, open_only=True)
        if placed.section_id is not None
    ]
    return tracked_docx(speech, options, old=old, new=new, comments=comments)


def _display_name(user) -> str:
    if user is None:
        return "讲稿工坊"
    return user.get_full_name() or user.get_username()


def _anchor_comments(planned, comments) -> list[WordComment]:
    """Each comment on the first place its words stand in its section; comments whose words are gone
    are anchored on the section's first paragraph, so nothing open is left out of the file."""
    placed = []
    for comment in comments:
        paragraphs = [i for i, p in enumerate(planned) if p.key == comment.section_id]
        spot = None
        for index in paragraphs:
            at = planned[index].text.find(comment.anchor_text) if comment.anchor_text else -1
            if at >= 0:
                spot = (index, at, at + len(comment.anchor_text))
                break
        if spot is None and paragraphs:
            spot = (paragraphs[0], 0, 0)
        if spot is None:
            continue
        placed.append(
            WordComment(
                paragraph=spot[0],
                start=spot[1],
                end=spot[2],
                author=comment.author,
                date=comment.created_at,
                paragraphs=comment.paragraphs,
            )
        )
    return placed


def _guard_rows(speech, context_chars: int) -> list[dict]:
    """Every placeholder occurrence of the text as written, with its binding, value and section.

    Read from the unfilled text, where each occurrence is still visible and bound to its key.
    """
    printed = speech.printed(fill=False)
    text, spans = printed.text, printed.spans()
    values = speech.placeholder_values or {}
    labels = {s.pk: s for s in speech.sections.all()}
    rows = []
    for binding in bind_placeholders(text):
        section_id = section_at(spans, binding.start)
        before, after = around(text, binding.start, binding.end, context_chars)
        section = labels.get(section_id)
        rows.append(
            {
                "text": binding.text,
                "key": binding.key,
                "kind": binding.kind,
                "rule": binding.rule,
                "sure": binding.sure,
                "value": values.get(binding.key, ""),
                "section_id": section_id,
                "where": (section.heading.rstrip("。；，：！？") or section.get_role_display())
                if section
                else "标题或日期行",
                "before": before,
                "after": after,
            }
        )
    return rows


def unfilled_placeholders(speech, context_chars: int = 12) -> list[dict]:
    """Placeholders still in the text that will be printed, with the section they stand in."""
    return [row for row in _guard_rows(speech, context_chars) if not row["value"]]


def unsure_placeholders(speech, context_chars: int = 12) -> list[dict]:
    """Filled placeholders whose binding was a guess from context: the value may stand where it
    does not belong (a person's name in 推动**人大工作), so the export guard asks to confirm them."""
    return [row for row in _guard_rows(speech, context_chars) if row["value"] and not row["sure"]]

"""Workflows of the drafting area that span several models: create, save, restore, duplicate a speech.

Every change to a speech's text goes through :func:`speech_save`, so every change leaves a Revision
and every change is checked against the version the editor started from (optimistic locking).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone

from speechdraft.library.models import Block, Role, SpeechTemplate
from speechdraft.text.tokenizer import cut

from .models import CONFLICT_NOTE, Revision, Speech, SpeechSection
from .printing import (
    PlaceholderUse,
    PrintedSpeech,
    SectionData,
    placeholder_uses,
    print_speech,
    split_marked_heading,
)

# The fields of a speech that an editor save carries and a revision snapshot keeps.
SPEECH_FIELDS = (
    "title",
    "speaker",
    "date",
    "occasion",
    "place",
    "numbering",
    "run_in_headings",
    "status",
    "placeholder_values",
)
SECTION_FIELDS = ("order", "role", "heading", "body", "source_block_id")
MAX_SECTIONS = 500


def get_speech_for(user, pk, *, write: bool = False, owner: bool = False, trash: bool = False) -> Speech:
    """The speech ``pk`` if ``user`` may open it, else 404 — never 403, which would confirm it exists.

    ``write`` needs the owner or a 可编辑 share; ``owner`` the owner alone (delete, share). Speeches in
    the 回收站 exist only for the trash page (``trash=True``).
    """
    speeches = Speech.objects.accessible_to(user).select_related("owner", "template")
    speeches = speeches.in_trash() if trash else speeches.alive()
    speech = speeches.filter(pk=pk).first()
    if speech is None or (owner and speech.owner_id != user.pk) or (write and not speech.can_edit(user)):
        raise Http404("没有找到这篇讲话稿，或您没有相应的权限。")
    return speech


# --- snapshots ------------------------------------------------------------------------------------


def _jsonable(name: str, value: Any) -> Any:
    return value.isoformat() if name == "date" and value else value


def snapshot_of(fields: dict[str, Any], sections: list[dict[str, Any]]) -> dict[str, Any]:
    """What a revision keeps: the speech fields and every section, in plain JSON."""
    return {
        **{name: _jsonable(name, fields.get(name)) for name in SPEECH_FIELDS if name in fields},
        "sections": [
            {
                "id": s.get("id"),
                "role": s["role"],
                "heading": s.get("heading", ""),
                "body": s.get("body", ""),
                "source_block": s.get("source_block"),
            }
            for s in sections
        ],
    }


def speech_data(speech: Speech) -> dict[str, Any]:
    """A stored speech in the shape :func:`speech_save` takes (used to duplicate and to compare)."""
    data = {name: getattr(speech, name) for name in SPEECH_FIELDS}
    data["sections"] = [
        {"id": s.pk, "role": s.role, "heading": s.heading, "body": s.body, "source_block": s.source_block_id}
        for s in speech.sections.all()
    ]
    return data


def data_from_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    data = {name: snapshot[name] for name in SPEECH_FIELDS if name in snapshot}
    if data.get("date"):
        data["date"] = date.fromisoformat(data["date"])
    data["sections"] = [dict(s) for s in snapshot.get("sections", [])]
    return data


def printed_data(data: dict[str, Any], *, fill: bool = True) -> PrintedSpeech:
    """Print unsaved editor data the way ``Speech.printed`` prints a stored speech."""
    return print_speech(
        title=data.get("title", ""),
        speaker=data.get("speaker", ""),
        date=data.get("date"),
        sections=[
            SectionData(
                key=s.get("key", s.get("id")),
                role=s["role"],
                heading=s.get("heading", ""),
                body=s.get("body", ""),
            )
            for s in data.get("sections", [])
        ],
        numbering=data.get("numbering", "yi"),
        run_in=data.get("run_in_headings", True),
        values=data.get("placeholder_values") if fill else None,
    )


# --- saving ---------------------------------------------------------------------------------------


@dataclass
class SaveOutcome:
    conflict: bool
    speech: Speech  # after a conflict: the speech as it is stored now (the other person's version)
    revision: Revision  # the revision this save made (after a conflict: the refused text)
    section_ids: dict[str, int] = field(default_factory=dict)  # client key → id of a new section
    printed: PrintedSpeech | None = None


def _next_revision_number(speech_id: int) -> int:
    return (Revision.objects.filter(speech_id=speech_id).aggregate(n=Max("number"))["n"] or 0) + 1


def _add_revision(*, speech_id: int, user, snapshot: dict, chars: int, note: str = "", now=None) -> Revision:
    # Callers hold the speech row (UPDATE or SELECT … FOR UPDATE) so two saves cannot take one number.
    return Revision.objects.create(
        speech_id=speech_id,
        number=_next_revision_number(speech_id),
        snapshot=snapshot,
        author=user if user is not None and user.is_authenticated else None,
        created_at=now or timezone.now(),
        note=note[:300],
        chars=chars,
    )


def _existing_block_ids(sections: list[dict]) -> set[int]:
    ids = {s["source_block"] for s in sections if s.get("source_block")}
    return set(Block.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _sync_sections(speech_id: int, sections: list[dict]) -> list[int]:
    """Make the stored sections equal ``sections`` in a fixed number of queries, whatever their count;
    return their ids in order.

    A section keeps its id while it exists so that a 查重 report can still point at it; an id the
    editor sends that is not one of this speech's sections (deleted meanwhile, or made up) is
    treated as a new section, never as a licence to touch another speech's rows.
    """
    existing = {s.pk: s for s in SpeechSection.objects.filter(speech_id=speech_id)}
    blocks = _existing_block_ids(sections)
    ordered, changed, created = [], [], []
    for order, item in enumerate(sections):
        values = {
            "order": order,
            "role": item["role"],
            "heading": item.get("heading", ""),
            "body": item.get("body", ""),
            "source_block_id": item.get("source_block") if item.get("source_block") in blocks else None,
        }
        section = existing.pop(item.get("id"), None) if item.get("id") else None
        if section is None:
            section = SpeechSection(speech_id=speech_id, **values)
            created.append(section)
        elif any(getattr(section, name) != values[name] for name in SECTION_FIELDS):
            for name, value in values.items():
                setattr(section, name, value)
            changed.append(section)
        ordered.append(section)
    if existing:
        SpeechSection.objects.filter(pk__in=list(existing)).delete()
    if changed:
        SpeechSection.objects.bulk_update(changed, list(SECTION_FIELDS))
    if created:
        # Both SQLite (3.35+) and PostgreSQL return the new ids from one INSERT.
        SpeechSection.objects.bulk_create(created)
    return [section.pk for section in ordered]


def speech_save(
    *, speech: Speech, user, base_version: int, data: dict[str, Any], note: str = ""
) -> SaveOutcome:
    """Store the editor's state if nobody saved since ``base_version``; always leave a revision.

    The version check and the increment are one UPDATE … WHERE version = base, so of two saves made
    from the same version exactly one wins on SQLite and PostgreSQL alike. The loser overwrites
    nothing; its text is kept as a revision noted 未保存的冲突版本 for the user to compare and choose.
    """
    fields = {name: data[name] for name in SPEECH_FIELDS if name in data}
    sections = list(data.get("sections", []))
    printed = printed_data({**fields, "sections": sections})
    now = timezone.now()
    with transaction.atomic():
        updated = Speech.objects.filter(pk=speech.pk, version=base_version, deleted_at__isnull=True).update(
            version=F("version") + 1, updated_at=now, **fields
        )
        if not updated:
            current = Speech.objects.select_for_update().select_related("owner").get(pk=speech.pk)
            revision = _add_revision(
                speech_id=speech.pk,
                user=user,
                snapshot=snapshot_of(fields, sections),
                chars=printed.chars,
                note=CONFLICT_NOTE,
                now=now,
            )
            return SaveOutcome(conflict=True, speech=current, revision=revision, printed=printed)
        ids = _sync_sections(speech.pk, sections)
        new_ids = {
            item["key"]: pk
            for item, pk in zip(sections, ids, strict=True)
            if item.get("key") and item.get("id") != pk
        }
        sections = [{**item, "id": pk} for item, pk in zip(sections, ids, strict=True)]
        revision = _add_revision(
            speech_id=speech.pk,
            user=user,
            snapshot=snapshot_of(fields, sections),
            chars=printed.chars,
            note=note,
            now=now,
        )
    for name, value in fields.items():
        setattr(speech, name, value)
    speech.version = base_version + 1
    speech.updated_at = now
    return SaveOutcome(conflict=False, speech=speech, revision=revision, section_ids=new_ids, printed=printed)


def revision_restore(*, speech: Speech, revision: Revision, user) -> SaveOutcome:
    """Make an old revision the current text — as a new save, so no history is ever lost."""
    current_version = Speech.objects.filter(pk=speech.pk).values_list("version", flat=True).get()
    return speech_save(
        speech=speech,
        user=user,
        base_version=current_version,
        data=data_from_snapshot(revision.snapshot),
        note=f"恢复自第{revision.number}版",
    )


# --- creating -------------------------------------------------------------------------------------


def section_from_block(block: Block) -> dict[str, Any]:
    """A new section holding ``block``: a part's numbered first sentence becomes its heading."""
    heading, body = split_marked_heading(block.body) if block.role == Role.PART else ("", block.body.strip())
    return {"role": block.role, "heading": heading, "body": body, "source_block": block.pk}


def _sections_from_template(
    template: SpeechTemplate, *, use_example: bool = False
) -> tuple[list[dict[str, Any]], list[Block]]:
    """The sections a speech from ``template`` starts with.

    A template is a skeleton: each part starts empty, with its 写作提示 and its 参考范文 beside it.
    Only ``use_example`` (以范文为底稿) starts from the example text; otherwise a fresh speech would
    be a copy of another office's speech before a word is written.
    """
    sections, used = [], []
    for slot in template.slots.select_related("suggested_block"):
        heading = ""
        if slot.role == Role.PART:
            heading = split_marked_heading(slot.title)[0] or slot.title
        if use_example:
            body = slot.example_text or slot.default_text
            if slot.role == Role.PART and not slot.example_text and slot.suggested_block is not None:
                heading, body = section_from_block(slot.suggested_block)["heading"] or heading, body
            section = {"role": slot.role, "heading": heading, "body": body, "source_block": None}
        else:
            section = {"role": slot.role, "heading": "", "body": slot.default_text, "source_block": None}
        section["guidance"] = slot.guidance
        sections.append(section)
    return sections, used


def template_placeholders(template: SpeechTemplate, *, use_example: bool = True) -> list[PlaceholderUse]:
    """The placeholders a speech from ``template`` starts with, for the new-speech form to ask about."""
    sections, _ = _sections_from_template(template, use_example=use_example)
    return placeholder_uses(printed_data({"sections": sections}, fill=False))


BLANK_SECTIONS = [
    {"role": Role.SALUTATION, "heading": "", "body": "各位代表、同志们："},
    {"role": Role.OPENING, "heading": "", "body": ""},
    {"role": Role.PART, "heading": "", "body": ""},
    {"role": Role.CLOSING, "heading": "", "body": ""},
]


def speech_create_with_sections(
    *, owner, fields: dict[str, Any], sections: list[dict[str, Any]], note: str
) -> Speech:
    speech = Speech(owner=owner, **fields)
    speech.full_clean(exclude=["owner", "template"])
    speech.save()
    SpeechSection.objects.bulk_create(
        [
            SpeechSection(
                speech=speech,
                order=order,
                role=s["role"],
                heading=s.get("heading", ""),
                body=s.get("body", ""),
                guidance=s.get("guidance", ""),
                source_block_id=s.get("source_block"),
            )
            for order, s in enumerate(sections)
        ]
    )
    stored = speech_data(speech)
    _add_revision(
        speech_id=speech.pk,
        user=owner,
        snapshot=snapshot_of(stored, stored["sections"]),
        chars=speech.printed().chars,
        note=note,
    )
    return speech


@transaction.atomic
def speech_create(*, user, template: SpeechTemplate | None, data: dict[str, Any]) -> Speech:
    """A new speech with the template's slots, each prefilled with its suggested block; blank without one."""
    fields = {name: data[name] for name in ("title", "speaker", "date", "occasion", "place") if name in data}
    fields["placeholder_values"] = data.get("placeholder_values") or {}
    if template is None:
        sections, used, note = [dict(s) for s in BLANK_SECTIONS], [], "新建空白讲话稿"
    else:
        sections, used = _sections_from_template(template, use_example=bool(data.get("use_example")))
        fields.update(
            template=template, numbering=template.numbering, run_in_headings=template.run_in_headings
        )
        note = f"由模板“{template.name}”新建"
    speech = speech_create_with_sections(owner=user, fields=fields, sections=sections, note=note)
    for block in used:
        block.record_use()
    return speech


@transaction.atomic
def speech_duplicate(*, speech: Speech, user) -> Speech:
    data = speech_data(speech)
    fields = {name: data[name] for name in SPEECH_FIELDS if name not in ("status",)}
    fields["title"] = f"{speech.title}（副本）"[:200]
    fields["template"] = speech.template
    sections = [dict(s, guidance=g) for s, g in zip(data["sections"], _guidances(speech), strict=True)]
    return speech_create_with_sections(
        owner=user, fields=fields, sections=sections, note=f"复制自《{speech.title}》"
    )


def _guidances(speech: Speech) -> list[str]:
    return [s.guidance for s in speech.sections.all()]


def speech_trash(*, speech: Speech) -> None:
    Speech.objects.filter(pk=speech.pk).update(deleted_at=timezone.now())


def speech_untrash(*, speech: Speech) -> None:
    Speech.objects.filter(pk=speech.pk).update(deleted_at=None, updated_at=timezone.now())


def trash_purge(*, now=None, dry_run: bool = False) -> list[tuple[int, str]]:
    """Delete for good what has been in the 回收站 longer than TRASH_DAYS; returns (id, title) of each."""
    expired = Speech.objects.in_trash().expired_trash(now)
    gone = list(expired.values_list("pk", "title"))
    if gone and not dry_run:
        Speech.objects.filter(pk__in=[pk for pk, _ in gone]).delete()
    return gone


# --- comparing ------------------------------------------------------------------------------------


def _word_opcodes(old: str, new: str) -> list[tuple[str, str]]:
    a, b = cut(old), cut(new)
    raw = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
        else:
            raw.append(("delete", "".join(a[i1:i2])))
            raw.append(("insert", "".join(b[j1:j2])))
    return raw


@dataclass(frozen=True)
class DiffPiece:
    op: str  # "equal" | "insert" | "delete"
    text: str


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """Word-level differences from ``old`` to ``new`` with jieba words as the unit.

    Chinese has no spaces, so a character diff shreds words and a line diff hides the change in a
    whole paragraph; jieba words read the way an editor marks up a draft. A rewritten sentence
    still shares a stray 的 or 和 with the old one; such one- or two-character islands between
    changes are folded into the change so that it reads as one replacement.
    """
    # Paragraphs first: most saves change a few paragraphs of many, and segmenting only those keeps a
    # 10,000-character comparison in tens of milliseconds instead of hundreds.
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    raw: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old_lines, new_lines, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(old_lines[i1:i2])))
        else:
            raw.extend(_word_opcodes("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])))

    pieces: list[DiffPiece] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def close_change() -> None:
        for op, texts in (("delete", deleted), ("insert", inserted)):
            if "".join(texts):
                pieces.append(DiffPiece(op, "".join(texts)))
            texts.clear()

    for index, (op, text) in enumerate(raw):
        if op == "delete":
            deleted.append(text)
        elif op == "insert":
            inserted.append(text)
        elif (deleted or inserted) and index + 1 < len(raw) and len(text) <= 2 and "\n" not in text:
            deleted.append(text)
            inserted.append(text)
        else:
            close_change()
            if pieces and pieces[-1].op == "equal":
                pieces[-1] = DiffPiece("equal", pieces[-1].text + text)
            elif text:
                pieces.append(DiffPiece("equal", text))
    close_change()
    return pieces

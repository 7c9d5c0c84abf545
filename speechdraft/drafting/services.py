"""Workflows of the drafting area that span several models: create, save, restore, duplicate a speech.

Every change to a speech's text goes through :func:`speech_save`, so every change leaves a Revision
and every change is checked against the version the editor started from (optimistic locking).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone

from speechdraft.library.models import Block, Role, SpeechTemplate
from speechdraft.text.merge import merge_fields, merge_sections
from speechdraft.text.printing import (
    PlaceholderUse,
    PrintedSpeech,
    SectionData,
    placeholder_uses,
    print_speech,
    split_marked_heading,
)

from .models import CONFLICT_NOTE, Revision, Speech, SpeechSection, section_key

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
    """What a revision keeps: the speech fields and every section, in plain JSON.

    A section's 写作提示 is kept too, so that a section deleted and brought back by 撤销 returns with it.
    """
    return {
        **{name: _jsonable(name, fields.get(name)) for name in SPEECH_FIELDS if name in fields},
        "sections": [
            {
                "id": s.get("id"),
                "role": s["role"],
                "heading": s.get("heading", ""),
                "body": s.get("body", ""),
                "source_block": s.get("source_block"),
                **({"guidance": s["guidance"]} if s.get("guidance") else {}),
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


def _section_data(section: SpeechSection) -> dict[str, Any]:
    return {
        "id": section.pk,
        "role": section.role,
        "heading": section.heading,
        "body": section.body,
        "source_block": section.source_block_id,
        "guidance": section.guidance,
    }


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

# Autosaves by one writer less than this apart belong to one writing session and collapse into one
# revision; a longer pause starts a new one.
WRITING_SESSION_GAP = timedelta(minutes=15)
# At most this many autosave revisions are kept per speech; older unnamed ones are thinned out.
# Explicit saves, named versions, restores, merges and conflict copies are never thinned.
MAX_AUTOSAVE_REVISIONS = 100
# How far back a section deleted and brought back by 撤销 is looked for, to revive it with its id.
REVIVE_LOOKBACK = 30


@dataclass
class SectionConflict:
    """One section (or one field of the speech) changed on both sides since the writer's base."""

    key: str  # the editor's key: ``s<id>`` for a section, ``field:<name>`` for a speech field
    label: str  # how the writer knows it: a part's heading, 开场, 标题 …
    mine: str | None  # None: deleted on this side
    theirs: str | None


@dataclass
class SaveOutcome:
    conflict: bool
    speech: Speech  # after a conflict: the speech as it is stored now (the other person's version)
    revision: Revision  # the revision this save made (after a conflict: the refused text)
    section_ids: dict[str, int] = field(default_factory=dict)  # client key → id of a new section
    printed: PrintedSpeech | None = None
    # Set when the speech had moved on and this save was merged into it section by section.
    merged: bool = False
    conflicts: list[SectionConflict] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)  # the stored sections after a merge


def _next_revision_number(speech_id: int) -> int:
    return (Revision.objects.filter(speech_id=speech_id).aggregate(n=Max("number"))["n"] or 0) + 1


def _add_revision(
    *,
    speech_id: int,
    user,
    snapshot: dict,
    chars: int,
    note: str = "",
    now=None,
    kind: str = Revision.Kind.SAVE,
    version: int | None = None,
) -> Revision:
    """Record a revision; an autosave in the writer's current session updates that session's revision.

    Callers hold the speech row (UPDATE or SELECT … FOR UPDATE) so two saves cannot take one number.
    """
    now = now or timezone.now()
    author = user if user is not None and user.is_authenticated else None
    if kind == Revision.Kind.AUTOSAVE and author is not None:
        last = Revision.objects.filter(speech_id=speech_id).defer("snapshot").order_by("-number").first()
        if (
            last is not None
            and last.kind == Revision.Kind.AUTOSAVE
            and last.author_id == author.pk
            and not last.name
            and now - last.created_at < WRITING_SESSION_GAP
        ):
            Revision.objects.filter(pk=last.pk).update(
                snapshot=snapshot, chars=chars, version=version, created_at=now, note=note[:300]
            )
            last.snapshot, last.chars, last.version, last.created_at = snapshot, chars, version, now
            return last
    revision = Revision.objects.create(
        speech_id=speech_id,
        number=_next_revision_number(speech_id),
        snapshot=snapshot,
        author=author,
        created_at=now,
        note=note[:300],
        chars=chars,
        kind=kind,
        version=version,
    )
    if kind == Revision.Kind.AUTOSAVE:
        old = Revision.objects.filter(speech_id=speech_id, kind=Revision.Kind.AUTOSAVE, name="").order_by(
            "-number"
        )
        surplus = list(old.values_list("pk", flat=True)[MAX_AUTOSAVE_REVISIONS : MAX_AUTOSAVE_REVISIONS + 20])
        if surplus:
            Revision.objects.filter(pk__in=surplus).delete()
    return revision


def _existing_block_ids(sections: list[dict]) -> set[int]:
    ids = {s["source_block"] for s in sections if s.get("source_block")}
    return set(Block.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _revivable(speech_id: int, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Sections of this speech that were deleted and are sent back (撤销): id → their last snapshot.

    Only ids found in this speech's own recent revisions and used by no row today qualify, so a
    made-up id can never take over another speech's section.
    """
    ids -= set(SpeechSection.objects.filter(pk__in=ids).values_list("pk", flat=True))
    found: dict[int, dict[str, Any]] = {}
    if not ids:
        return found
    recent = Revision.objects.filter(speech_id=speech_id).order_by("-number")[:REVIVE_LOOKBACK]
    for snapshot in recent.values_list("snapshot", flat=True):
        for item in snapshot.get("sections", []):
            if item.get("id") in ids and item["id"] not in found:
                found[item["id"]] = item
    return found


def _sync_sections(speech_id: int, sections: list[dict]) -> list[dict[str, Any]]:
    """Make the stored sections equal ``sections`` in a fixed number of queries, whatever their count;
    return them as stored, in order (id and 写作提示 included).

    A section keeps its id while it exists so that a 查重 report can still point at it; a section
    deleted and brought back by 撤销 gets its id and 写作提示 back. Any other id the editor sends that
    is not one of this speech's sections is treated as a new section, never as a licence to touch
    another speech's rows.
    """
    existing = {s.pk: s for s in SpeechSection.objects.filter(speech_id=speech_id)}
    blocks = _existing_block_ids(sections)
    unknown = {s["id"] for s in sections if s.get("id") and s["id"] not in existing}
    revivable = _revivable(speech_id, unknown) if unknown else {}
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
            revived = revivable.pop(item.get("id"), None)
            section = SpeechSection(speech_id=speech_id, **values)
            if revived is not None:
                section.pk = item["id"]
                section.guidance = revived.get("guidance", "")
            else:
                section.guidance = item.get("guidance", "")
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
        # Both SQLite (3.35+) and PostgreSQL return the new ids from one INSERT; a revived section
        # brings its own id, which its database sequence handed out before and will never reuse.
        SpeechSection.objects.bulk_create(created)
    return [_section_data(section) for section in ordered]


# --- merging a save into a speech that moved on -------------------------------------------------------

_SECTION_VALUE = ("role", "heading", "body", "source_block")


def _section_value(item: dict[str, Any]) -> tuple:
    return tuple(item.get(name) or ("" if name != "source_block" else None) for name in _SECTION_VALUE)


def _section_label(value: tuple | None) -> str:
    if value is None:
        return "段落"
    role, heading, body = value[0], value[1], value[2]
    if role == Role.PART:
        return f"部分“{heading or body[:20]}”"
    return Role(role).label


def _section_text(value: tuple | None) -> str | None:
    if value is None:
        return None
    return "\n".join(part for part in (value[1], value[2]) if part)


@dataclass
class _Merge:
    fields: dict[str, Any]
    sections: list[dict[str, Any]]
    conflicts: list[SectionConflict]


def _merge_save(
    *,
    current: Speech,
    base_version: int,
    fields: dict[str, Any],
    sections: list[dict[str, Any]],
    resolutions: dict[str, str],
) -> _Merge:
    """Merge the writer's save into the stored speech against the revision the writer started from.

    ``resolutions`` maps a conflict's key to ``"mine"`` or ``"theirs"``: the writer's choice for a
    section both sides changed, sent with the save that follows the conflict dialog.
    """
    base_revision = Revision.objects.base_for(current.pk, base_version)
    # Without a known base (revisions from before versions were recorded) every section that
    # differs is a conflict: safe, if less convenient.
    base = data_from_snapshot(base_revision.snapshot) if base_revision else {"sections": []}
    stored = [_section_data(s) for s in SpeechSection.objects.filter(speech=current)]
    theirs_fields = {name: getattr(current, name) for name in fields}
    base_fields = {name: base[name] for name in fields if name in base}

    def keyed(items):
        # A section is named by its id for its whole life; a new one of this save by its editor key.
        return [(s["id"] if s.get("id") else ("new", s.get("key") or str(i)), s) for i, s in enumerate(items)]

    base_items, mine_items, theirs_items = keyed(base["sections"]), keyed(sections), keyed(stored)
    by_key = {k: s for k, s in [*base_items, *theirs_items, *mine_items]}
    merged = merge_sections(
        [(k, _section_value(s)) for k, s in base_items],
        [(k, _section_value(s)) for k, s in mine_items],
        [(k, _section_value(s)) for k, s in theirs_items],
    )
    values = dict(merged.items)
    conflicts: list[SectionConflict] = []
    mine_by_key, theirs_by_key = dict(mine_items), dict(theirs_items)
    for clash in merged.conflicts:
        key = section_key(clash.key) if isinstance(clash.key, int) else str(clash.key[1])
        choice = resolutions.get(key)
        if choice in ("mine", "theirs"):
            chosen = clash.mine if choice == "mine" else clash.theirs
            if chosen is None:
                values.pop(clash.key, None)
            else:
                values[clash.key] = chosen
            continue
        conflicts.append(
            SectionConflict(
                key=key,
                label=_section_label(clash.theirs or clash.mine or clash.base),
                mine=_section_text(clash.mine),
                theirs=_section_text(clash.theirs),
            )
        )
    order = [k for k, _ in merged.items if k in values]
    # A section the writer chose to keep although the other side deleted it has no place yet.
    order += [k for k in values if k not in order]
    merged_sections = []
    for key in order:
        role, heading, body, source_block = values[key]
        origin = mine_by_key.get(key) or theirs_by_key.get(key) or by_key[key]
        merged_sections.append(
            {
                "key": origin.get("key") or (section_key(key) if isinstance(key, int) else ""),
                "id": key if isinstance(key, int) else None,
                "role": role,
                "heading": heading,
                "body": body,
                "source_block": source_block,
            }
        )

    merged_fields, clashes = merge_fields(base_fields, fields, theirs_fields)
    for name in clashes:
        key = f"field:{name}"
        choice = resolutions.get(key)
        if choice == "theirs":
            merged_fields[name] = theirs_fields[name]
        elif choice != "mine":
            merged_fields[name] = theirs_fields[name]
            conflicts.append(
                SectionConflict(
                    key=key,
                    label=str(Speech._meta.get_field(name).verbose_name),
                    mine=_field_text(fields[name]),
                    theirs=_field_text(theirs_fields[name]),
                )
            )
    return _Merge(fields=merged_fields, sections=merged_sections, conflicts=conflicts)


def _field_text(value: Any) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k}：{v}" for k, v in value.items())
    return "" if value is None else str(value)


def speech_save(
    *,
    speech: Speech,
    user,
    base_version: int,
    data: dict[str, Any],
    note: str = "",
    kind: str = Revision.Kind.SAVE,
    resolutions: dict[str, str] | None = None,
) -> SaveOutcome:
    """Store the editor's state; when the speech moved on since ``base_version``, merge by section.

    The version check and the increment are one UPDATE … WHERE version = base, so of two saves made
    from the same version exactly one wins outright on SQLite and PostgreSQL alike. The other is
    merged into the stored speech section by section against its base (``text/merge.py``): changes to
    different sections both survive. Only a section changed on both sides is a conflict; then nothing
    is stored but the refused text, kept as a revision noted 未保存的冲突版本, and the outcome lists
    the conflicting sections for the writer to choose per section (``resolutions`` on the next save).
    """
    fields = {name: data[name] for name in SPEECH_FIELDS if name in data}
    sections = list(data.get("sections", []))
    now = timezone.now()
    with transaction.atomic():
        updated = Speech.objects.filter(pk=speech.pk, version=base_version, deleted_at__isnull=True).update(
            version=F("version") + 1, updated_at=now, **fields
        )
        if updated:
            new_version, merged = base_version + 1, False
        else:
            current = Speech.objects.select_for_update().select_related("owner").get(pk=speech.pk)
            merge = _merge_save(
                current=current,
                base_version=base_version,
                fields=fields,
                sections=sections,
                resolutions=resolutions or {},
            )
            if merge.conflicts or current.deleted_at is not None:
                printed = printed_data({**fields, "sections": sections})
                revision = _add_revision(
                    speech_id=speech.pk,
                    user=user,
                    snapshot=snapshot_of(fields, sections),
                    chars=printed.chars,
                    note=CONFLICT_NOTE,
                    now=now,
                    kind=Revision.Kind.CONFLICT,
                )
                return SaveOutcome(
                    conflict=True,
                    speech=current,
                    revision=revision,
                    printed=printed,
                    conflicts=merge.conflicts,
                )
            fields, sections, merged = merge.fields, merge.sections, True
            new_version = current.version + 1
            Speech.objects.filter(pk=speech.pk).update(version=new_version, updated_at=now, **fields)
            if resolutions:
                kind = Revision.Kind.MERGE
            note = note or "与同时进行的修改合并"
        stored = _sync_sections(speech.pk, sections)
        new_ids = {
            item["key"]: row["id"]
            for item, row in zip(sections, stored, strict=True)
            if item.get("key") and item.get("id") != row["id"]
        }
        keyed = [
            {**row, "key": item.get("key") or section_key(row["id"])}
            for item, row in zip(sections, stored, strict=True)
        ]
        printed = printed_data({**fields, "sections": keyed})
        revision = _add_revision(
            speech_id=speech.pk,
            user=user,
            snapshot=snapshot_of(fields, stored),
            chars=printed.chars,
            note=note,
            now=now,
            kind=kind,
            version=new_version,
        )
    if merged:
        speech.refresh_from_db()
    else:
        for name, value in fields.items():
            setattr(speech, name, value)
        speech.version = new_version
        speech.updated_at = now
    return SaveOutcome(
        conflict=False,
        speech=speech,
        revision=revision,
        section_ids=new_ids,
        printed=printed,
        merged=merged,
        sections=keyed if merged else [],
    )


def revision_restore(*, speech: Speech, revision: Revision, user) -> SaveOutcome:
    """Make an old revision the current text — as a new save, so no history is ever lost."""
    current_version = Speech.objects.filter(pk=speech.pk).values_list("version", flat=True).get()
    return speech_save(
        speech=speech,
        user=user,
        base_version=current_version,
        data=data_from_snapshot(revision.snapshot),
        note=f"恢复自第{revision.number}版",
        kind=Revision.Kind.RESTORE,
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
        snapshot=snapshot_of(stored, [_section_data(s) for s in speech.sections.all()]),
        chars=speech.printed().chars,
        note=note,
        kind=Revision.Kind.CREATE,
        version=speech.version,
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

"""审阅稿 in: read a .docx that came back from Word, WPS or LibreOffice and map its tracked changes and
comments onto the sections of the revision it was exported from.

The file is read with lxml straight from the zip (each entry size-capped): python-docx drops
``w:del``/``w:ins`` content and knows nothing of comments ranges. Every paragraph becomes a list of
segments, each plain or part of one change; the base text (all reviewer changes rejected) is matched
against the exported revision to find each paragraph's section, and the text with a chosen set of
changes accepted is what :func:`review_apply` writes back.

Changes dated no later than the export (``speechdraft_exported_at``) are the 修订稿's own marks: they
are already the base revision's text, so they are neither reported nor undone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from lxml import etree

from speechdraft.drafting.models import Revision, Speech
from speechdraft.drafting.services import data_from_snapshot, speech_data, speech_save
from speechdraft.text.diff import word_diff
from speechdraft.text.genre import SENTENCE_END_CHARS
from speechdraft.text.merge import merge_value
from speechdraft.text.placeholders import bind_placeholders, printed_value
from speechdraft.text.printing import split_marked_heading, split_paragraphs

from .models import Comment

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
PROP_SPEECH = "speechdraft_speech_id"
PROP_REVISION = "speechdraft_revision"
PROP_TITLE = "speechdraft_title"
PROP_EXPORTED = "speechdraft_exported_at"

MAX_ENTRY_BYTES = 30 * 1024 * 1024  # a 200,000-character speech's document.xml is ≈ 2 MB
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CHANGE_TAGS = {
    f"{{{W}}}ins": "ins",
    f"{{{W}}}del": "del",
    f"{{{W}}}moveTo": "ins",
    f"{{{W}}}moveFrom": "del",
}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class ReviewFileError(ValueError):
    """A file that cannot be read as a 审阅稿 of this speech; the message tells the user what to do."""


@dataclass
class Segment:
    text: str
    change: int | None = None  # index into ReviewFile.changes, None for unchanged text


@dataclass
class Change:
    kind: str  # "insert" | "delete"
    text: str
    author: str
    date: str
    paragraph: int  # physical paragraph of the file it stands in
    section_id: int | None = None
    ours: bool = False  # a mark the 修订稿 carried out, already in the base revision


@dataclass
class FileComment:
    text: str
    author: str
    date: str
    anchor_text: str
    paragraph: int | None
    section_id: int | None = None


@dataclass
class FileParagraph:
    segments: list[Segment] = field(default_factory=list)
    mark: int | None = None  # a change of the paragraph mark itself (split or join)


@dataclass
class ReviewFile:
    speech_id: int | None
    revision: int | None
    exported_at: dt.datetime | None
    paragraphs: list[FileParagraph]
    changes: list[Change]
    comments: list[FileComment]

    def reviewer_changes(self) -> list[int]:
        return [i for i, c in enumerate(self.changes) if not c.ours and (c.text or c.text == "\n")]


# --- reading ---------------------------------------------------------------------------------------


def _entry(package: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_ENTRY_BYTES:
        raise ReviewFileError("文件内容过大，无法读取。请确认上传的是讲话稿的审阅稿。")
    with package.open(info) as handle:
        data = handle.read(MAX_ENTRY_BYTES + 1)  # the header's size may lie; never read past the cap
    if len(data) > MAX_ENTRY_BYTES:
        raise ReviewFileError("文件内容过大，无法读取。请确认上传的是讲话稿的审阅稿。")
    return data


def _xml(data: bytes):
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReviewFileError(
            "文件已损坏，无法读取其中的内容。请在 Word 或 WPS 中重新另存为 .docx 后再上传。"
        ) from exc


def _parse_date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _properties(root) -> dict[str, str]:
    found = {}
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        value = next(iter(prop), None)
        if value is not None and value.text is not None:
            found[prop.get("name")] = value.text.strip()
    return found


def _number(value: str | None) -> int | None:
    # LibreOffice writes back the vt:i4 we wrote as vt:r8 ("12" → "12.0"): accept either.
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def read_review_file(data: bytes) -> ReviewFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReviewFileError(
            "这不是有效的 Word 文件（.docx），或文件已损坏。请上传从本系统导出、审阅后保存的 .docx 文件。"
        ) from exc
    with package:
        document = _entry(package, "word/document.xml")
        if document is None:
            raise ReviewFileError("文件中没有 Word 正文（word/document.xml），请上传 .docx 格式的审阅稿。")
        custom = _entry(package, "docProps/custom.xml")
        comments_xml = _entry(package, "word/comments.xml")
    props = _properties(_xml(custom)) if custom else {}
    exported_at = _parse_date(props.get(PROP_EXPORTED, ""))
    changes: list[Change] = []
    paragraphs: list[FileParagraph] = []
    comment_spots: dict[str, list] = {}  # id → [paragraph, start offset in new text, end offset]
    body = _xml(document).find(w("body"))
    for index, p in enumerate(body.iter(w("p")) if body is not None else ()):
        paragraph = FileParagraph()
        mark = p.find(f"{w('pPr')}/{w('rPr')}")
        if mark is not None:
            for tag, kind in (("ins", "insert"), ("del", "delete")):
                el = mark.find(w(tag))
                if el is not None:
                    paragraph.mark = len(changes)
                    changes.append(Change(kind, "\n", el.get(w("author"), ""), el.get(w("date"), ""), index))
        current: dict[int, int] = {}  # id(change element) → index in changes
        new_len = 0
        for el in p.iter():
            tag = el.tag
            if tag in (w("commentRangeStart"), w("commentRangeEnd")):
                spot = comment_spots.setdefault(el.get(w("id")), [index, new_len, new_len])
                if tag == w("commentRangeStart"):
                    spot[0], spot[1] = index, new_len
                else:
                    spot[2] = new_len
                continue
            if tag not in (w("t"), w("delText"), w("tab")):
                continue
            text = "\t" if tag == w("tab") else (el.text or "")
            holder = next((a for a in el.iterancestors() if a.tag in _CHANGE_TAGS or a is p), p)
            if holder is p:
                paragraph.segments.append(Segment(text))
                new_len += len(text)
                continue
            key = id(holder)
            if key not in current:
                kind = "insert" if _CHANGE_TAGS[holder.tag] == "ins" else "delete"
                current[key] = len(changes)
                changes.append(
                    Change(kind, "", holder.get(w("author"), ""), holder.get(w("date"), ""), index)
                )
            change = changes[current[key]]
            change.text += text
            paragraph.segments.append(Segment(text, current[key]))
            if change.kind == "insert":
                new_len += len(text)
        paragraphs.append(paragraph)
    for change in changes:
        when = _parse_date(change.date)
        change.ours = exported_at is not None and when is not None and when <= exported_at
    comments = []
    if comments_xml is not None:
        for el in _xml(comments_xml).iter(w("comment")):
            cid = el.get(w("id"))
            text = "\n".join(
                "".join(t.text or "" for t in para.iter(w("t"))) for para in el.iter(w("p"))
            ).strip()
            spot = comment_spots.get(cid)
            comments.append(
                FileComment(
                    text=text,
                    author=el.get(w("author"), ""),
                    date=el.get(w("date"), ""),
                    anchor_text="",
                    paragraph=spot[0] if spot else None,
                )
            )
            if spot:
                comments[-1].anchor_text = _new_text(paragraphs[spot[0]], changes, None)[spot[1] : spot[2]]
    return ReviewFile(
        speech_id=_number(props.get(PROP_SPEECH)),
        revision=_number(props.get(PROP_REVISION)),
        exported_at=exported_at,
        paragraphs=paragraphs,
        changes=changes,
        comments=comments,
    )


def _keeps(change: Change, accepted: set[int] | None, index: int, *, base: bool) -> bool:
    """Whether a changed segment is in the text: the base keeps only the 修订稿's own insertions."""
    inserted = change.kind == "insert"
    if change.ours:
        return inserted
    if base:
        return not inserted
    taken = accepted is None or index in accepted
    return inserted == taken


def _new_text(
    paragraph: FileParagraph, changes: list[Change], accepted: set[int] | None, *, base: bool = False
) -> str:
    return "".join(
        s.text
        for s in paragraph.segments
        if s.change is None or _keeps(changes[s.change], accepted, s.change, base=base)
    )


def _grouped(review: ReviewFile, accepted: set[int] | None, *, base: bool) -> list[tuple[list[int], str]]:
    """Paragraphs as they read in one view: a split or joined paragraph mark merges physical ones."""
    groups: list[tuple[list[int], str]] = []
    members: list[int] = []
    texts: list[str] = []
    for index, paragraph in enumerate(review.paragraphs):
        members.append(index)
        texts.append(_new_text(paragraph, review.changes, accepted, base=base))
        ends = True
        if paragraph.mark is not None:
            ends = _keeps(review.changes[paragraph.mark], accepted, paragraph.mark, base=base)
        if ends or index == len(review.paragraphs) - 1:
            groups.append((members, "".join(texts)))
            members, texts = [], []
    return groups


# --- mapping onto the speech -------------------------------------------------------------------------


@dataclass
class SectionChange:
    section_id: int | None  # None: the title
    label: str
    before: str
    after: str


@dataclass
class ReviewImport:
    speech: Speech
    base: Revision
    review: ReviewFile
    keys: dict[int, object]  # physical paragraph → section id ("title" for the title, None elsewhere)
    synthesized: bool  # the file had no tracked changes: they were computed by comparing the text
    comments: list[FileComment]

    def change_rows(self) -> list[tuple[int, Change]]:
        return [(i, self.review.changes[i]) for i in self.review.reviewer_changes()]

    def as_json(self, revision: int | None = None) -> dict:
        return {
            "base_revision": self.base.number,
            "changes": [
                {
                    "kind": c.kind,
                    "text": c.text,
                    "author": c.author,
                    "date": c.date,
                    "section_id": c.section_id,
                }
                for _, c in self.change_rows()
            ],
            "comments": [
                {"text": c.text, "author": c.author, "anchor_text": c.anchor_text, "section_id": c.section_id}
                for c in self.comments
            ],
            "revision": revision,
        }


def _base_paragraphs(base: Revision) -> list[tuple[object, str]]:
    """(section key, text) of each paragraph of the base revision as the export printed it."""
    out: list[tuple[object, str]] = []
    for p in base.printed().paragraphs:
        key = p.section if p.section is not None else ("title" if p.kind == "title" else None)
        out += [(key, line) for line in p.text.split("\n") if line.strip()]
    return out


def _map_keys(review: ReviewFile, base: Revision) -> tuple[dict[int, object], list[tuple[list[int], str]]]:
    groups = [(m, t) for m, t in _grouped(review, None, base=True)]
    texts = [t.strip() for _, t in groups]
    base_paragraphs = _base_paragraphs(base)
    keys: dict[int, object] = {}
    matcher = difflib.SequenceMatcher(None, texts, [t for _, t in base_paragraphs], autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            j = j1 + min(k, max(j2 - j1 - 1, 0)) if j2 > j1 else None
            key = base_paragraphs[j][0] if j is not None else None
            for physical in groups[i1 + k][0]:
                keys[physical] = key
    return keys, groups


def _synthesize(review: ReviewFile, base: Revision) -> bool:
    """A file without tracked changes: compare it with the base revision word by word instead."""
    base_texts = [t for _, t in _base_paragraphs(base)]
    file_texts = [_new_text(p, review.changes, None) for p in review.paragraphs]
    targets = [(i, t) for i, t in enumerate(file_texts) if t.strip()]
    matcher = difflib.SequenceMatcher(None, base_texts, [t for _, t in targets], autojunk=False)
    changed = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            old = base_texts[i1 + k] if i1 + k < i2 else ""
            if j1 + k >= j2:
                continue  # a paragraph deleted whole has no place in the file to hang on; see report
            index, new = targets[j1 + k]
            segments = []
            for piece in word_diff(old, new):
                if piece.op == "equal":
                    segments.append(Segment(piece.text))
                else:
                    review.changes.append(
                        Change(
                            "insert" if piece.op == "insert" else "delete", piece.text, "审阅人", "", index
                        )
                    )
                    segments.append(Segment(piece.text, len(review.changes) - 1))
                    changed = True
            review.paragraphs[index].segments = segments
    return changed


def review_import(*, speech: Speech, data: bytes) -> ReviewImport:
    """Read ``data`` as a 审阅稿 of ``speech``; raise ReviewFileError with what to do when it is not one."""
    review = read_review_file(data)
    if review.speech_id is None or review.revision is None:
        raise ReviewFileError(
            "这个文件不是从本系统导出的（缺少讲话稿编号），无法对应到段落。请先用“导出Word”导出，审阅后再上传。"
        )
    if review.speech_id != speech.pk:
        raise ReviewFileError(
            f"这个文件属于另一篇讲话稿（编号 {review.speech_id}），不是《{speech.title}》的审阅稿。请在对应的讲话稿中导入。"
        )
    base = speech.revisions.filter(number=review.revision).first()
    if base is None:
        raise ReviewFileError(f"找不到这个文件导出时的版本（第{review.revision}版），无法对应到段落。")
    synthesized = False
    if not review.reviewer_changes():
        synthesized = _synthesize(review, base)
    keys, _ = _map_keys(review, base)
    for change in review.changes:
        change.section_id = _section_id(keys.get(change.paragraph))
    own = _own_comment_texts(speech)
    # A 修订稿 carries each open comment with its replies as further paragraphs: the first is the body.
    comments = [c for c in review.comments if c.text and c.text.split("\n")[0].strip() not in own]
    for comment in comments:
        comment.section_id = (
            _section_id(keys.get(comment.paragraph)) if comment.paragraph is not None else None
        )
    if not review.reviewer_changes() and not comments:
        raise ReviewFileError("这个文件与导出时的版本相比没有任何修改或批注，无需导入。")
    return ReviewImport(speech, base, review, keys, synthesized, comments)


def _section_id(key) -> int | None:
    return key if isinstance(key, int) else None


def _own_comment_texts(speech: Speech) -> set[str]:
    """The app's own comments travel out in a 修订稿 and come back; they are not new 批注."""
    texts = set()
    for comment in speech.comments.prefetch_related("replies__author"):
        texts.add(comment.body.strip())
    return texts


# --- applying --------------------------------------------------------------------------------------

# How a section changed by the reviewer is merged with what was written in the app since the export:
# (base, current, reviewer's) → merged text, or None when they cannot be merged. The rule is the one
# the editor's three-way merge uses for a single value (text/merge.py); the section-level sequence merge
# does not fit here, because a 审阅稿 cannot add, delete or reorder sections, only change their text.
Merge = Callable[[str, str, str], str | None]


def section_merge(base: str, current: str, theirs: str) -> str | None:
    return merge_value(base, current, theirs)


def reviewed_sections(imp: ReviewImport, accepted: set[int]) -> dict[object, list[str]]:
    """Section key → its paragraphs with the ``accepted`` reviewer changes applied."""
    out: dict[object, list[str]] = {}
    for members, text in _grouped(imp.review, accepted, base=False):
        key = imp.keys.get(members[0])
        if text.strip():
            out.setdefault(key, []).append(text.strip())
    return out


def _printed_sections(revision: Revision) -> dict[object, list[str]]:
    out: dict[object, list[str]] = {}
    for key, text in _base_paragraphs(revision):
        out.setdefault(key, []).append(text)
    return out


def keep_placeholders(raw: str, reviewed: str, values: dict | None) -> str:
    """The reviewer's text with the speech's placeholders put back where their filled values stand.

    The 审阅稿 shows ``×区`` as the value typed in the 占位符 panel (``云岩区``); written back as it
    reads, the value would replace the placeholder for good and the panel would stop listing it. The
    reviewer's edits are replayed on the stored text instead: unchanged words keep their stored form,
    placeholders included; a placeholder inside words the reviewer rewrote takes what they wrote.
    """
    raw = "\n".join(split_paragraphs(raw))
    if not values:
        return reviewed
    # (printed, stored) pieces of the stored text, placeholders filled the way printing fills them.
    segments: list[tuple[int, int, str, str]] = []
    position = 0

    def add(printed_text: str, stored: str) -> None:
        nonlocal position
        segments.append((position, position + len(printed_text), printed_text, stored))
        position += len(printed_text)

    for index, line in enumerate(raw.split("\n")):
        if index:
            add("\n", "\n")
        cursor = 0
        for binding in bind_placeholders(line):
            if binding.start > cursor:
                add(line[cursor : binding.start], line[cursor : binding.start])
            value = values.get(binding.key)
            add(printed_value(line, binding, value) if value else binding.text, binding.text)
            cursor = binding.end
        if cursor < len(line):
            add(line[cursor:], line[cursor:])
    printed = "".join(piece for _, _, piece, _ in segments)
    out: list[str] = []
    old = 0
    for piece in word_diff(printed, reviewed):
        if piece.op == "insert":
            out.append(piece.text)
            continue
        start, end = old, old + len(piece.text)
        old = end
        if piece.op == "delete":
            continue
        for lo, hi, printed_text, stored in segments:
            a, b = max(lo, start), min(hi, end)
            if a < b:
                out.append(stored if (a, b) == (lo, hi) else printed_text[a - lo : b - lo])
    return "".join(out)


@dataclass
class ApplyOutcome:
    revision: Revision | None
    conflicts: list[str]  # labels of sections kept as written in the app, the reviewer's text not taken


@transaction.atomic
def review_apply(
    *, imp: ReviewImport, user, accepted: set[int], merge: Merge = section_merge
) -> ApplyOutcome:
    """Make a new revision from the base with the accepted changes, merged with the app's later edits."""
    speech = Speech.objects.select_for_update().get(pk=imp.speech.pk)
    after = reviewed_sections(imp, accepted)
    before = _printed_sections(imp.base)
    base_sections = {s.get("id"): s for s in data_from_snapshot(imp.base.snapshot)["sections"]}
    data = speech_data(speech)
    current = {s["id"]: s for s in data["sections"]}
    conflicts: list[str] = []
    changed = False
    for key, paragraphs in after.items():
        if not isinstance(key, int) or paragraphs == before.get(key):
            continue
        base_section, section = base_sections.get(key), current.get(key)
        if base_section is None or section is None:
            conflicts.append(f"段落（编号 {key}）已被删除")
            continue
        heading, body = base_section.get("heading", ""), "\n".join(paragraphs)
        if section["role"] == "part":
            heading, body = split_marked_heading(body)
            if not heading:
                heading, body = base_section.get("heading", ""), "\n".join(paragraphs)
        values = imp.base.snapshot.get("placeholder_values") or None
        heading = keep_placeholders(base_section.get("heading", ""), heading, values)
        body = keep_placeholders(base_section.get("body", ""), body, values)
        if heading.rstrip(SENTENCE_END_CHARS) == base_section.get("heading", "").rstrip(SENTENCE_END_CHARS):
            # Printing a run-in heading adds its full stop; that is not the reviewer's change.
            heading = base_section.get("heading", "")
        merged_heading = merge(base_section.get("heading", ""), section.get("heading", ""), heading)
        merged_body = merge(base_section.get("body", ""), section.get("body", ""), body)
        if merged_heading is None or merged_body is None:
            conflicts.append(section.get("heading") or base_section.get("heading") or f"段落（编号 {key}）")
            continue
        if (merged_heading, merged_body) != (section.get("heading", ""), section.get("body", "")):
            section["heading"], section["body"] = merged_heading, merged_body
            changed = True
    title = after.get("title")
    if title and title != before.get("title"):
        merged = merge(imp.base.snapshot.get("title", ""), data["title"], "".join(title))
        if merged is None:
            conflicts.append("标题")
        elif merged != data["title"]:
            data["title"], changed = merged, True
    if not changed:
        return ApplyOutcome(None, conflicts)
    outcome = speech_save(
        speech=speech,
        user=user,
        base_version=speech.version,
        data=data,
        note=f"导入审阅稿（基于第{imp.base.number}版）",
    )
    return ApplyOutcome(outcome.revision, conflicts)


def import_comments(*, imp: ReviewImport, user) -> int:
    """The file's new 批注 become comments in the app, anchored on the same words."""
    made = 0
    for c in imp.comments:
        Comment.objects.create(
            speech=imp.speech,
            section_id=c.section_id,
            anchor_text=c.anchor_text[:500],
            body=f"{c.text}" if not c.author else f"{c.text}（{c.author}，来自审阅稿）",
            author=user,
        )
        made += 1
    return made

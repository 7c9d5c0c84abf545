"""The Word export: plain speech data in, .docx bytes out, in the GB/T 9704-2012 based layout.

No Django here: views and the ``export_docx`` command hand in an :class:`ExportDocument` and send the
bytes on. The geometry comes from :mod:`speechdraft.export.layout`; this module turns it into XML.

python-docx handles the package, but its default template is a US-Letter, 1.15-spaced, theme-font
(Japanese) document. Rather than patch each of its ~30 styles, the styles part is replaced whole by the
handful of styles a speech needs, each carrying explicit ``w:ascii``/``w:hAnsi``/``w:eastAsia``/``w:cs``
font names, so nothing resolves through the theme. Formatting lives on styles; paragraphs and runs only
name a style, which keeps the file small and lets an office restyle it in Word.

Export is planned first (which paragraph gets which style, where runs split) and then written as XML:
the styled empty package is made once per profile and font set and cached.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from lxml import etree

from speechdraft.export.layout import PageLayout, get_layout
from speechdraft.text.genre import LINE_BREAKS, SENTENCE_END, heading_marker
from speechdraft.text.ooxml import XML_ILLEGAL, one_line, xml_safe
from speechdraft.text.parser import ParsedSpeech, find_subpoints

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
COMMENTS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id Word uses for custom properties
STYLES_WITH_EFFECTS_RELTYPE = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# Style ids are ASCII so that tools keyed on ids keep working; the names are what users see in Word.
TITLE_STYLE = "SpeechTitle"
SUBTITLE_STYLE = "SpeechSubtitle"
SALUTATION_STYLE = "Salutation"
BLANK_STYLE = "BlankLine"
HEADING_STYLES = {1: "PartHeading1", 2: "PartHeading2", 3: "PartHeading3"}
HEADING_CHAR_STYLES = {1: "PartHeading1Char", 2: "PartHeading2Char", 3: "PartHeading3Char"}
SUBPOINT_STYLE = "SubpointLead"
PAGE_NUMBER_ODD_STYLE = "PageNumberOdd"
PAGE_NUMBER_EVEN_STYLE = "PageNumberEven"

# Which heading level a numbering marker stands for (GB/T 9704 §7.3.3: 一、 黑体, （一） 楷体, 1./（1） 仿宋).
# 第一、/第一， is the same rank as 一、 in this genre (seed 000).
LEVEL_BY_MARKER_STYLE = {"yi": 1, "di": 1, "paren": 2, "arabic": 3, "arabic_paren": 3}

# A heading sentence ends at the first sentence end (genre.SENTENCE_END, ASCII !? included); what
# follows in the same paragraph is body text.
HEADING_SENTENCE_END = SENTENCE_END

_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_FILENAME_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f;]')


@dataclass(frozen=True)
class ExportPart:
    """One numbered part of the main body.

    ``heading`` includes its marker (``一、提高认识，增强当好人大代表的责任感。``). With ``run_in`` the
    heading and ``paragraphs[0]`` are printed as one paragraph, the heading in the heading font.
    """

    heading: str
    paragraphs: tuple[str, ...] = ()
    run_in: bool = False


@dataclass(frozen=True)
class ExportDocument:
    title: str = ""
    subtitle_lines: tuple[str, ...] = ()  # speaker and date lines under the title, e.g. （2024年7月20日）
    salutation: str = ""
    opening: tuple[str, ...] = ()
    parts: tuple[ExportPart, ...] = ()
    closing: tuple[str, ...] = ()

    def flow(self) -> tuple[ExportParagraph, ...]:
        """The document as a flow of printed paragraphs, the shape the print model hands in."""
        flow = [ExportParagraph("title", line) for line in _paragraphs([self.title])]
        flow += [ExportParagraph("subtitle", line) for line in _paragraphs(self.subtitle_lines)]
        flow += [ExportParagraph("salutation", line) for line in _paragraphs([self.salutation])]
        flow += [ExportParagraph("body", line) for line in _paragraphs(self.opening)]
        for part in self.parts:
            heading = " ".join(_paragraphs([part.heading]))
            paragraphs = _paragraphs(part.paragraphs)
            if heading and part.run_in and paragraphs:
                flow.append(ExportParagraph("run_in", paragraphs.pop(0), heading=heading))
            elif heading:
                flow.append(ExportParagraph("heading", heading=heading))
            flow += [ExportParagraph("body", line) for line in paragraphs]
        flow += [ExportParagraph("body", line) for line in _paragraphs(self.closing)]
        return tuple(flow)


@dataclass(frozen=True)
class ExportParagraph:
    """One printed paragraph as the print model knows it (``text.printing.Paragraph`` in plain data).

    ``kind`` is ``title``, ``subtitle``, ``salutation``, ``heading`` (a part heading on its own line),
    ``run_in`` (``heading`` sentence then ``body`` in one paragraph) or ``body``. ``key`` names the
    section it prints (echoed back so that comments and imported changes find their section).
    """

    kind: str
    body: str = ""
    heading: str = ""
    key: Any = None

    @property
    def text(self) -> str:
        return self.heading + self.body


@dataclass(frozen=True)
class ChangeStamp:
    """Who made a tracked change and when (``w:author``/``w:date``)."""

    author: str
    date: dt.datetime


@dataclass(frozen=True)
class WordComment:
    """A Word 批注: ``anchor`` is the commented text inside the paragraph at index ``paragraph``."""

    paragraph: int  # index into the planned body paragraphs (see :func:`plan_flow`)
    start: int  # character offsets of the anchor in that paragraph's text
    end: int
    author: str
    date: dt.datetime
    paragraphs: tuple[str, ...]  # the comment's text, one entry a paragraph (replies follow the first)


@dataclass(frozen=True)
class ExportFonts:
    """Font names as the office's Word knows them (仿宋 vs 仿宋_GB2312 differs between offices)."""

    body: str = "仿宋_GB2312"
    title: str = "方正小标宋简体"
    heading: str = "黑体"
    kai: str = "楷体_GB2312"
    page_number: str = "宋体"

    def __post_init__(self) -> None:
        for label, name in (
            ("正文", self.body),
            ("标题", self.title),
            ("一级标题", self.heading),
            ("楷体", self.kai),
            ("页码", self.page_number),
        ):
            if not name or not name.strip() or XML_ILLEGAL.search(name):
                raise ValueError(f"{label}字体名称无效，请填写 Word 中显示的字体名称，例如“仿宋_GB2312”。")


@dataclass(frozen=True)
class ExportOptions:
    profile: str = "standard"  # "standard" (22 × 28) or "large" (reading copy), see layout.PROFILES
    fonts: ExportFonts = field(default_factory=ExportFonts)
    bold_subpoint_leads: bool = False  # 一是…。 leads in bold
    include_subtitle: bool = True

    def __post_init__(self) -> None:
        get_layout(self.profile)  # fail when the options are made, not halfway through an export

    @property
    def layout(self) -> PageLayout:
        return get_layout(self.profile)


# --------------------------------------------------------------------------------------------------
# Public entry points

# A word-level comparison of two paragraph texts: (op, text) pairs with op equal/insert/delete, in order.
WordDiff = Callable[[str, str], Sequence[tuple[str, str]]]
Flow = ExportDocument | Sequence[ExportParagraph]


def build_docx(
    doc: Flow,
    options: ExportOptions | None = None,
    *,
    previous: Flow | None = None,
    stamp: ChangeStamp | None = None,
    diff: WordDiff | None = None,
    comments: Sequence[WordComment] = (),
    properties: dict[str, str | int] | None = None,
) -> bytes:
    """Return the .docx file for ``doc`` laid out according to ``options``.

    With ``previous`` (and the ``stamp`` and word ``diff`` to mark it with) the file is a 修订稿: the
    text of ``doc`` with what changed since ``previous`` as Word tracked changes. ``comments`` become
    Word 批注 anchored in ``doc``'s paragraphs (indexes as :func:`plan_flow` numbers them);
    ``properties`` become custom document properties (int values as ``vt:i4``, others as text).
    """
    options = options or ExportOptions()
    document = Document(io.BytesIO(_prepared_package(options.profile, options.fonts)))
    planned = plan_flow(_as_flow(doc), options)
    if previous is not None:
        if stamp is None or diff is None:
            raise ValueError("a tracked export needs the change's author and date and a word diff")
        written = redline(plan_flow(_as_flow(previous), options), planned, stamp=stamp, diff=diff)
    else:
        written = [
            Written(p.style, [Piece(text, style) for text, style in p.runs], new_index=i)
            for i, p in enumerate(planned)
        ]
    if comments:
        written = _place_comments(written, planned, comments)
        _add_comments_part(document, comments)
    _append_paragraphs(document, written)
    if properties:
        _add_custom_properties(document, properties)
    core = document.core_properties
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    core.title = one_line(_title_of(doc))[:255]
    core.created = core.modified = now
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_from_parsed(parsed: ParsedSpeech) -> ExportDocument:
    """Turn the parser's view of a plain-text speech into export data (used by ``export_docx FILE``)."""
    return ExportDocument(
        title=parsed.title,
        subtitle_lines=tuple(parsed.subtitle_lines),
        salutation=parsed.salutation,
        opening=_lines(parsed.opening),
        parts=tuple(
            ExportPart(heading=part.heading, paragraphs=_lines(part.body), run_in=part.run_in)
            for part in parsed.parts
        ),
        closing=_lines(parsed.closing),
    )


def _as_flow(doc: Flow) -> Sequence[ExportParagraph]:
    return doc.flow() if isinstance(doc, ExportDocument) else doc


def _title_of(doc: Flow) -> str:
    if isinstance(doc, ExportDocument):
        return doc.title
    return next((p.text for p in doc if p.kind == "title"), "")


def export_filename(title: str, date: dt.date | None = None) -> str:
    """A download name such as ``在全区人大代表培训班上的讲话_2024-07-20.docx``.

    Chinese is kept (Django's FileResponse encodes it as RFC 6266 ``filename*``); what Windows refuses
    in a file name or what could break the header (quotes, separators, control characters) is dropped.
    """
    stem = _FILENAME_ILLEGAL.sub("", one_line(title))
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    stem = stem[:80].rstrip(" .") or "讲话稿"
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"讲话稿_{stem}"
    if date is not None:
        stem = f"{stem}_{date.isoformat()}"
    return f"{stem}.docx"


# --------------------------------------------------------------------------------------------------
# Body


# A run as planned: its text and its character style id (None = the paragraph's).
Run = tuple[str, str | None]


@dataclass(frozen=True)
class Planned:
    """A paragraph as it will be written: paragraph style id (None = Normal), runs, section key."""

    style: str | None
    runs: list[Run]
    key: Any = None

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass(frozen=True)
class Piece:
    """A stretch of a written paragraph: text in a character style, possibly a tracked change.

    ``change`` is "" (plain), "ins" or "del"; ``comment`` is a 批注 boundary: ("start"|"end", id) with
    no text.
    """

    text: str
    style: str | None = None
    change: str = ""
    comment: tuple[str, int] | None = None


@dataclass
class Written:
    style: str | None
    pieces: list[Piece]
    mark: str = ""  # the paragraph mark itself inserted ("ins") or deleted ("del") in a 修订稿
    new_index: int | None = None  # which planned paragraph of the new text this is, if any
    stamp: ChangeStamp | None = None


def plan_flow(flow: Sequence[ExportParagraph], options: ExportOptions) -> list[Planned]:
    """Which paragraph gets which style and where runs split; the blank line after the title included."""
    bold = options.bold_subpoint_leads
    title_block: list[Planned] = []
    planned: list[Planned] = []

    def body_paragraph(text: str, key: Any) -> None:
        marker = heading_marker(text)
        if marker is None:
            planned.append(Planned(None, _body_runs(text, bold), key))
            return
        level = LEVEL_BY_MARKER_STYLE.get(marker[0], 1)
        head, rest = _split_heading_sentence(text)
        if rest:
            planned.append(Planned(None, [(head, HEADING_CHAR_STYLES[level]), *_body_runs(rest, bold)], key))
        else:
            planned.append(Planned(HEADING_STYLES[level], [(head, None)], key))

    for paragraph in flow:
        kind, key = paragraph.kind, paragraph.key
        if kind == "title":
            title_block += [
                Planned(TITLE_STYLE, [(line, None)], key) for line in _paragraphs([paragraph.body])
            ]
        elif kind == "subtitle":
            if options.include_subtitle:
                title_block += [
                    Planned(SUBTITLE_STYLE, [(line, None)], key) for line in _paragraphs([paragraph.body])
                ]
        elif kind == "salutation":
            planned += [
                Planned(SALUTATION_STYLE, [(line, None)], key) for line in _paragraphs([paragraph.body])
            ]
        elif kind in ("heading", "run_in"):
            heading = " ".join(_paragraphs([paragraph.heading]))
            lines = _paragraphs([paragraph.body])
            level = _heading_level(heading)
            if heading and kind == "run_in" and lines:
                first = lines.pop(0)
                planned.append(
                    Planned(None, [(heading, HEADING_CHAR_STYLES[level]), *_body_runs(first, bold)], key)
                )
            elif heading:
                planned.append(Planned(HEADING_STYLES[level], [(heading, None)], key))
            for text in lines:
                body_paragraph(text, key)
        else:
            for text in _paragraphs([paragraph.body]):
                body_paragraph(text, key)

    if title_block and planned:
        # GB/T 9704 leaves one empty line between the title block and the addressee.
        title_block.append(Planned(BLANK_STYLE, []))
    # Word refuses a body without a paragraph; an empty speech still exports as one empty page.
    return title_block + planned or [Planned(None, [])]


def _body_runs(text: str, bold_leads: bool) -> list[Run]:
    if not bold_leads:
        return [(text, None)]
    runs: list[Run] = []
    position = 0
    for subpoint in find_subpoints(text):
        lead_end = subpoint.start + len(subpoint.lead)
        if subpoint.start < position or text[subpoint.start : lead_end] != subpoint.lead:
            continue  # offsets that do not point at the lead are not worth a wrong bold run
        if subpoint.start > position:
            runs.append((text[position : subpoint.start], None))
        runs.append((subpoint.lead, SUBPOINT_STYLE))
        position = lead_end
    if position < len(text):
        runs.append((text[position:], None))
    return runs


# --------------------------------------------------------------------------------------------------
# 修订稿: tracked changes and comments


def redline(old: list[Planned], new: list[Planned], *, stamp: ChangeStamp, diff: WordDiff) -> list[Written]:
    """The new paragraphs with what changed since the old ones as tracked changes.

    Paragraphs are matched by their text first; a paragraph that was rewritten is paired with the old
    one at the same place and compared word by word, so a reader sees the changed words rather than
    a whole paragraph deleted and inserted again. Paragraphs with no counterpart are inserted or
    deleted whole, their paragraph mark included (what Word records when Enter is pressed or a
    paragraph is removed with change tracking on).
    """
    out: list[Written] = []
    matcher = difflib.SequenceMatcher(None, [p.text for p in old], [p.text for p in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [_plain(new[j], j) for j in range(j1, j2)]
            continue
        deleted: list[Written] = []
        for k in range(max(i2 - i1, j2 - j1)):
            before = old[i1 + k] if i1 + k < i2 else None
            after = new[j1 + k] if j1 + k < j2 else None
            if before is not None and after is not None and _similar(before.text, after.text):
                out += deleted
                deleted = []
                out.append(_compared(before, after, j1 + k, stamp, diff))
                continue
            if before is not None:
                runs = [Piece(t, s, "del") for t, s in before.runs if t]
                deleted.append(Written(before.style, runs, "del", None, stamp))
            if after is not None:
                out += deleted
                deleted = []
                runs = [Piece(t, s, "ins") for t, s in after.runs if t]
                out.append(Written(after.style, runs, "ins", j1 + k, stamp))
        out += deleted
    return out


def _similar(old: str, new: str) -> bool:
    """Worth comparing word by word: a rewritten paragraph, not a different one in its place."""
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() >= 0.4


def _plain(p: Planned, index: int) -> Written:
    return Written(p.style, [Piece(text, style) for text, style in p.runs], new_index=index)


def _compared(old: Planned, new: Planned, index: int, stamp: ChangeStamp, diff: WordDiff) -> Written:
    """``new`` with word-level insertions and deletions against ``old``; styles follow the new runs."""
    pieces: list[Piece] = []
    old_pos = new_pos = 0
    for op, text in diff(old.text, new.text):
        if not text:
            continue
        if op == "delete":
            pieces += _split_by_runs(old.runs, old_pos, text, "del")
            old_pos += len(text)
        elif op == "insert":
            pieces += _split_by_runs(new.runs, new_pos, text, "ins")
            new_pos += len(text)
        else:
            pieces += _split_by_runs(new.runs, new_pos, text, "")
            old_pos += len(text)
            new_pos += len(text)
    return Written(new.style, pieces, new_index=index, stamp=stamp)


def _split_by_runs(runs: list[Run], start: int, text: str, change: str) -> list[Piece]:
    """``text`` (standing at ``start`` of ``runs``' text) cut where the character style changes."""
    pieces: list[Piece] = []
    end = start + len(text)
    position = 0  # where the current run starts in the runs' text
    for run_text, style in runs:
        run_end = position + len(run_text)
        lo, hi = max(start, position), min(end, run_end)
        if lo < hi:
            pieces.append(Piece(text[lo - start : hi - start], style, change))
        position = run_end
    if position < end:  # text past the runs (never expected): keep it in the last run's style
        pieces.append(Piece(text[max(position, start) - start :], runs[-1][1] if runs else None, change))
    return pieces


def _place_comments(
    written: list[Written], planned: list[Planned], comments: Sequence[WordComment]
) -> list[Written]:
    """Insert each comment's range start and end into the paragraph it anchors in (new text offsets)."""
    by_paragraph: dict[int, list[tuple[int, str, int]]] = {}
    for cid, comment in enumerate(comments):
        by_paragraph.setdefault(comment.paragraph, []).append((comment.start, "start", cid))
        by_paragraph.setdefault(comment.paragraph, []).append((comment.end, "end", cid))
    for paragraph in written:
        marks = by_paragraph.get(paragraph.new_index) if paragraph.new_index is not None else None
        if not marks:
            continue
        # Ends before starts at one offset, so touching comments do not nest by accident.
        marks.sort(key=lambda m: (m[0], m[1] == "start"))
        pieces: list[Piece] = []
        position = 0  # offset in the new text: deleted pieces take no room in it
        queue = list(marks)
        for piece in paragraph.pieces:
            if piece.change == "del":
                pieces.append(piece)
                continue
            text = piece.text
            while queue and queue[0][0] < position + len(text):
                offset, kind, cid = queue.pop(0)
                cut = max(0, offset - position)
                if cut:
                    pieces.append(Piece(text[:cut], piece.style, piece.change))
                pieces.append(Piece("", comment=(kind, cid)))
                text, position = text[cut:], position + cut
            pieces.append(Piece(text, piece.style, piece.change))
            position += len(text)
        pieces += [Piece("", comment=(kind, cid)) for _, kind, cid in queue]
        paragraph.pieces = pieces
    return written


def _add_comments_part(document, comments: Sequence[WordComment]) -> None:
    entries = []
    for cid, comment in enumerate(comments):
        paragraphs = "".join(
            f'<w:p><w:r><w:t xml:space="preserve">{escape(xml_safe(text))}</w:t></w:r></w:p>'
            for text in comment.paragraphs or ("",)
        )
        entries.append(
            f'<w:comment w:id="{cid}" w:author={quoteattr(xml_safe(comment.author) or "审阅人")} '
            f'w:date="{_w_date(comment.date)}" w:initials={quoteattr(xml_safe(comment.author)[:2] or "审")}>'
            f"{paragraphs}</w:comment>"
        )
    blob = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W_NS}">'
        + "".join(entries)
        + "</w:comments>"
    )
    part = Part(
        PackURI("/word/comments.xml"), COMMENTS_CONTENT_TYPE, blob.encode("utf-8"), document.part.package
    )
    document.part.relate_to(part, RT.COMMENTS)


def _add_custom_properties(document, properties: dict[str, str | int]) -> None:
    entries = []
    for pid, (name, value) in enumerate(properties.items(), start=2):  # pid 0 and 1 are reserved
        typed = (
            f"<vt:i4>{value}</vt:i4>"
            if isinstance(value, int)
            else f"<vt:lpwstr>{escape(xml_safe(str(value)))}</vt:lpwstr>"
        )
        entries.append(
            f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name={quoteattr(name)}>{typed}</property>'
        )
    blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">' + "".join(entries) + "</Properties>"
    )
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CONTENT_TYPE, blob.encode("utf-8"), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _w_date(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def _append_paragraphs(document, written: list[Written]) -> None:
    """Write the paragraphs as lxml elements.

    python-docx's ``add_run`` walks the text one character at a time and looks each style up by name;
    for a 10,000-character speech that alone took most of the 150 ms budget.
    """
    sect_pr = document.element.body.sectPr
    change_id = 1000  # w:id of tracked changes; comments use their own numbering from 0
    for paragraph in written:
        p = OxmlElement("w:p")
        if paragraph.style or paragraph.mark:
            ppr = etree.SubElement(p, qn("w:pPr"))
            if paragraph.style:
                etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), paragraph.style)
            if paragraph.mark:
                change_id += 1
                mark_rpr = etree.SubElement(ppr, qn("w:rPr"))
                _stamp(etree.SubElement(mark_rpr, qn(f"w:{paragraph.mark}")), change_id, paragraph.stamp)
        wrapper, wrapper_change = None, ""
        for piece in paragraph.pieces:
            if piece.comment is not None:
                kind, cid = piece.comment
                wrapper, wrapper_change = None, ""
                if kind == "start":
                    etree.SubElement(p, qn("w:commentRangeStart")).set(qn("w:id"), str(cid))
                else:
                    etree.SubElement(p, qn("w:commentRangeEnd")).set(qn("w:id"), str(cid))
                    r = etree.SubElement(p, qn("w:r"))
                    etree.SubElement(r, qn("w:commentReference")).set(qn("w:id"), str(cid))
                continue
            if not piece.text:
                continue
            parent = p
            if piece.change:
                if wrapper is None or wrapper_change != piece.change:
                    change_id += 1
                    wrapper = etree.SubElement(p, qn(f"w:{piece.change}"))
                    _stamp(wrapper, change_id, paragraph.stamp)
                    wrapper_change = piece.change
                parent = wrapper
            else:
                wrapper, wrapper_change = None, ""
            _write_run(parent, piece.text, piece.style, deleted=piece.change == "del")
        sect_pr.addprevious(p)


def _stamp(element, change_id: int, stamp: ChangeStamp | None) -> None:
    element.set(qn("w:id"), str(change_id))
    element.set(qn("w:author"), xml_safe(stamp.author) if stamp else "")
    element.set(qn("w:date"), _w_date(stamp.date) if stamp else "")


def _write_run(parent, text: str, char_style: str | None, *, deleted: bool = False) -> None:
    r = etree.SubElement(parent, qn("w:r"))
    if char_style:
        rpr = etree.SubElement(r, qn("w:rPr"))
        etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), char_style)
    tag = qn("w:delText") if deleted else qn("w:t")
    for index, chunk in enumerate(text.split("\t")):
        if index:
            etree.SubElement(r, qn("w:tab"))
        if chunk:
            t = etree.SubElement(r, tag)
            t.text = chunk
            if chunk != chunk.strip():
                t.set(XML_SPACE, "preserve")


def _heading_level(heading: str) -> int:
    marker = heading_marker(heading)
    return LEVEL_BY_MARKER_STYLE.get(marker[0], 1) if marker else 1


def _split_heading_sentence(text: str) -> tuple[str, str]:
    match = HEADING_SENTENCE_END.search(text)
    if match is None:
        return text, ""
    return text[: match.end()], text[match.end() :]


def _paragraphs(texts: Iterable[str]) -> list[str]:
    """Clean paragraphs: a newline inside a string starts a new paragraph, blank ones are dropped."""
    out = []
    for text in texts:
        for line in LINE_BREAKS.split(text or ""):
            line = XML_ILLEGAL.sub("", line).strip(" \t\u3000\u00a0")
            if line:
                out.append(line)
    return out


def _lines(text: str) -> tuple[str, ...]:
    return tuple(_paragraphs([text]))


# --------------------------------------------------------------------------------------------------
# Package-level XML


@functools.lru_cache(maxsize=16)
def _prepared_package(profile: str, fonts: ExportFonts) -> bytes:
    """An empty document with styles, settings, page set-up and footers, made once per profile and fonts.

    Loading this small package is faster than loading python-docx's template and restyling it each time.
    """
    layout = get_layout(profile)
    document = Document()
    _install_styles(document, layout, fonts)
    _install_settings(document)
    _install_font_table(document, fonts)
    _drop_template_leftovers(document)
    _set_up_section(document, layout)
    core = document.core_properties
    core.author = core.last_modified_by = core.comments = core.keywords = core.subject = ""
    core.language = "zh-CN"
    core.revision = 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _install_styles(document, layout: PageLayout, fonts: ExportFonts) -> None:
    new = parse_xml(_styles_xml(layout, fonts))
    styles_element = document.styles.element
    for child in list(styles_element):
        styles_element.remove(child)
    for child in list(new):
        styles_element.append(child)


def _rfonts(name: str) -> str:
    q = quoteattr(name)
    return f'<w:rFonts w:ascii={q} w:hAnsi={q} w:eastAsia={q} w:cs={q} w:hint="eastAsia"/>'


def _size(pt: float) -> str:
    half_points = round(pt * 2)
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _styles_xml(layout: PageLayout, fonts: ExportFonts) -> str:
    pitch = layout.line_pitch_twips
    indent = layout.first_line_indent_twips
    no_indent = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
    # No hanging punctuation: 。，、 never stand past the right margin; instead the line-breaking rules
    # (避头尾) carry one character over and the line is justified. LibreOffice reads this flag inverted,
    # which preview.py compensates for.
    no_hanging = '<w:overflowPunct w:val="0"/>'
    body_spacing = f'<w:spacing w:before="0" w:after="0" w:line="{pitch}" w:lineRule="exact"/>'

    def paragraph_style(style_id, name, ppr, rpr, *, link=None, next_style="Normal", outline=None):
        link_xml = f'<w:link w:val="{link}"/>' if link else ""
        outline_xml = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
        # pPr children must follow the schema order: keepNext … snapToGrid, spacing, ind, jc, outlineLvl.
        return (
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="{next_style}"/>{link_xml}'
            f"<w:qFormat/><w:pPr>{ppr}{outline_xml}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
        )

    def character_style(style_id, name, rpr, *, link=None):
        link_xml = f'<w:link w:val="{link}"/>' if link else ""
        return (
            f'<w:style w:type="character" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="DefaultParagraphFont"/>{link_xml}'
            f"<w:qFormat/><w:rPr>{rpr}</w:rPr></w:style>"
        )

    heading_fonts = {1: fonts.heading, 2: fonts.kai, 3: fonts.body}
    heading_names = {1: "一级标题", 2: "二级标题", 3: "三级标题"}
    headings = "".join(
        paragraph_style(
            HEADING_STYLES[level],
            heading_names[level],
            # keepNext: a heading on its own line never ends a page with its body on the next one.
            "<w:keepNext/>",
            _rfonts(heading_fonts[level]),
            link=HEADING_CHAR_STYLES[level],
            outline=level - 1,
        )
        + character_style(
            HEADING_CHAR_STYLES[level],
            f"{heading_names[level]}字符",
            _rfonts(heading_fonts[level]),
            link=HEADING_STYLES[level],
        )
        for level in (1, 2, 3)
    )
    footer_ppr = (
        # The footer must stay off the line grid and keep a small line, or LibreOffice and Word grow it
        # into the type area and the page loses its 22nd line.
        '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    )
    number_indent = layout.page_number_indent_twips
    return (
        f'<w:styles xmlns:w="{W_NS}">'
        "<w:docDefaults>"
        f'<w:rPrDefault><w:rPr>{_rfonts(fonts.body)}<w:kern w:val="0"/>{_size(layout.body_size_pt)}'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>{no_hanging}{body_spacing}<w:jc w:val="both"/></w:pPr>'
        "</w:pPrDefault>"
        "</w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/>{no_hanging}{body_spacing}'
        f'<w:ind w:firstLineChars="200" w:firstLine="{indent}"/><w:jc w:val="both"/></w:pPr>'
        f'<w:rPr>{_rfonts(fonts.body)}<w:spacing w:val="{layout.char_spacing_twips}"/>'
        f"{_size(layout.body_size_pt)}</w:rPr></w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>"
        + paragraph_style(
            TITLE_STYLE,
            "讲话标题",
            # Off the grid: in grid mode a 22 pt line would otherwise take two grid lines.
            f'<w:keepNext/><w:snapToGrid w:val="0"/>{no_indent}<w:jc w:val="center"/>',
            f'{_rfonts(fonts.title)}<w:spacing w:val="0"/>{_size(layout.title_size_pt)}',
        )
        + paragraph_style(
            SUBTITLE_STYLE,
            "讲话署名日期",
            f'<w:keepNext/>{no_indent}<w:jc w:val="center"/>',
            f'{_rfonts(fonts.kai)}<w:spacing w:val="0"/>',
        )
        + paragraph_style(BLANK_STYLE, "空行", f"<w:keepNext/>{no_indent}", "")
        + paragraph_style(SALUTATION_STYLE, "称呼", f"<w:keepNext/>{no_indent}", "")
        + headings
        + character_style(SUBPOINT_STYLE, "分项要点", f"{_rfonts(fonts.body)}<w:b/><w:bCs/>")
        + '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>'
        f'<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr>{footer_ppr}{no_indent}</w:pPr>'
        f'<w:rPr>{_rfonts(fonts.page_number)}<w:spacing w:val="0"/>{_size(layout.page_number_size_pt)}'
        "</w:rPr></w:style>"
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{PAGE_NUMBER_ODD_STYLE}">'
        '<w:name w:val="页码（单页）"/><w:basedOn w:val="Footer"/><w:pPr>'
        f'<w:ind w:right="{number_indent}" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>'
        "</w:pPr></w:style>"
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{PAGE_NUMBER_EVEN_STYLE}">'
        '<w:name w:val="页码（双页）"/><w:basedOn w:val="Footer"/><w:pPr>'
        f'<w:ind w:left="{number_indent}" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'
        "</w:pPr></w:style>"
        "</w:styles>"
    )


def _install_settings(document) -> None:
    settings = document.settings
    settings.odd_and_even_pages_header_footer = True
    element = settings.element
    for lang in element.findall(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")


def _install_font_table(document, fonts: ExportFonts) -> None:
    """Describe the Chinese fonts (GB2312 charset) so Word substitutes sensibly where one is missing."""
    names = dict.fromkeys([fonts.body, fonts.title, fonts.heading, fonts.kai, fonts.page_number])
    entries = "".join(
        f'<w:font w:name={quoteattr(name)}><w:charset w:val="86"/><w:family w:val="modern"/>'
        '<w:pitch w:val="fixed"/></w:font>'
        for name in names
    )
    blob = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{W_NS}">{entries}</w:fonts>'
    main = document.part
    for rel_id, rel in list(main.rels.items()):
        if rel.reltype == RT.FONT_TABLE:
            del main.rels[rel_id]
    part = Part(
        PackURI("/word/fontTable.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
        blob.encode("utf-8"),
        main.package,
    )
    main.relate_to(part, RT.FONT_TABLE)


def _drop_template_leftovers(document) -> None:
    """Remove parts of python-docx's template that would carry its theme fonts or a stale thumbnail."""
    stale = {STYLES_WITH_EFFECTS_RELTYPE, RT.CUSTOM_XML, RT.THUMBNAIL}
    for rels in (document.part.rels, document.part.package.rels):
        for rel_id, rel in list(rels.items()):
            if rel.reltype in stale:
                del rels[rel_id]


def _set_up_section(document, layout: PageLayout) -> None:
    section = document.sections[0]
    margins = layout.margins_twips
    section.page_width = Twips(layout.page_width_twips)
    section.page_height = Twips(layout.page_height_twips)
    section.top_margin = Twips(margins["top"])
    section.bottom_margin = Twips(margins["bottom"])
    section.left_margin = Twips(margins["left"])
    section.right_margin = Twips(margins["right"])
    section.header_distance = Twips(margins["header"])
    section.footer_distance = Twips(margins["footer"])
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    sect_pr.append(
        parse_xml(f'<w:docGrid xmlns:w="{W_NS}" w:type="lines" w:linePitch="{layout.line_pitch_twips}"/>')
    )

    styles = document.styles
    _page_number(
        section.footer.paragraphs[0], styles.get_by_id(PAGE_NUMBER_ODD_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    )
    _page_number(
        section.even_page_footer.paragraphs[0],
        styles.get_by_id(PAGE_NUMBER_EVEN_STYLE, WD_STYLE_TYPE.PARAGRAPH),
    )


def _page_number(p, style) -> None:
    """``— N —`` with N a PAGE field, so Word and LibreOffice number every page themselves."""
    p.style = style
    p.add_run("— ")
    for xml in (
        f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>',
        f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>',
        f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>',
    ):
        p.add_run()._r.append(parse_xml(xml))
    p.add_run("1")  # shown until the field is updated; both Word and LibreOffice update PAGE on layout
    p.add_run()._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))
    p.add_run(" —")

"""The speech parser: title, salutation, opening, numbered parts with sub-points, closing.

The genre's shared constants and line predicates (numbering markers, salutations, date lines, sentence
ends) live in ``genre.py``, which cleaning reads too; the parser builds the speech's structure from
them (``find_subpoints`` lives here) so that import, templates, export and lint agree on what a
heading is. Matching runs on a simplified
shadow of the text (same length), so traditional-character speeches parse too; everything
returned is sliced from the text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from speechdraft.text.cleaning import simplified_shadow
from speechdraft.text.genre import (
    DATE_LINE,
    NUMERAL,
    NUMERAL_LIST,
    SALUTATION,
    SENTENCE_END,
    VOCATIVES,
    heading_marker,
    heading_match,
)
from speechdraft.text.numerals import from_chinese_numeral
from speechdraft.text.placeholders import Placeholder, find_placeholders

# A closing addresses the audience again: "同志们，" / "各位代表、同志们，" / "同志们！".
_CLOSING = re.compile(rf"{VOCATIVES}\s*[，,！!]")
_CLOSING_WORDS = re.compile(r"(?:让我们|最后，|总之，|衷心希望|希望(?:各位|大家|全体))")
# "在全区人大代表培训班上的讲话" glued to the salutation when a file has lost its line breaks.
_RUN_IN_TITLE = re.compile(rf"在[^，。；！？：\n]{{2,60}}?的(?:讲话|发言|致辞)(?=\s*{VOCATIVES}\s*[：:])")
_MAX_SUBTITLES = 4
_LINE_END_PUNCT = "，。；：！？,.;:!?、"

_TOP_STYLES = ("yi", "di", "paren")

# Sub-point markers: 一是 / 二要 / 第三，. The 是 and 要 forms are one family because speeches mix
# them (seed 004: "一是…二是…三是…四要…").
_SUBPOINT = re.compile(rf"(?P<num>{NUMERAL})(?P<verb>是|要)|第(?P<dnum>{NUMERAL})[，、：]")
_SUBPOINT_BOUNDARY = "。！？；：!?;:\n"
_LEAD_END = "。；！？!?;"


@dataclass(frozen=True)
class SubPoint:
    lead: str
    marker: str
    start: int
    end: int
    number: int = 0


@dataclass(frozen=True)
class Part:
    number: int
    marker: str
    style: str
    heading: str
    body: str
    run_in: bool
    subpoints: tuple[SubPoint, ...]
    start: int
    heading_end: int
    end: int


@dataclass(frozen=True)
class Segment:
    role: str
    heading: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedSpeech:
    text: str
    title: str
    subtitle_lines: tuple[str, ...]
    salutation: str
    opening: str
    parts: tuple[Part, ...]
    closing: str
    placeholders: tuple[Placeholder, ...]
    # Where each non-part segment lies in ``text``; (start, end) or None when absent. The title
    # span includes the subtitle lines so that segments cover every non-blank character.
    title_span: tuple[int, int] | None = None
    salutation_span: tuple[int, int] | None = None
    opening_span: tuple[int, int] | None = None
    closing_span: tuple[int, int] | None = None

    def segments(self) -> list[Segment]:
        found = []
        for role, span in (
            ("title", self.title_span),
            ("salutation", self.salutation_span),
            ("opening", self.opening_span),
            ("closing", self.closing_span),
        ):
            if span is not None:
                found.append(
                    Segment(
                        role=role, heading="", text=self.text[span[0] : span[1]], start=span[0], end=span[1]
                    )
                )
        for part in self.parts:
            found.append(
                Segment(
                    role="part",
                    heading=part.heading,
                    text=self.text[part.start : part.end],
                    start=part.start,
                    end=part.end,
                )
            )
        return sorted(found, key=lambda segment: segment.start)


# --- helpers shared with presentation and lint -------------------------------------------------


def _marker_number(match: re.Match[str]) -> int:
    num = match.group("num")
    return int(num) if num.isdigit() else from_chinese_numeral(num)


def find_subpoints(text: str) -> list[SubPoint]:
    """In-line sub-points (一是…二是…, 一要…二要…, 第一，…第二，…) anywhere in ``text``."""
    return _find_subpoints(text, simplified_shadow(text), 0, len(text))


def _find_subpoints(text: str, shadow: str, start: int, end: int) -> list[SubPoint]:
    candidates = []
    for match in _SUBPOINT.finditer(shadow, start, end):
        before = _char_before(shadow, start, match.start())
        if before and before not in _SUBPOINT_BOUNDARY:
            continue
        family = "di" if match.group("dnum") else "shi"
        number = from_chinese_numeral(match.group("dnum") or match.group("num"))
        candidates.append((match, family, number))

    # Markers form a chain 1, 2, 3 … of one family. Gaps of one and repeats stay in the chain so
    # that lint can report them; a lone "一是" (as in "一是一，二是二") is not a sub-point.
    chains: list[list[tuple[re.Match[str], str, int]]] = []
    for candidate in candidates:
        _, family, number = candidate
        if number == 1:
            chains.append([candidate])
        elif chains and chains[-1][-1][1] == family and 0 <= number - chains[-1][-1][2] <= 2:
            chains[-1].append(candidate)
    subpoints = []
    for chain in chains:
        if len(chain) < 2:
            continue
        for index, (match, _, number) in enumerate(chain):
            sub_start = match.start()
            paragraph_end = text.find("\n", sub_start, end)
            paragraph_end = end if paragraph_end == -1 else paragraph_end
            sub_end = chain[index + 1][0].start() if index + 1 < len(chain) else paragraph_end
            sub_end = _rstrip_to(text, sub_start, sub_end)
            lead_end = _first_of(shadow, _LEAD_END, match.end(), min(sub_end, paragraph_end))
            subpoints.append(
                SubPoint(
                    lead=text[sub_start:lead_end],
                    marker=text[match.start() : match.end()],
                    start=sub_start,
                    end=sub_end,
                    number=number,
                )
            )
    subpoints.sort(key=lambda sub: sub.start)
    return subpoints


def _char_before(text: str, start: int, pos: int) -> str:
    """The last non-space character of text[start:pos] ("" if none); a newline counts as one."""
    while pos > start:
        pos -= 1
        if text[pos] == "\n" or not text[pos].isspace():
            return text[pos]
    return ""


def _rstrip_to(text: str, start: int, pos: int) -> int:
    """``pos`` moved left over trailing whitespace, not past ``start``."""
    while pos > start and text[pos - 1].isspace():
        pos -= 1
    return pos


def _first_of(text: str, chars: str, start: int, end: int) -> int:
    """Index just after the first of ``chars`` in text[start:end], or ``end``."""
    for i in range(start, end):
        if text[i] in chars:
            return i + 1
    return end


# --- parse_speech ------------------------------------------------------------------------------


_LINE = re.compile(r"[^\n\r\u2028\u2029]+")


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line with its surrounding whitespace left out."""
    spans = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _is_title_candidate(line: str) -> bool:
    return (
        len(line) <= 60
        and line[-1] not in _LINE_END_PUNCT
        and not SALUTATION.fullmatch(line)
        and heading_marker(line) is None
        and not SENTENCE_END.search(line)
    )


def _is_subtitle(line: str) -> bool:
    """A line under the title: a date, the speaker, "——在…上的讲话" under a slogan title, "（摘要）"."""
    if DATE_LINE.fullmatch(line):
        return True
    return (
        len(line) <= 40
        and not re.search(r"[，。；！？,;!?]", line)
        and line[-1] not in "：:"
        and heading_marker(line) is None
        and not SALUTATION.fullmatch(line)
    )


def parse_speech(text: str) -> ParsedSpeech:
    """Split a speech into title, subtitle lines, salutation, opening, parts and closing.

    ``text`` is used as given (normally the output of cleaning); all offsets refer to it.
    """
    shadow = simplified_shadow(text)
    spans = _paragraph_spans(text)

    def line(span: tuple[int, int]) -> str:
        return shadow[span[0] : span[1]]

    index = 0
    title_span = salutation_span = None
    title = ""
    subtitles: list[tuple[int, int]] = []

    if spans:
        start, end = spans[0]
        glued = _RUN_IN_TITLE.match(shadow, start, end)
        if glued:
            spans[0:1] = [(start, glued.end()), (_skip_space(text, glued.end(), end), end)]
    if len(spans) > 1 and _is_title_candidate(line(spans[0])):
        title_span = spans[0]
        title = text[title_span[0] : title_span[1]]
        index = 1
        while index < len(spans) - 1 and len(subtitles) < _MAX_SUBTITLES and _is_subtitle(line(spans[index])):
            subtitles.append(spans[index])
            index += 1
        if subtitles:
            title_span = (title_span[0], subtitles[-1][1])

    if index < len(spans):
        start, end = spans[index]
        match = SALUTATION.match(shadow, start, end)
        if match:
            rest = _skip_space(text, match.end(), end)
            salutation_span = (start, match.end())
            if rest < end:
                spans[index : index + 1] = [salutation_span, (rest, end)]
            index += 1

    body = spans[index:]
    part_starts = _paragraph_part_starts(shadow, body)
    if not part_starts:
        body, part_starts = _inline_part_starts(shadow, body)

    closing_at = _closing_index(shadow, body, part_starts)
    if closing_at is None and body:
        # The whole closing may sit at the end of the last paragraph (a file without line breaks).
        body, closing_at = _inline_closing(shadow, body, part_starts)

    main_end = closing_at if closing_at is not None else len(body)
    first_part = part_starts[0][0] if part_starts else main_end
    opening_spans = body[:first_part]

    parts = []
    for number, (at, style, match) in enumerate(part_starts):
        next_at = part_starts[number + 1][0] if number + 1 < len(part_starts) else main_end
        parts.append(_make_part(text, shadow, body[at:next_at], style, match))

    closing_spans = body[main_end:]
    return ParsedSpeech(
        text=text,
        title=title,
        subtitle_lines=tuple(text[s:e] for s, e in subtitles),
        salutation=text[salutation_span[0] : salutation_span[1]] if salutation_span else "",
        opening="\n".join(text[s:e] for s, e in opening_spans),
        parts=tuple(parts),
        closing="\n".join(text[s:e] for s, e in closing_spans),
        placeholders=tuple(find_placeholders(text)),
        title_span=title_span,
        salutation_span=salutation_span,
        opening_span=(opening_spans[0][0], opening_spans[-1][1]) if opening_spans else None,
        closing_span=(closing_spans[0][0], closing_spans[-1][1]) if closing_spans else None,
    )


_PartStart = tuple[int, str, re.Match[str]]


def _paragraph_part_starts(shadow: str, body: list[tuple[int, int]]) -> list[_PartStart]:
    """Paragraphs starting with the top-level marker style, which is the first style to appear.

    A speech with no Chinese part markers may number its parts "1. 2. 3." (typed, or Word list items
    whose numbering the .docx reader writes out): those are parts when at least two count up from 1.
    """
    starts = _part_starts_in_styles(shadow, body, _TOP_STYLES)
    if not starts:
        arabic = _part_starts_in_styles(shadow, body, ("arabic",))
        numbers = [_marker_number(match) for _, _, match in arabic]
        if len(arabic) >= 2 and numbers == list(range(1, len(arabic) + 1)):
            starts = arabic
    return starts


def _part_starts_in_styles(
    shadow: str, body: list[tuple[int, int]], styles: tuple[str, ...]
) -> list[_PartStart]:
    starts: list[_PartStart] = []
    top_style = None
    for at, (start, _) in enumerate(body):
        found = heading_match(shadow, start)
        if found is None or found[0] not in styles:
            continue
        style, match = found
        if top_style is None:
            top_style = style
        if style == top_style:
            starts.append((at, style, match))
    return starts


_INLINE_YI = re.compile(rf"(?P<num>{NUMERAL})、")


def _inline_part_starts(
    shadow: str, body: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[_PartStart]]:
    """Parts numbered 一、二、三、 inside paragraphs (a file that lost its line breaks).

    Only a sequence starting at 一 and rising by one, each marker at a sentence start, counts;
    that rules out "一、二线城市" and enumerations inside a sentence.
    """
    markers: list[tuple[int, re.Match[str]]] = []
    expected = 1
    for at, (start, end) in enumerate(body):
        for match in _INLINE_YI.finditer(shadow, start, end):
            before = _char_before(shadow, start, match.start())
            if before and before not in "。！？!?":
                continue
            if NUMERAL_LIST.match(shadow, match.end()):
                continue
            if from_chinese_numeral(match.group("num")) != expected:
                continue
            markers.append((at, match))
            expected += 1
    if len(markers) < 2:
        return body, []
    new_body: list[tuple[int, int]] = []
    starts: list[_PartStart] = []
    cuts_by_paragraph: dict[int, list[re.Match[str]]] = {}
    for at, match in markers:
        cuts_by_paragraph.setdefault(at, []).append(match)
    for at, (start, end) in enumerate(body):
        cuts = cuts_by_paragraph.get(at, [])
        pieces = [start] + [match.start() for match in cuts if match.start() > start] + [end]
        first_is_cut = bool(cuts) and cuts[0].start() == start
        for i in range(len(pieces) - 1):
            piece_end = _rstrip_to(shadow, pieces[i], pieces[i + 1])
            piece = (pieces[i], piece_end)
            if piece[0] >= piece[1]:
                continue
            is_cut = i > 0 or first_is_cut
            if is_cut:
                match = next(m for m in cuts if m.start() == pieces[i])
                starts.append((len(new_body), "yi", match))
            new_body.append(piece)
    return new_body, starts


def _closing_index(shadow: str, body: list[tuple[int, int]], part_starts: list[_PartStart]) -> int | None:
    """Index in ``body`` of the first closing paragraph, or None.

    The closing may begin only after the last part has some body: the paragraph after a run-in
    heading, the second paragraph after an own-line heading.
    """
    if not part_starts:
        # A speech without parts is all opening: nothing marks where its main text would end.
        return None
    last_at, _, match = part_starts[-1]
    first_candidate = last_at + (2 if _heading_end(shadow, match, body[last_at][1]) is None else 1)
    for at in range(first_candidate, len(body)):
        if _CLOSING.match(shadow, body[at][0], body[at][1]):
            return at
    last = len(body) - 1
    if last >= first_candidate and _CLOSING_WORDS.match(shadow, body[last][0], body[last][1]):
        return last
    return None


def _heading_end(shadow: str, match: re.Match[str], paragraph_end: int) -> int | None:
    """End of a run-in heading sentence (after its 。！？), or None for an own-line heading."""
    sentence_end = SENTENCE_END.search(shadow, match.end(), paragraph_end)
    if sentence_end is None or _rstrip_to(shadow, match.end(), paragraph_end) <= sentence_end.end():
        return None
    return sentence_end.end()


_INLINE_CLOSING = re.compile(rf"(?<=[。！？!?])\s*(?={VOCATIVES}\s*[，,！!])")


def _inline_closing(
    shadow: str, body: list[tuple[int, int]], part_starts: list[_PartStart]
) -> tuple[list[tuple[int, int]], int | None]:
    """Split a closing off the end of the last paragraph: "…。同志们，…！" at the end of the speech."""
    start, end = body[-1]
    if not part_starts or shadow[end - 1] not in "！!":
        return body, None
    if part_starts[-1][0] == len(body) - 1:
        start = part_starts[-1][2].end()
    matches = list(_INLINE_CLOSING.finditer(shadow, start, end))
    if not matches:
        return body, None
    cut = matches[-1].end()
    before_end = _rstrip_to(shadow, body[-1][0], cut)
    return body[:-1] + [(body[-1][0], before_end), (cut, end)], len(body)


def _make_part(
    text: str, shadow: str, spans: list[tuple[int, int]], style: str, match: re.Match[str]
) -> Part:
    start, first_end = spans[0]
    run_in_end = _heading_end(shadow, match, first_end)
    run_in = run_in_end is not None
    heading_end = run_in_end if run_in_end is not None else first_end
    body_pieces = []
    body_start = _skip_space(text, heading_end, first_end)
    if body_start < first_end:
        body_pieces.append((body_start, first_end))
    body_pieces.extend(spans[1:])
    end = spans[-1][1]
    region_start = body_pieces[0][0] if body_pieces else end
    return Part(
        number=_marker_number(match),
        marker=text[match.start() : match.end()],
        style=style,
        heading=text[start:heading_end],
        body="\n".join(text[s:e] for s, e in body_pieces),
        run_in=run_in,
        subpoints=tuple(_find_subpoints(text, shadow, region_start, end)),
        start=start,
        heading_end=heading_end,
        end=end,
    )

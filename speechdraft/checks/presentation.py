"""Turning a stored 查重 result into what the report pages show: marked-up text and side-by-side pairs."""

from dataclasses import dataclass

from speechdraft.text.excerpts import around
from speechdraft.text.printing import section_at

CONTEXT_CHARS = 40


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str  # "plain" | "copied" | "quoted" | "common"
    match: int | None  # index into result["matches"]


def _quote_ranges(match: dict) -> list[tuple[int, int]]:
    """The 引用 inside a match; reports stored before matches listed them were quoted whole or not at all."""
    if "quotes" in match:
        return [(a, b) for a, b in match["quotes"]]
    return [(match["start"], match["end"])] if match.get("quoted") else []


def marked_paragraphs(text: str, matches: list[dict]) -> list[list[Piece]]:
    """全文标明: the checked text cut into paragraphs and into plain and matched pieces.

    Inside a copied passage its 引用 are pieces of their own ("quoted"), so a quotation within a red
    passage shows green; a 常见表述 match is "common" throughout.
    """
    kinds: list[tuple[str, int | None]] = [("plain", None)] * len(text)
    for i, m in enumerate(matches):
        lo, hi = max(0, m["start"]), min(len(text), m["end"])
        if m["common"]:
            kinds[lo:hi] = [("common", i)] * (hi - lo)
            continue
        kinds[lo:hi] = [("copied", i)] * (hi - lo)
        for a, b in _quote_ranges(m):
            a, b = max(lo, a), min(hi, b)
            kinds[a:b] = [("quoted", i)] * max(0, b - a)
    paragraphs: list[list[Piece]] = [[]]
    start = 0
    for pos in range(1, len(text) + 1):
        if pos == len(text) or text[pos] == "\n" or kinds[pos] != kinds[start] or text[start] == "\n":
            chunk = text[start:pos]
            if chunk == "\n":
                paragraphs.append([])
            elif chunk:
                kind, match = kinds[start]
                paragraphs[-1].append(Piece(chunk, kind, match))
            start = pos
    return [p for p in paragraphs if p]


@dataclass(frozen=True)
class Pair:
    number: int
    match: dict
    draft_before: str
    draft_text: str
    draft_after: str
    source_before: str
    source_text: str
    source_after: str


def side_by_side(text: str, matches: list[dict], sources: dict[int, str]) -> list[Pair]:
    """全文对照: each counted passage beside the passage of the source it was attributed to."""
    pairs = []
    for m in matches:
        if m["common"]:
            continue
        source = sources.get(m["source_id"], "")
        s0, s1 = m["source_start"], m["source_end"]
        draft_before, draft_after = around(text, m["start"], m["end"], CONTEXT_CHARS)
        source_before, source_after = around(source, s0, s1, CONTEXT_CHARS)
        pairs.append(
            Pair(
                number=len(pairs) + 1,
                match=m,
                draft_before=draft_before,
                draft_text=text[m["start"] : m["end"]],
                draft_after=draft_after,
                source_before=source_before,
                source_text=source[s0:s1],
                source_after=source_after,
            )
        )
    return pairs


def section_for(offset: int, sections: list[dict]) -> int | None:
    """The speech section holding a position of the checked text (for links back to the editor); the
    report stores its sections as dicts, the rule is the print model's ``section_at``."""
    return section_at([(s["id"], s["start"], s["end"]) for s in sections], offset)


@dataclass(frozen=True)
class SectionMarks:
    id: int
    paragraphs: list[list[Piece]]
    stale: bool  # the section's text has changed since the report: the marks may be off


def section_marks(report_text: str, result: dict, current: dict[int, str]) -> list[SectionMarks]:
    """The last report's marks cut per section, for the editor's preview pane.

    ``current`` maps section ids to their printed text now; a section whose text differs from the
    checked text is marked ``stale`` (shown greyed) and a section deleted since is left out.
    """
    marks = []
    for s in result.get("sections", []):
        start, end = s["start"], s["end"]
        if s["id"] not in current or end <= start:
            continue
        local = [
            {**m, "start": m["start"] - start, "end": m["end"] - start}
            for m in result["matches"]
            if m["end"] > start and m["start"] < end
        ]
        if not local:
            continue
        text = report_text[start:end]
        marks.append(SectionMarks(s["id"], marked_paragraphs(text, local), current[s["id"]] != text))
    return marks

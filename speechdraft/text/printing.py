"""How a speech reads on paper: the one place that turns a speech's fields and sections into text.

``Speech.as_text()``, the live preview, revisions and their diffs, word counts and the 占位符 panel all
read from :func:`print_speech`, so the part numbering, the run-in rule and placeholder filling exist
once. Sections store their heading without a marker; the marker comes from the section's position
among the parts, which is why a reorder renumbers by itself.

Nothing here touches the database: callers hand in plain values, tests need no fixtures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from speechdraft.text.counting import count_chars
from speechdraft.text.genre import SENTENCE_END, SENTENCE_END_CHARS, heading_marker
from speechdraft.text.numerals import to_chinese_numeral
from speechdraft.text.placeholders import (
    bind_placeholders,
    printed_value,
)
from speechdraft.text.placeholders import (
    # Re-exported: the new-speech and editor forms store values the way printing reads them.
    normalise_value as normalise_value,
)

PART = "part"


@dataclass(frozen=True)
class Run:
    text: str
    mark: str = ""  # "" | "placeholder" (still to fill, highlighted) | "filled" (a value from the panel)


@dataclass(frozen=True)
class Paragraph:
    """One printed paragraph. ``heading`` holds marker + heading sentence for parts, else nothing."""

    kind: str  # "title" | "subtitle" | "salutation" | "body" | "heading" (own line) | "run_in"
    heading: tuple[Run, ...]
    body: tuple[Run, ...]
    section: Any = None  # key of the section printed here; None for the title and subtitle lines

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.heading) + "".join(run.text for run in self.body)


@dataclass(frozen=True)
class SectionData:
    """What printing needs of a section; ``key`` is echoed back (a database id or a client key)."""

    key: Any
    role: str
    heading: str = ""
    body: str = ""


@dataclass(frozen=True)
class PrintedSection:
    key: Any
    marker: str  # "一、" / "第二、" for parts, "" otherwise
    start: int  # offsets of the section's paragraphs in PrintedSpeech.text
    end: int
    chars: int  # characters without whitespace, what 字数 means in the office


@dataclass(frozen=True)
class PlaceholderUse:
    key: str
    count: int
    example: str  # the first occurrence with a few characters either side, for the panel
    kind: str = ""  # what the key stands for (人名, 区/县/市名 …), from the first occurrence's binding
    sure: bool = True  # False when the binding rule guessed and the user should confirm


@dataclass(frozen=True)
class PrintedSpeech:
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[PrintedSection, ...]
    text: str
    # Placeholders of the text as written (filled or not), grouped by the name they are filled under,
    # in text order: what the 占位符 panel lists. Found in the same pass that fills them.
    placeholders: tuple[PlaceholderUse, ...] = ()

    @property
    def chars(self) -> int:
        """Characters spoken: the sections, not the title and date lines."""
        return sum(section.chars for section in self.sections)

    def spans(self) -> list[tuple[Any, int, int]]:
        return [(section.key, section.start, section.end) for section in self.sections]


def section_at(spans: Iterable[tuple[Any, int, int]], offset: int) -> Any | None:
    """The key of the section holding ``offset`` of the printed text, given ``(key, start, end)`` spans
    (``PrintedSpeech.spans()``); an empty section holds its own start. None for the title and date
    lines. 查重, 规范检查 and export link a position back to its section with this one rule."""
    return next((key for key, start, end in spans if start <= offset < max(end, start + 1)), None)


def part_marker(number: int, numbering: str) -> str:
    numeral = to_chinese_numeral(number)
    return f"第{numeral}、" if numbering == "di" else f"{numeral}、"


def part_markers(count: int, numbering: str) -> list[str]:
    """The first ``count`` markers, handed to the browser so that a drag renumbers at once."""
    return [part_marker(n, numbering) for n in range(1, count + 1)]


def speaking_time(chars: int, per_minute: int) -> str:
    """Reading time at ``per_minute`` characters a minute: "约40秒", "约3分20秒", "约50分钟"."""
    seconds = round(chars * 60 / max(per_minute, 1))
    if seconds < 60:
        return f"约{seconds}秒"
    # Beyond a minute nobody times a speech to the second.
    minutes, rest = divmod(round(seconds / 10) * 10, 60)
    return f"约{minutes}分{rest}秒" if rest else f"约{minutes}分钟"


def format_date_line(value: Date | None) -> str:
    return f"（{value.year}年{value.month}月{value.day}日）" if value else ""


def split_paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def fill_placeholders(
    text: str, values: Mapping[str, str] | None, uses: dict | None = None
) -> tuple[Run, ...]:
    """``text`` as runs with placeholders filled from ``values``; counts each one into ``uses``.

    Each occurrence is filled under the key it is bound to (see ``text.placeholders``), so 人名 fills
    ``**同志`` and never the ``**`` of ``推动**人大工作``.
    """
    runs: list[Run] = []
    pos = 0
    for binding in bind_placeholders(text):
        if binding.start > pos:
            runs.append(Run(text[pos : binding.start]))
        key = binding.key
        if uses is not None:
            if key not in uses:
                uses[key] = [0, text[max(0, binding.start - 8) : binding.end + 8], binding]
            uses[key][0] += 1
        value = values.get(key) if values else None
        if value:
            runs.append(Run(printed_value(text, binding, value), "filled"))
        else:
            runs.append(Run(binding.text, "placeholder"))
        pos = binding.end
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return tuple(runs)


def _run_in_heading(heading: str) -> str:
    # A run-in heading is one sentence; without its full stop the body would read as part of it.
    return heading if not heading or heading[-1] in SENTENCE_END_CHARS else heading + "。"


def _single_line(text: str) -> str:
    return " ".join(split_paragraphs(text))


def print_speech(
    *,
    title: str,
    sections: Iterable[SectionData],
    speaker: str = "",
    date: Date | None = None,
    numbering: str = "yi",
    run_in: bool = True,
    values: Mapping[str, str] | None = None,
) -> PrintedSpeech:
    """Lay the speech out as it prints; see :func:`split_marked_heading` for the inverse of a part."""
    paragraphs: list[Paragraph] = []
    printed: list[PrintedSection] = []
    uses: dict[str, list] = {}
    offset = 0

    def fill(text: str) -> tuple[Run, ...]:
        return fill_placeholders(text, values, uses)

    def add(paragraph: Paragraph) -> None:
        nonlocal offset
        if paragraphs:
            offset += 1  # the "\n" between paragraphs
        paragraphs.append(paragraph)
        offset += len(paragraph.text)

    if title.strip():
        add(Paragraph("title", (), fill(_single_line(title))))
    for line in (speaker.strip(), format_date_line(date)):
        if line:
            add(Paragraph("subtitle", (), fill(line)))

    number = 0
    for section in sections:
        first_paragraph = len(paragraphs)
        start = offset + (1 if paragraphs else 0)
        body = split_paragraphs(section.body)
        marker = ""
        if section.role == PART:
            number += 1
            marker = part_marker(number, numbering)
            heading = _single_line(section.heading)
            if run_in:
                heading = _run_in_heading(heading)
                lead = (Run(marker), *fill(heading))
                add(Paragraph("run_in", lead, fill(body[0]) if body else (), section.key))
                body = body[1:]
            else:
                add(Paragraph("heading", (Run(marker), *fill(heading)), (), section.key))
        kind = "salutation" if section.role == "salutation" else "body"
        for text in body:
            add(Paragraph(kind, (), fill(text), section.key))
        if len(paragraphs) == first_paragraph:
            # An empty section prints nothing; its span is empty where it would stand.
            start = offset
        section_text = "\n".join(p.text for p in paragraphs[first_paragraph:])
        printed.append(
            PrintedSection(
                key=section.key,
                marker=marker,
                start=start,
                end=offset if section_text else start,
                chars=count_chars(section_text),
            )
        )
    return PrintedSpeech(
        paragraphs=tuple(paragraphs),
        sections=tuple(printed),
        text="\n".join(p.text for p in paragraphs),
        placeholders=tuple(
            PlaceholderUse(key, count, example, first.kind, first.sure)
            for key, (count, example, first) in uses.items()
        ),
    )


def split_marked_heading(text: str) -> tuple[str, str]:
    """(heading without marker, body) of a part's text that starts with a marker, else ("", text).

    Run-in (seed 004: ``一、提高认识，增强…责任感。宪法规定…``): the heading is the first sentence.
    Own line (seed 000): the heading is the whole first paragraph.
    """
    text = (text or "").strip()
    first, _, rest = text.partition("\n")
    found = heading_marker(first)
    if found is None:
        return "", text
    after = first.lstrip()[len(found[1]) :].strip()
    end = SENTENCE_END.search(after)
    if end is not None and end.end() < len(after):
        heading, lead = after[: end.end()], after[end.end() :].strip()
        body = "\n".join(p for p in (lead, rest.strip()) if p)
    else:
        heading, body = after, rest.strip()
    if not heading or len(heading) > 300:
        # Not a heading after all (a numbered list item running on for paragraphs): keep it as text.
        return "", text
    return heading, body


def placeholder_uses(printed: PrintedSpeech) -> list[PlaceholderUse]:
    """Placeholders of a speech grouped by the name they are filled under, in text order."""
    return list(printed.placeholders)


@dataclass(frozen=True)
class Occurrence:
    """One placeholder where the writer sees it: in a section's heading or body, at field offsets."""

    section: Any  # the section's key
    field: str  # "heading" | "body"
    start: int
    end: int
    text: str
    key: str
    kind: str
    rule: str
    sure: bool
    context: str


def placeholder_occurrences(sections: Iterable[SectionData]) -> list[Occurrence]:
    """Every placeholder of the sections, bound the way printing binds it (paragraph by paragraph)."""
    found = []
    for section in sections:
        for field in ("heading", "body"):
            value = getattr(section, field) or ""
            offset = 0
            for line in value.split("\n"):
                for b in bind_placeholders(line.strip()):
                    start = offset + (len(line) - len(line.lstrip())) + b.start
                    found.append(
                        Occurrence(
                            section.key,
                            field,
                            start,
                            start + len(b.text),
                            b.text,
                            b.key,
                            b.kind,
                            b.rule,
                            b.sure,
                            b.context,
                        )
                    )
                offset += len(line) + 1
    return found

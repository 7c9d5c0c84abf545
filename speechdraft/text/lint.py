"""规范检查: rules a secretary checks by eye before a speech goes to the leader.

Every finding names its rule, a severity, a Chinese message, the span it concerns (Python str offsets
into the checked text) and, where one exists, a suggested replacement. Rules that depend on the
office (outdated formulations) come in as plain data, so the engine stays free of Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import regex

from .numerals import to_chinese_numeral
from .parser import ParsedSpeech, parse_speech
from .placeholders import find_placeholders

ERROR, WARNING, INFO = "error", "warning", "info"

_CJK = r"[\u3400-\u9fff]"
# Half-width marks between or right after Chinese characters; the value is the full-width mark.
_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF_WIDTH_RE = re.compile(rf"(?<={_CJK})[,;:?!()]|[,;:?!()](?={_CJK})")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_NOT_WORD = re.compile(r"[\s，。；：！？、“”‘’（）《》,.;:!?()\"']+")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    start: int
    end: int
    suggestion: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FormulationRule:
    """An outdated or wrong formulation the office wants flagged (edited by 管理员)."""

    pattern: str  # a plain phrase, or a regular expression when ``regex`` is set
    message: str
    suggestion: str = ""
    severity: str = WARNING
    regex: bool = False


def lint_text(
    text: str,
    *,
    formulations: Iterable[FormulationRule] = (),
    chars_per_minute: int = 200,
    max_minutes: float | None = None,
) -> list[Finding]:
    """All findings for a speech's plain text, in text order (the length summary last)."""
    parsed = parse_speech(text)
    findings = [
        *_placeholders(text),
        *_part_numbering(parsed),
        *_subpoint_numbering(parsed),
        *_half_width(text),
        *_duplicate_sentences(text),
        *_formulations(text, formulations),
    ]
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    findings.append(_length(text, chars_per_minute, max_minutes))
    return findings


def _placeholders(text: str) -> list[Finding]:
    return [
        Finding("placeholder", ERROR, f"占位符“{p.text}”尚未填写，请替换为实际内容。", p.start, p.end)
        for p in find_placeholders(text)
    ]


def _sequence_findings(rule: str, items: list[tuple[int, int, int, str]], label: str) -> list[Finding]:
    """Gaps and repeats in 一、二、三 style numbering; items are (number, start, end, marker)."""
    findings = []
    expected = 1
    for number, start, end, marker in items:
        if number == expected - 1 and number > 0:
            findings.append(
                Finding(
                    rule,
                    ERROR,
                    f"{label}编号“{marker}”与上一项重复。",
                    start,
                    end,
                    _renumbered(marker, number, expected),
                )
            )
        elif number != expected:
            findings.append(
                Finding(
                    rule,
                    ERROR,
                    f"{label}编号“{marker}”不连续，这里应为第{to_chinese_numeral(expected)}项。",
                    start,
                    end,
                    _renumbered(marker, number, expected),
                )
            )
        expected = max(expected, number) + 1 if number >= expected else expected + 1
    return findings


def _renumbered(marker: str, number: int, expected: int) -> str:
    old, new = to_chinese_numeral(number), to_chinese_numeral(expected)
    return marker.replace(old, new, 1) if old in marker else ""


def _part_numbering(parsed: ParsedSpeech) -> list[Finding]:
    items = [(p.number, p.start, p.start + len(p.marker), p.marker) for p in parsed.parts]
    return _sequence_findings("part_numbering", items, "部分")


def _subpoint_numbering(parsed: ParsedSpeech) -> list[Finding]:
    findings = []
    for part in parsed.parts:
        items = [(s.number, s.start, s.start + len(s.marker), s.marker) for s in part.subpoints if s.number]
        findings.extend(_sequence_findings("subpoint_numbering", items, "分项"))
    return findings


def _half_width(text: str) -> list[Finding]:
    return [
        Finding(
            "half_width_punctuation",
            WARNING,
            f"中文句子中使用了半角标点“{m.group()}”，应使用全角“{_HALF_WIDTH[m.group()]}”。",
            m.start(),
            m.end(),
            _HALF_WIDTH[m.group()],
        )
        for m in _HALF_WIDTH_RE.finditer(text)
    ]


def _duplicate_sentences(text: str) -> list[Finding]:
    seen: dict[str, int] = {}
    findings = []
    for m in _SENTENCE.finditer(text):
        key = _NOT_WORD.sub("", m.group())
        if len(key) < 10:
            continue  # short sentences (口号, 各位代表) repeat on purpose
        if key in seen:
            findings.append(
                Finding(
                    "duplicate_sentence",
                    WARNING,
                    f"这句话与前文第 {seen[key]} 字处的句子重复，请确认是否需要保留。",
                    m.start(),
                    m.end(),
                )
            )
        else:
            seen[key] = m.start()
    return findings


# A 管理员's regular expression runs on every check of every speech; one with catastrophic
# backtracking ("(代|代)+$") must cost at most this, not minutes. The regex package enforces it.
FORMULATION_TIMEOUT_SECONDS = 0.5


def _formulations(text: str, rules: Iterable[FormulationRule]) -> list[Finding]:
    findings = []
    for rule in rules:
        try:
            pattern = regex.compile(rule.pattern if rule.regex else regex.escape(rule.pattern))
        except regex.error:
            continue  # a broken office rule must not break the check; the admin form validates it
        try:
            matches = [m.span() for m in pattern.finditer(text, timeout=FORMULATION_TIMEOUT_SECONDS)]
        except TimeoutError:
            continue  # the admin form refuses such patterns; one saved earlier is skipped, not waited on
        for start, end in matches:
            findings.append(Finding("formulation", rule.severity, rule.message, start, end, rule.suggestion))
    return findings


def _length(text: str, chars_per_minute: int, max_minutes: float | None) -> Finding:
    chars = len(_NOT_WORD.sub("", text))
    minutes = chars / max(1, chars_per_minute)
    message = f"全文约 {chars} 字，按每分钟 {chars_per_minute} 字计，讲话约需 {minutes:.0f} 分钟。"
    if max_minutes is not None and minutes > max_minutes:
        return Finding(
            "length", WARNING, message + f"超过预定的 {max_minutes:.0f} 分钟，建议压缩。", 0, len(text)
        )
    return Finding("length", INFO, message, 0, len(text))

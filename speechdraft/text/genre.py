"""What lines of a speech look like in this genre: the one copy of the shared constants and predicates.

Cleaning, parsing, export and lint all need to know a salutation, a title line, a date line, a
numbering marker and where a sentence ends. They are defined here, below every module that uses them,
so those modules never import each other for it. Patterns expect simplified characters (see
``cleaning.simplified_shadow``). Pure Python, like all of ``speechdraft.text``.
"""

from __future__ import annotations

import re

# What ends a line in text from any source: CRLF, LF, CR, and the Unicode line and paragraph separators,
# vertical tab, form feed and NEL that pasted or converted text carries. Cleaning splits lines with it;
# the .docx writers turn it into spaces where one line is required.
LINE_BREAKS = re.compile("\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")

# Chinese numerals of a heading or sub-point number: 一 … 九十九.
NUMERAL = "[一二三四五六七八九十]{1,3}"

# Characters that end a sentence (full width and ASCII).
SENTENCE_END_CHARS = "。！？!?"
SENTENCE_END = re.compile(f"[{SENTENCE_END_CHARS}]")

# Whom a speech addresses. A bare noun ("代表") is a vocative only after 各位/全体 or as a later item
# of the list ("各位副主任、秘书长，各位委员"), so that a sentence starting "代表，…" is not one.
AUDIENCE = (
    r"(?:老|新)?(?:代表|委员|领导|同志|来宾|嘉宾|同事|朋友|主任|副主任|秘书长|副秘书长|老同志|同学|干部)"
)
PLURAL_AUDIENCE = r"(?:老)?同志们|代表们|委员们|朋友们|女士们|先生们|同学们"
_VOCATIVE = rf"(?:尊敬的)?(?:(?:各位|全体){AUDIENCE}|{PLURAL_AUDIENCE})"
_NEXT_VOCATIVE = rf"(?:尊敬的)?(?:(?:各位|全体)?{AUDIENCE}|{PLURAL_AUDIENCE})"
VOCATIVES = rf"{_VOCATIVE}(?:\s*[、，,和及]\s*{_NEXT_VOCATIVE})*"
SALUTATION = re.compile(rf"{VOCATIVES}\s*[：:]")
TITLE_WORDS = re.compile(r"讲话|发言|致辞|讲稿|党课|报告")

# A date line under a title: "2023年5月12日", "（二〇二三年五月）", spaces allowed.
DATE_LINE = re.compile(
    r"[（(]?[\d〇○零一二三四五六七八九十]{2,4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?[）)]?"
)

# Numbering prefixes of headings, in the order they are tried.
HEADING_MARKERS = (
    ("yi", re.compile(rf"(?P<num>{NUMERAL})、")),
    ("di", re.compile(rf"第(?P<num>{NUMERAL})[、，,：:]")),
    ("paren", re.compile(rf"[（(](?P<num>{NUMERAL})[）)]")),
    ("arabic", re.compile(r"(?P<num>\d{1,2})[.．、](?!\d)")),
    ("arabic_paren", re.compile(r"[（(](?P<num>\d{1,2})[）)]")),
)
# "一、二线城市", "一、二、三产业": a list of ordinals, not a heading.
NUMERAL_LIST = re.compile(rf"{NUMERAL}(?:、{NUMERAL})*(?:、|线|级|类|产|等|批|期|流|档|星|季度|年级)")


def heading_match(line: str, pos: int = 0) -> tuple[str, re.Match[str]] | None:
    """(style, match) of the numbering prefix at ``pos``, or None."""
    for style, pattern in HEADING_MARKERS:
        match = pattern.match(line, pos)
        if match is None:
            continue
        if style == "yi" and NUMERAL_LIST.match(line, match.end()):
            return None
        return style, match
    return None


def heading_marker(line: str) -> tuple[str, str] | None:
    """("yi"|"di"|"paren"|"arabic"|"arabic_paren", marker) when ``line`` starts with a numbering
    prefix (一、 第一、 第一， （一） 1. （1）), else None. Leading whitespace is ignored."""
    found = heading_match(line.lstrip())
    return (found[0], found[1].group()) if found else None


def is_salutation(line: str) -> bool:
    """True for a salutation line such as "各位代表、同志们："."""
    return SALUTATION.fullmatch(line.strip()) is not None


def is_title_line(line: str) -> bool:
    """True for an obvious title such as "在全区人大代表培训班上的讲话"."""
    line = line.strip()
    return (
        0 < len(line) <= 60
        and TITLE_WORDS.search(line) is not None
        and not re.search(r"[，。；：！？,;:!?]", line)
        and heading_marker(line) is None
    )


def is_date_line(line: str) -> bool:
    return DATE_LINE.fullmatch(line.strip()) is not None

"""Normalised text for similarity matching, with an offset map back to the original.

Matching ignores everything a copier changes for free: punctuation, whitespace, full-width versus
half-width forms, Latin letter case and traditional versus simplified characters. What is kept are
the *countable* characters: Unicode letters and digits (categories ``L*`` and ``N*``), i.e. hanzi,
Latin letters and digits. The same definition is the CNKI-style character count of the report, so
``len(normalise(text).text)`` is the number of characters a report calls 总字数.

``NormalisedText.offsets[i]`` is the Python ``str`` offset in the original text of the character that
became ``text[i]``; each kept original character yields exactly one normalised character.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np

from .cleaning import simplify_char
from .genre import SENTENCE_END, SENTENCE_END_CHARS

# Blocks whose characters may have a traditional form that OpenCC simplifies.
_HANZI_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
_BMP = 0x10000

_tables_lock = threading.Lock()
_tables: tuple[np.ndarray, np.ndarray] | None = None


def _map_char(ch: str) -> str:
    """The normalised form of one countable character (one character out)."""
    # NFKC folds full-width Latin/digits and CJK compatibility ideographs to their plain forms; any
    # other NFKC expansion (ligatures, "①" → "1") is ignored so that one char always maps to one.
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and unicodedata.category(folded)[0] in "LN":
        ch = folded
    lowered = ch.lower()
    if len(lowered) == 1:
        ch = lowered
    if any(lo <= ord(ch) < hi for lo, hi in _HANZI_BLOCKS):
        ch = simplify_char(ch)
    return ch


def _build_tables() -> tuple[np.ndarray, np.ndarray]:
    keep = np.zeros(_BMP, dtype=bool)
    mapping = np.arange(_BMP, dtype=np.uint32)
    for cp in range(_BMP):
        ch = chr(cp)
        if unicodedata.category(ch)[0] not in "LN":
            continue
        keep[cp] = True
        mapped = _map_char(ch)
        if mapped != ch:
            mapping[cp] = ord(mapped)
    return keep, mapping


def _translation_tables() -> tuple[np.ndarray, np.ndarray]:
    """(keep, mapping) lookup arrays over the BMP, built once per process (≈ 0.4 s)."""
    global _tables
    if _tables is None:
        with _tables_lock:
            if _tables is None:
                _tables = _build_tables()
    return _tables


def warm_up() -> None:
    """Build the translation tables now (e.g. before a server forks its workers)."""
    _translation_tables()


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as uint32; index i is the Python str offset i."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def normalised_codes(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, offsets): normalised code points (uint32) and their offsets (int64) in ``text``.

    The hot path for indexing: no Python loop per character and no string is built.
    """
    cps = code_points(text)
    keep_table, map_table = _translation_tables()
    bmp = cps < _BMP
    safe = np.where(bmp, cps, 0)
    keep = keep_table[safe] & bmp
    if not bmp.all():
        # Characters beyond the BMP (rare hanzi, emoji) are looked up one by one.
        for pos in np.flatnonzero(~bmp):
            keep[pos] = unicodedata.category(chr(int(cps[pos])))[0] in "LN"
    offsets = np.flatnonzero(keep)
    kept = cps[offsets]
    codes = np.where(kept < _BMP, map_table[np.where(kept < _BMP, kept, 0)], kept).astype(np.uint32)
    return codes, offsets.astype(np.int64)


@dataclass(frozen=True, eq=False)
class NormalisedText:
    """Normalised text plus the map back to the original; ``text[i]`` came from ``original[offsets[i]]``."""

    original: str
    text: str
    codes: np.ndarray  # uint32 code points of ``text``
    offsets: np.ndarray  # int64, strictly increasing, len == len(text)

    def __len__(self) -> int:
        return len(self.text)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covering normalised [start, end); from first to last kept char."""
        if end <= start:
            pos = int(self.offsets[start]) if start < len(self.offsets) else len(self.original)
            return pos, pos
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    def normalised_span(self, start: int, end: int) -> tuple[int, int]:
        """The normalised [start, end) of the countable characters inside original [start, end)."""
        lo = int(np.searchsorted(self.offsets, start, side="left"))
        hi = int(np.searchsorted(self.offsets, end, side="left"))
        return lo, max(lo, hi)


def normalise(text: str) -> NormalisedText:
    codes, offsets = normalised_codes(text)
    normalised = codes.tobytes().decode("utf-32-le", "surrogatepass")
    return NormalisedText(original=text, text=normalised, codes=codes, offsets=offsets)


def normalise_char(ch: str) -> str:
    """The normalised form of one character, "" when it is not countable (punctuation, space)."""
    codes, _ = normalised_codes(ch)
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def countable_chars(text: str) -> int:
    """The CNKI-style character count: letters and digits, no punctuation and no whitespace."""
    return len(normalised_codes(text)[1])


# Quotations never span paragraphs; an unmatched mark (common in pasted text) quotes nothing.
_QUOTATION = re.compile(
    r"“[^“”\n]*”"
    r"|‘[^‘’\n]*’"
    r"|「[^「」\n]*」"
    r"|『[^『』\n]*』"
    r"|《[^《》\n]*》"
    r"|〈[^〈〉\n]*〉"
    r'|"[^"\n]*"'
    r"|＂[^＂\n]*＂"
)


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Spans [start, end) of quoted text, marks included: “…”, ‘…’, 「…」, 『…』, 《…》, "…".

    Nested quotations (“…‘…’…”) are covered by the outer span; spans are sorted and disjoint.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        found = _QUOTATION.search(text, pos)
        if found is None:
            return spans
        spans.append(found.span())
        pos = found.end()


# 引用 (DESIGN §5.3): a quotation used as one. Introduced by a speech or citing verb and a colon…
_CITING_VERB = re.compile(
    r"(?:说|讲|道|指出|强调|重申|要求|提出|规定|写道|写到|写着|明确|表示|认为|告诫|指示|批示|号召|论述|阐述|"
    r"宣布|宣告|载明|提到|谈到|讲到|说过|讲过|说的|讲的|所说|所讲|所言|所指出的|曾经说|曾说|有言)"
    r"\s*[：:]\s*$"
)
_CITING_CONTEXT = 12  # characters before the opening mark searched for the verb and colon
# …or a quoted sentence or clause of some length, or a whole sentence: a shorter quotation without a
# sentence end is a scare quote or a name (“传声筒”, “四个全面”, “乡村振兴，代表在行动”) and belongs to
# the text around it.
QUOTATION_MIN_CHARS = 15


def citation_spans(text: str) -> list[tuple[int, int]]:
    """Spans [start, end) of the quotations that are 引用, marks included (see ``quotation_spans``):
    introduced by a citing verb and a colon (``指出：“…”``), long enough to be a quoted sentence or
    clause (``QUOTATION_MIN_CHARS`` countable characters, or a sentence end inside), or a 《…》 citation.
    """
    found = []
    for start, end in quotation_spans(text):
        inner = text[start + 1 : end - 1]
        if (
            text[start] in "《〈"
            or _CITING_VERB.search(text, max(0, start - _CITING_CONTEXT), start)
            or countable_chars(inner) >= QUOTATION_MIN_CHARS
            or SENTENCE_END.search(inner.rstrip(SENTENCE_END_CHARS)) is not None
            or (inner.endswith(("。", "！", "？")) and countable_chars(inner) >= 8)
        ):
            found.append((start, end))
    return found

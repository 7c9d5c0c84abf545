"""Word-level differences between two versions of a speech, with bounded cost.

Chinese has no spaces, so a character diff shreds words and a line diff hides the change in a whole
paragraph; jieba words read the way an editor marks up a draft. ``difflib`` is quadratic in the
worst case, and one 200,000-character paragraph compared word by word took 41 s. So the work is
narrowed in steps, each cheap, before any word is compared:

1. paragraphs: unchanged paragraphs are matched whole;
2. within a changed stretch, the common prefix and suffix are dropped;
3. what is left is split at sentence ends and matched sentence by sentence;
4. only a changed group of sentences is segmented into words, and only while it is small enough
   (``WORD_DIFF_LIMIT`` characters a side) and while the whole comparison has segmented fewer than
   ``WORD_DIFF_BUDGET`` characters; past either cap a group is shown as replaced whole.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .tokenizer import cut

# Characters a side above which a changed stretch is not segmented into words: word matching is the
# quadratic step, and a rewrite that long reads better as "this replaced that" anyway.
WORD_DIFF_LIMIT = 4000
# Characters segmented into words per comparison, both sides together: a revision that rewrote half of
# a 200,000-character speech still compares in well under a second; the rest reads sentence by sentence.
WORD_DIFF_BUDGET = 40_000
# For diffing, a clause ends at ；; too (finer than genre.SENTENCE_END_CHARS, on purpose: a changed
# clause of a long enumerating sentence is compared alone) and at line ends; the mark stays with it.
_ENDS = "。！？!?；;\n"
_CLOSERS = "”’」』）)"
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")


@dataclass(frozen=True)
class DiffPiece:
    op: str  # "equal" | "insert" | "delete"
    text: str


def sentences(text: str) -> list[str]:
    """``text`` cut after each sentence end; ``"".join(sentences(t)) == t``."""
    return [m.group() for m in _SENTENCE.finditer(text) if m.group()]


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    # Binary search on slices: C-speed comparisons instead of a Python loop over 200k characters.
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    n = min(len(a), len(b), limit)
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _opcodes(a: list[str], b: list[str]):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


class _Budget:
    def __init__(self) -> None:
        self.left = WORD_DIFF_BUDGET


def _words(old: str, new: str, out: list[tuple[str, str]], budget: _Budget) -> None:
    if len(old) > WORD_DIFF_LIMIT or len(new) > WORD_DIFF_LIMIT or budget.left < len(old) + len(new):
        out.append(("delete", old))
        out.append(("insert", new))
        return
    budget.left -= len(old) + len(new)
    a, b = cut(old), cut(new)
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            out.append(("equal", "".join(a[i1:i2])))
        else:
            out.append(("delete", "".join(a[i1:i2])))
            out.append(("insert", "".join(b[j1:j2])))


def _changed_stretch(old: str, new: str, out: list[tuple[str, str]], budget: _Budget) -> None:
    start = _common_prefix(old, new)
    end = _common_suffix(old, new, min(len(old), len(new)) - start)
    # Word boundaries matter more than a few shared characters: back off to a sentence start so a
    # changed word is not split at the prefix's edge.
    cut_at = max(old.rfind(mark, 0, start) for mark in _ENDS) + 1 if start else 0
    # Likewise the shared tail starts at a sentence start, after the end marks that close the change.
    tail = old[len(old) - end :] if end else ""
    first = next((i for i, ch in enumerate(tail) if ch in _ENDS), len(tail))
    while first < len(tail) and tail[first] in _ENDS + _CLOSERS:
        first += 1
    end = len(tail) - first
    tail = tail[first:]
    head, mid_old, mid_new = old[:cut_at], old[cut_at : len(old) - end], new[cut_at : len(new) - end]
    if head:
        out.append(("equal", head))
    a, b = sentences(mid_old), sentences(mid_new)
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            out.append(("equal", "".join(a[i1:i2])))
        else:
            _words("".join(a[i1:i2]), "".join(b[j1:j2]), out, budget)
    if tail:
        out.append(("equal", tail))


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """Word-level differences from ``old`` to ``new``: pieces whose equal+delete texts spell ``old``
    and whose equal+insert texts spell ``new``.

    A rewritten sentence still shares a stray 的 or 和 with the old one; such one- or two-character
    islands between changes are folded into the change so that it reads as one replacement.
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    raw: list[tuple[str, str]] = []
    budget = _Budget()
    for tag, i1, i2, j1, j2 in _opcodes(old_lines, new_lines):
        if tag == "equal":
            raw.append(("equal", "".join(old_lines[i1:i2])))
        else:
            _changed_stretch("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2]), raw, budget)
    return _fold(raw)


def _fold(raw: list[tuple[str, str]]) -> list[DiffPiece]:
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

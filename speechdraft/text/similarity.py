"""查重: how much of a draft is copied or closely paraphrased from indexed corpus documents, and where.

Pipeline (DESIGN §5.3):

1. **Candidates**: the draft's winnowed fingerprints are looked up in the ``FingerprintIndex``; the
   ``candidate_limit`` documents sharing the most fingerprints (each weighted 1 / document
   frequency; fingerprints in very many documents skipped), half of them chosen as the best document
   of each 300-character stretch of the draft, are aligned; and every stretch brings its few best
   documents, and the one sharing clearly more distinct fingerprints with it than any other (a copy
   with its clauses reordered keeps only stock-looking fingerprints, each of low weight, but many of
   them), aligned around that stretch. **Second look**: a found passage that no
   candidate explains well (no compact alignment exact over 90 % of it) is scored again on its own
   fingerprints, and its best documents (``per_passage`` in all) are aligned around it: where many
   documents share stock sentences, the source of a short reordered passage rarely ranks first overall.
2. **Alignment** of draft × candidate, PAN text-alignment style (seed, extend, filter):
   exact seeds are maximal common runs of ≥ ``seed_chars`` normalised characters; seeds close in the
   draft *and* in the source are joined into passages; a passage is kept only if it contains an exact
   **anchor** run of ≥ ``anchor_chars`` characters and spans ≥ ``min_span_chars``. Then **jieba clause
   seeds** — clause pairs near a kept passage whose content words overlap (weighted Dice ≥
   ``clause_similarity``) — extend and merge the anchored passages over edited words, synonym swaps
   and reordered clauses. Clause seeds never create a passage on their own: texts of this genre share
   so much stock wording that unanchored similarity over-fires (precision ≈ 0.3 in the prototype).
3. **Post-processing**: each draft character is attributed to the strongest passage covering it (most
   exactly matched characters, then the most compact alignment); other sources covering a match are
   listed in ``also_in``. A passage of
   at most ``common_max_chars`` found in ≥ ``common_doc_threshold`` documents, or found in a
   boilerplate document, is 常见表述 (``common``) and by default not counted. A match is one aligned
   passage, never cut at quotation marks: the 引用 inside it (quotations used as such, see
   ``normalise.citation_spans``; scare quotes and quoted names are ordinary text) are listed in its
   ``quotes``, and ``quoted`` is true only when the whole match is one.

Counting (CNKI style): every figure counts *countable* characters — letters and digits, i.e. no
punctuation and no whitespace (see ``normalise``). All ratios are fractions in 0..1, not percentages.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import normalise as normalise_module
from . import tokenizer
from .fingerprints import REGION_CHARS, FingerprintIndex, Lookup, fingerprints, kgram_hashes
from .fingerprints import K as FP_K
from .normalise import NormalisedText, citation_spans, code_points, normalise


@dataclass(frozen=True)
class CheckSettings:
    """Knobs of a check; all lengths are in normalised (countable) characters."""

    min_span_chars: int = 13  # CNKI convention: shorter overlaps are not reported
    count_quotes: bool = True  # quoted text counts in copy_ratio (never in copy_ratio_excluding_quotes)
    count_common: bool = False  # 常见表述 counts as copied
    common_doc_threshold: int = 5  # a short passage found in at least this many documents is 常见表述
    common_max_chars: int = 40  # longer passages are never 常见表述: copying them is copying
    boilerplate_ids: frozenset[int] = frozenset()  # sources whose wording is common by definition
    stock_formulas: bool = True  # short passages mostly inside a standard formulation are 常见表述 too
    candidate_limit: int = 30  # documents with the most shared fingerprints overall aligned per check
    whole_draft_chars: int = 20_000  # up to this length those are aligned against the whole draft
    per_stretch: int = 3  # and every stretch of the draft brings its best few documents …
    stretch_min_score: float = 3.0  # … scoring at least this there (rarity-weighted fingerprints)
    stretch_breadth: int = 5  # … or sharing this many fingerprints there, more than any other document
    per_passage: int = 16  # and passages no candidate explains well their best on their own spans
    anchor_chars: int = 12  # every reported passage contains an exact run this long
    seed_chars: int = 5  # shortest exact seed
    gap_chars: int = 14  # largest gap between seeds joined into one passage (draft and source side)
    clause_similarity: float = 0.6  # weighted Dice of content words for a jieba clause seed
    max_df: int | None = None  # retrieval skips fingerprints in more documents (None: index default)


@dataclass(frozen=True)
class Match:
    """A draft span copied from a source. Offsets are Python str offsets: ``start``/``end`` into the
    draft as given, ``source_start``/``source_end`` into the source text returned by ``source_text``."""

    start: int
    end: int
    source_id: int
    source_title: str
    source_start: int
    source_end: int
    quoted: bool  # the whole span is 引用 (a quotation used as one, see normalise.citation_spans)
    common: bool  # 常见表述 (or from a boilerplate source)
    also_in: tuple[int, ...]  # other sources holding most of this span, strongest first
    chars: int  # countable characters of the span
    quotes: tuple[tuple[int, int], ...] = ()  # draft [start, end) ranges inside the span that are 引用

    def to_dict(self) -> dict:
        # Plain Python types by construction: numpy scalars leak out of the engine otherwise, and
        # json.dumps (the command, the report's JSONField) refuses them.
        return {
            "start": int(self.start),
            "end": int(self.end),
            "source_id": int(self.source_id),
            "source_title": str(self.source_title),
            "source_start": int(self.source_start),
            "source_end": int(self.source_end),
            "quoted": bool(self.quoted),
            "common": bool(self.common),
            "also_in": [int(i) for i in self.also_in],
            "chars": int(self.chars),
            "quotes": [[int(a), int(b)] for a, b in self.quotes],
        }


@dataclass(frozen=True)
class ParagraphFigure:
    index: int  # 1-based, counting paragraphs with at least one countable character
    start: int  # draft offsets of the paragraph (a line of the draft)
    end: int
    chars: int
    copied_chars: int
    copy_ratio: float  # copied_chars / chars, 0..1

    def to_dict(self) -> dict:
        return {
            "index": int(self.index),
            "start": int(self.start),
            "end": int(self.end),
            "copy_ratio": float(self.copy_ratio),
            "chars": int(self.chars),
            "copied_chars": int(self.copied_chars),
        }


@dataclass(frozen=True)
class SourceFigure:
    source_id: int
    title: str
    copied_chars: int  # counted characters attributed to this source
    ratio: float  # copied_chars / total_chars of the draft, 0..1 (单篇文字复制比)

    def to_dict(self) -> dict:
        return {
            "source_id": int(self.source_id),
            "title": str(self.title),
            "copied_chars": int(self.copied_chars),
            "ratio": float(self.ratio),
        }


@dataclass(frozen=True)
class SimilarityReport:
    """The CNKI-style report. ``to_dict()`` is the JSON of DESIGN §7 (plus a few extra keys)."""

    total_chars: int  # 总字数: countable characters of the draft
    copied_chars: int  # 重复字数: counted copied characters (per count_quotes / count_common)
    copy_ratio: float  # 总文字复制比 = copied_chars / total_chars, 0..1
    copied_chars_excluding_quotes: int
    copy_ratio_excluding_quotes: float  # 去除引用复制比, 0..1
    max_single_source: SourceFigure | None  # 单篇最大文字复制比; None when nothing is counted
    matches: tuple[Match, ...]  # in draft order
    paragraphs: tuple[ParagraphFigure, ...]
    sources: tuple[SourceFigure, ...]  # most copied first
    elapsed_ms: float
    settings: CheckSettings = field(default_factory=CheckSettings)

    @property
    def suspect_paragraphs(self) -> int:
        """疑似段落数: paragraphs with any counted copied character."""
        return sum(1 for p in self.paragraphs if p.copied_chars > 0)

    def to_dict(self) -> dict:
        single = self.max_single_source
        return {
            "total_chars": int(self.total_chars),
            "copied_chars": int(self.copied_chars),
            "copy_ratio": float(self.copy_ratio),
            "copy_ratio_excluding_quotes": float(self.copy_ratio_excluding_quotes),
            "max_single_source": None
            if single is None
            else {
                "source_id": int(single.source_id),
                "title": str(single.title),
                "ratio": float(single.ratio),
            },
            "matches": [m.to_dict() for m in self.matches],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "sources": [s.to_dict() for s in self.sources],
            "elapsed_ms": float(self.elapsed_ms),
        }


# ---------------------------------------------------------------------------------------------------
# Seeds and passages (all positions are normalised offsets)

_EXACT, _CLAUSE = 0, 1
_MAX_GRAM_REPEATS = 64  # a 5-gram repeated more often in the draft is noise (e.g. "哈哈哈哈哈…")
_NO_RUNS = (np.empty(0, dtype=np.int64),) * 3
_REACH = 240  # short seeds further than this from every anchor (in the draft) are not considered
_GAP_SKEW = 5  # short seeds join when the gaps before them differ by at most this on the two sides
_NEIGHBOURHOOD = 80  # clause seeds are looked for this far around a passage; passages merge within it
_CLAUSE_COVERED = 0.8  # a clause this much covered by exact seeds needs no clause seed
_CACHED_SOURCE_CHARS = 6_000  # prepared sources up to this length are kept across checks (≤ 0.45 MB each)
_WELL_EXPLAINED = 0.9  # share of a passage exactly aligned beyond which no other source is looked for
_CLAUSE_MIN = 4  # shorter clauses carry too few words to compare
_BIGRAM_PREFILTER = 0.25  # character-bigram Dice below which a clause pair is not worth tokenising
_CLAUSE_BREAKS = np.zeros(0x10000, dtype=bool)  # per BMP code point: ends a clause (a lookup, not isin)
_CLAUSE_BREAKS[[ord(c) for c in "，。；！？：,.;!?:\n\r"]] = True


@dataclass
class _Seed:
    d0: int
    d1: int
    s0: int
    s1: int
    kind: int

    @property
    def length(self) -> int:
        return self.d1 - self.d0


@dataclass(eq=False)
class _Passage:
    source_id: int
    source: NormalisedText
    seeds: list[_Seed]
    d0: int = 0
    d1: int = 0
    s0: int = 0
    s1: int = 0
    exact_chars: int = 0  # draft characters covered by exact seeds: the passage's strength
    common: bool = False
    stock: bool = False  # known to be held by many documents (see _stock_anchors)
    strength: tuple[int, ...] | None = None  # _strength, memoised once the passage is complete

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.strength = None
        if len(self.seeds) == 1:  # most passages: one stock anchor
            s = self.seeds[0]
            self.d0, self.d1, self.s0, self.s1 = s.d0, s.d1, s.s0, s.s1
            self.exact_chars = s.length if s.kind == _EXACT else 0
            return
        # Seeds that mostly repeat draft characters already aligned elsewhere (a stock phrase that also
        # occurs at another place of the source) would stretch the source span: drop them.
        lo = min(s.d0 for s in self.seeds)
        covered = np.zeros(max(s.d1 for s in self.seeds) - lo, dtype=bool)
        kept = []
        for s in sorted(self.seeds, key=lambda s: (s.kind, -s.length, s.d0)):
            segment = covered[s.d0 - lo : s.d1 - lo]
            fresh = s.length - int(segment.sum())
            if fresh > 0 and (s.kind == _CLAUSE or 2 * fresh >= s.length):
                kept.append(s)
                if s.kind == _EXACT:
                    segment[:] = True
        self.seeds = kept
        self.exact_chars = int(covered.sum())
        self.d0 = min(s.d0 for s in kept)
        self.d1 = max(s.d1 for s in kept)
        self.s0 = min(s.s0 for s in kept)
        self.s1 = max(s.s1 for s in kept)

    def exact_mask(self) -> np.ndarray:
        """Which draft characters of [d0, d1) exact seeds cover."""
        mask = np.zeros(self.d1 - self.d0, dtype=bool)
        for s in self.seeds:
            if s.kind == _EXACT:
                mask[s.d0 - self.d0 : s.d1 - self.d0] = True
        return mask

    def source_span(self, x0: int, x1: int) -> tuple[int, int]:
        """Source interval aligned with draft [x0, x1), from the seeds overlapping it."""
        lo, hi = None, None
        for s in self.seeds:
            a, b = max(x0, s.d0), min(x1, s.d1)
            if a >= b:
                continue
            if s.kind == _EXACT:
                ms0, ms1 = s.s0 + (a - s.d0), s.s0 + (b - s.d0)
            else:
                scale = (s.s1 - s.s0) / max(1, s.d1 - s.d0)
                ms0 = s.s0 + round((a - s.d0) * scale)
                ms1 = max(ms0 + 1, s.s0 + round((b - s.d0) * scale))
            lo = ms0 if lo is None else min(lo, ms0)
            hi = ms1 if hi is None else max(hi, ms1)
        if lo is None or hi is None:
            return self.s0, self.s1
        return lo, hi


class _Clauses:
    """The clauses of one normalised text, with their character bigrams and jieba bags on demand."""

    def __init__(self, norm: NormalisedText) -> None:
        self.text = norm.text
        self.spans = _clause_spans(norm)
        # Python lists: ``between`` is called per clause, where bisect beats a numpy call tenfold.
        self.starts = [a for a, _ in self.spans]
        self.ends = [b for _, b in self.spans]
        self._bigrams: dict[int, frozenset[str]] = {}

    def between(self, lo: int, hi: int) -> range:
        """Indices of the clauses overlapping [lo, hi)."""
        first = bisect.bisect_right(self.ends, lo)
        last = bisect.bisect_left(self.starts, hi)
        return range(first, max(first, last))

    def bigrams(self, i: int) -> frozenset[str]:
        grams = self._bigrams.get(i)
        if grams is None:
            a, b = self.spans[i]
            grams = self._bigrams[i] = _char_bigrams(self.text[a:b])
        return grams

    def bag(self, i: int) -> dict[str, float]:
        a, b = self.spans[i]
        return _bag(self.text[a:b])


@dataclass(frozen=True)
class _GramTable:
    """The seed grams of a stretch of the draft as distinct sorted keys, each with the range of its
    positions in ``order`` (draft offsets)."""

    order: np.ndarray
    keys: np.ndarray
    first: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, grams: np.ndarray, offset: int) -> _GramTable:
        order = np.argsort(grams, kind="stable")
        keys, first, counts = np.unique(grams[order], return_index=True, return_counts=True)
        return cls(order + offset, keys, first, counts)


class _Draft:
    """Everything about the draft computed once per check."""

    def __init__(self, text: str, seed_chars: int) -> None:
        self.norm: NormalisedText = normalise(text)
        self.seed_chars = seed_chars
        self.grams = kgram_hashes(self.norm.codes, seed_chars, mix=False)
        self._tables: dict[tuple[int, int], _GramTable] = {}
        self.clauses = _Clauses(self.norm)
        # Filled by check(): the draft's fingerprints with their document frequencies, and per draft
        # character the number of candidates with an exact anchor over it.
        self.fp_positions = np.empty(0, dtype=np.int64)
        self.fp_df = np.empty(0, dtype=np.int64)
        self.lookup: Lookup | None = None
        self.holders = np.zeros(len(self.norm), dtype=np.int32)
        self.many_prefix = np.zeros(len(self.norm) + 1, dtype=np.int64)  # prefix sums of holders >= N

    def table(self, start: int = 0, end: int | None = None) -> _GramTable:
        """Seed grams lying wholly inside draft [start, end) (the whole draft by default), memoised:
        the windows of a long draft's candidates recur, and searching a window's few grams is much
        cheaper than searching the whole draft's and discarding what falls outside."""
        end = len(self.norm) if end is None else end
        table = self._tables.get((start, end))
        if table is None:
            stop = max(start, end - self.seed_chars + 1)
            table = self._tables[(start, end)] = _GramTable.of(self.grams[start:stop], start)
        return table


def _clause_spans(norm: NormalisedText) -> list[tuple[int, int]]:
    """Clauses (split on clause punctuation in the original) as normalised [start, end) spans."""
    if not norm.original:
        return []
    cps = code_points(norm.original)
    breaks = np.zeros(len(cps) + 2, dtype=bool)
    breaks[0] = breaks[-1] = True
    breaks[1:-1] = _CLAUSE_BREAKS[np.minimum(cps, len(_CLAUSE_BREAKS) - 1)]
    edges = np.diff(breaks.astype(np.int8))
    starts = np.flatnonzero(edges == -1)  # first character of a clause
    ends = np.flatnonzero(edges == 1)  # one past its last character
    a = np.searchsorted(norm.offsets, starts)
    b = np.searchsorted(norm.offsets, ends)
    keep = b > a
    return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


@functools.lru_cache(maxsize=8192)
def _char_bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a clause (cached: the stock clauses of the genre recur in many documents)."""
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@functools.lru_cache(maxsize=65536)
def _bag(text: str) -> dict[str, float]:
    """Content words of a clause with their weights (cached: corpus clauses recur across checks)."""
    return {w: tokenizer.word_weight(w) for w in tokenizer.content_words(text)}


def _clause_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """Weighted Dice of two bags; 0 unless they share at least two content words."""
    shared = [w for w in a if w in b]
    if len(shared) < 2:
        return 0.0
    total = sum(a.values()) + sum(b.values())
    return 2 * sum(a[w] for w in shared) / total if total > 0 else 0.0


class _Source:
    """A candidate document prepared for alignment: its normalised text, its seed grams sorted (with
    their positions) and, when first needed, its clauses. Kept across checks (see ``_source``)."""

    def __init__(self, text: str, seed_chars: int) -> None:
        self.norm = normalise(text)
        grams = kgram_hashes(self.norm.codes, seed_chars, mix=False)
        # Sorted queries make the binary searches cache-friendly (≈ 3× faster than random order).
        self.by_gram = np.argsort(grams)
        self.keys = grams[self.by_gram]
        self._clauses: _Clauses | None = None

    @property
    def clauses(self) -> _Clauses:
        if self._clauses is None:
            self._clauses = _Clauses(self.norm)
        return self._clauses


def _source(text: str, seed_chars: int) -> _Source:
    """The prepared document, cached when it is of a speech's length: the documents sharing a speech's
    stock wording are candidates of every check of it, and a speech is checked again and again while
    it is written. Long documents are not kept, so the cache stays under 30 MB a worker."""
    if len(text) > _CACHED_SOURCE_CHARS:
        return _Source(text, seed_chars)
    return _cached_source(text, seed_chars)


@functools.lru_cache(maxsize=64)
def _cached_source(text: str, seed_chars: int) -> _Source:
    return _Source(text, seed_chars)


def _exact_seeds(
    draft: _Draft, source: _Source, window: list[tuple[int, int]] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal common runs of at least ``seed_chars`` characters: (draft starts, source starts, lengths),
    only inside the draft ``window`` spans when given (a run crossing a span's edge is cut there)."""
    if len(source.keys) == 0:
        return _NO_RUNS
    spans = [(0, len(draft.norm))] if window is None else window
    found = [_common_runs(draft.seed_chars, draft.table(a, b), source.by_gram, source.keys) for a, b in spans]
    found = [runs for runs in found if len(runs[0])]
    if not found:
        return _NO_RUNS
    if len(found) == 1:
        return found[0]
    d0, s0, length = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return d0, s0, length


def _common_runs(
    n: int, table: _GramTable, by_gram: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The maximal runs shared by a draft gram table and the source's sorted grams ``keys`` (at
    source positions ``by_gram``)."""
    if len(table.keys) == 0:
        return _NO_RUNS
    slot = np.minimum(np.searchsorted(table.keys, keys), len(table.keys) - 1)
    repeats = np.where(table.keys[slot] == keys, table.counts[slot], 0)
    usable = (repeats > 0) & (repeats <= _MAX_GRAM_REPEATS)
    if not usable.any():
        return _NO_RUNS
    src_pos = by_gram[usable]
    lo = table.first[slot[usable]]
    lengths = repeats[usable]
    ends = np.cumsum(lengths)
    gather = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(lo - (ends - lengths), lengths)
    d = table.order[gather].astype(np.int64)
    s = np.repeat(src_pos, lengths).astype(np.int64)
    diag = s - d
    order = np.lexsort((d, diag))
    d, diag = d[order], diag[order]
    new_run = np.ones(len(d), dtype=bool)
    new_run[1:] = (diag[1:] != diag[:-1]) | (d[1:] != d[:-1] + 1)
    starts = np.flatnonzero(new_run)
    run_len = np.diff(np.append(starts, len(d))) + n - 1
    d0 = d[starts]
    return d0, d0 + diag[starts], run_len


def _linked(a: _Seed, b: _Seed, settings: CheckSettings) -> bool:
    """Whether seeds a and b (a.d0 <= b.d0) belong to one passage."""
    gap = settings.gap_chars
    draft_gap = b.d0 - a.d1
    if draft_gap > gap:
        return False
    short = settings.anchor_chars
    if (a.kind == _EXACT and a.length < short) or (b.kind == _EXACT and b.length < short):
        # Short seeds are mostly stock wording: they join only as a continuation, in the same order
        # and with gaps of about the same size on both sides (what edits inside a copy leave).
        source_gap = b.s0 - a.s1
        return b.s0 >= a.s0 and source_gap <= gap and abs(draft_gap - source_gap) <= _GAP_SKEW
    # Anchors and clause seeds may also sit out of order nearby (reordered clauses), but two draft
    # spans aligned to the same source text are a repetition, not one passage.
    return _source_near(a.s0, a.s1, b.s0, b.s1, _NEIGHBOURHOOD)


def _source_near(a0: int, a1: int, b0: int, b1: int, limit: int) -> bool:
    """Source intervals at most ``limit`` apart and not overlapping beyond a few characters."""
    distance = max(0, b0 - a1, a0 - b1)
    return distance <= limit and _overlap(a0, a1, b0, b1) <= _GAP_SKEW


def _components(seeds: list[_Seed], settings: CheckSettings) -> list[list[_Seed]]:
    gap = settings.gap_chars
    seeds = sorted(seeds, key=lambda s: (s.d0, s.d1))
    parent = list(range(len(seeds)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(seeds):
        for j in range(i + 1, len(seeds)):
            b = seeds[j]
            if b.d0 - a.d1 > gap:
                break
            if _linked(a, b, settings):
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[rj] = ri
    groups: dict[int, list[_Seed]] = {}
    for i, s in enumerate(seeds):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def _anchored(
    groups: list[list[_Seed]], source_id: int, source: NormalisedText, settings: CheckSettings
) -> list[_Passage]:
    passages = []
    for seeds in groups:
        if not any(s.kind == _EXACT and s.length >= settings.anchor_chars for s in seeds):
            continue
        passages.append(_Passage(source_id, source, seeds))
    return _merge_passages(passages, settings.gap_chars)


def _without_repetitions(passages: list[_Passage]) -> list[_Passage]:
    """Drop passages of one source lying mostly over draft text that a stronger passage of the same
    source already aligns: a stock phrase the source repeats elsewhere, met again. The stronger one
    owns that text anyway, and growing the repetition clause by clause is the costliest useless work
    of a check (in a copied whole document, every repeated phrase)."""
    if len(passages) < 2:
        return passages
    ordered = sorted(passages, key=lambda p: p.d0)
    if all(a.d1 <= b.d0 for a, b in itertools.pairwise(ordered)):
        return ordered
    lo = ordered[0].d0
    covered = np.zeros(max(p.d1 for p in passages) - lo, dtype=bool)
    kept = []
    for p in sorted(passages, key=lambda p: (-p.exact_chars, p.d0)):
        span = covered[p.d0 - lo : p.d1 - lo]
        if 2 * int(span.sum()) >= len(span):
            continue
        span[:] = True
        kept.append(p)
    return sorted(kept, key=lambda p: p.d0)


def _merge_passages(passages: list[_Passage], gap: int) -> list[_Passage]:
    """Join anchored passages of one source that are adjacent in the draft and near in the source
    (a copy with reordered sentences), until no pair joins any more."""
    passages = sorted(passages, key=lambda p: p.d0)
    joined = True
    while joined:
        joined = False
        i = 0
        while i < len(passages):
            a = passages[i]
            j = i + 1
            while j < len(passages) and passages[j].d0 <= a.d1 + gap:
                if _passages_near(a, passages[j]):
                    a.seeds.extend(passages[j].seeds)
                    a.refresh()
                    del passages[j]
                    joined = True
                else:
                    j += 1
            i += 1
    return passages


def _passages_near(a: _Passage, b: _Passage) -> bool:
    if max(0, b.s0 - a.s1, a.s0 - b.s1) > _NEIGHBOURHOOD:
        return False
    # Two draft spans aligned to the same source characters are a repetition, not one passage. Only
    # seeds overlapping the other passage's whole source span can overlap one of its seeds: filter
    # first, or merging into a long passage (a whole copied document) compares every pair of seeds.
    xs = [x for x in a.seeds if x.kind == _EXACT and _overlap(x.s0, x.s1, b.s0, b.s1) > _GAP_SKEW]
    if not xs:
        return True
    ys = [y for y in b.seeds if y.kind == _EXACT and _overlap(y.s0, y.s1, a.s0, a.s1) > _GAP_SKEW]
    return not any(_overlap(x.s0, x.s1, y.s0, y.s1) > _GAP_SKEW for x in xs for y in ys)


def _clause_seeds(
    draft: _Draft, passages: list[_Passage], source: _Clauses, settings: CheckSettings
) -> list[_Seed]:
    """Clause pairs next to anchored passages whose jieba content words overlap enough.

    A passage grows clause by clause: draft clauses within ``gap_chars`` of it that exact seeds leave
    mostly uncovered are compared with the source clauses near the passage's source span. A pair is
    tokenised only if the clauses have comparable lengths and share character bigrams: jieba is the
    slow part.
    """
    seeds: list[_Seed] = []
    taken: set[int] = set()
    gap = settings.gap_chars
    clauses = draft.clauses
    for p in passages:
        if not source.between(p.s0 - _NEIGHBOURHOOD, p.s1 + _NEIGHBOURHOOD):
            continue
        exact = np.concatenate([[0], np.cumsum(p.exact_mask())]).tolist()  # prefix sums
        # Exact seeds by draft position, to look for a clause's counterpart only near where its
        # neighbours sit in the source (a clause seed must join them within _NEIGHBOURHOOD anyway):
        # comparing it with every clause of a long passage's source span is quadratic.
        anchors = sorted((s for s in p.seeds if s.kind == _EXACT), key=lambda s: s.d0)
        anchor_d0 = [s.d0 for s in anchors]
        lo, hi = p.d0, p.d1
        examined: set[int] = set()
        growing = True
        while growing:
            growing = False
            for ci in clauses.between(lo - gap, hi + gap):
                if ci in examined or ci in taken:
                    continue
                examined.add(ci)
                c0, c1 = clauses.spans[ci]
                if c1 - c0 < _CLAUSE_MIN:
                    continue
                x0, x1 = max(c0, p.d0) - p.d0, max(0, min(c1, p.d1) - p.d0)
                covered = exact[x1] - exact[x0] if x1 > x0 else 0
                if covered >= _CLAUSE_COVERED * (c1 - c0):
                    continue
                near_source = _source_neighbourhood(source, anchors, anchor_d0, c0, c1)
                best = _best_clause(clauses, ci, source, near_source, settings.clause_similarity)
                if best is None:
                    continue
                taken.add(ci)
                a, b = source.spans[best]
                seeds.append(_Seed(c0, c1, a, b, _CLAUSE))
                if c0 < lo or c1 > hi:
                    lo, hi = min(lo, c0), max(hi, c1)
                    growing = True
    return seeds


def _source_neighbourhood(
    source: _Clauses, anchors: list[_Seed], anchor_d0: list[int], c0: int, c1: int
) -> range:
    """Source clauses within _NEIGHBOURHOOD of where the exact seeds next to the draft clause [c0, c1)
    (the last one starting before it and the first one starting after it) put it in the source: the
    seed's source position nearest the clause, not its whole source span (a copied whole document is
    one seed, and its every neighbouring clause would be compared with the whole document)."""
    k = bisect.bisect_left(anchor_d0, c0)
    around = anchors[max(0, k - 1) : k + 1]
    if not around:
        return range(0)
    lo = min(s.s0 + min(max(c0 - s.d0, 0), s.length) for s in around) - _NEIGHBOURHOOD - (c1 - c0)
    hi = max(s.s0 + min(max(c1 - s.d0, 0), s.length) for s in around) + _NEIGHBOURHOOD + (c1 - c0)
    return source.between(lo, hi)


def _best_clause(clauses: _Clauses, ci: int, source: _Clauses, near: range, threshold: float) -> int | None:
    c0, c1 = clauses.spans[ci]
    grams = clauses.bigrams(ci)
    best, best_score = None, threshold
    for si in near:
        a, b = source.spans[si]
        if not 0.5 <= (b - a) / (c1 - c0) <= 2.0:
            continue
        source_grams = source.bigrams(si)
        if 2 * len(grams & source_grams) < _BIGRAM_PREFILTER * (len(grams) + len(source_grams)):
            continue
        score = _clause_similarity(clauses.bag(ci), source.bag(si))
        if score >= best_score:
            best, best_score = si, score
    return best


def _stock_anchors(draft: _Draft, d0: np.ndarray, length: np.ndarray, threshold: int) -> np.ndarray:
    """Per anchor: held by at least ``threshold`` documents (candidates with an anchor over most of
    it, or the index's document frequency of the rarest fingerprint inside it)."""
    many = draft.many_prefix
    stock = 2 * (many[d0 + length] - many[d0]) >= length
    positions = draft.fp_positions
    if len(positions):
        lo = np.searchsorted(positions, d0)
        hi = np.searchsorted(positions, d0 + length - FP_K + 1)
        has = hi > lo
        if has.any():
            lo, hi = lo[has], hi[has]
            at = lo[:, None] + np.arange(int((hi - lo).max()))[None, :]
            df = np.where(
                at < hi[:, None], draft.fp_df[np.minimum(at, len(positions) - 1)], np.iinfo(np.int64).max
            )
            stock[has] |= df.min(axis=1) >= threshold
    return stock


def _near_anchors_exact(
    d0: np.ndarray,
    diag: np.ndarray,
    anchor_d0: np.ndarray,
    anchor_d1: np.ndarray,
    anchor_diag: np.ndarray,
    skew: int,
) -> np.ndarray:
    distance = np.maximum(0, np.maximum(anchor_d0[None, :] - d0[:, None], d0[:, None] - anchor_d1[None, :]))
    return ((distance <= _REACH) & (np.abs(diag[:, None] - anchor_diag[None, :]) <= skew)).any(axis=1)


def _near_anchors(
    d0: np.ndarray, diag: np.ndarray, anchor_d0: np.ndarray, anchor_diag: np.ndarray, skew: int
) -> np.ndarray:
    """Per seed: roughly within ``_REACH`` draft characters of an anchor and within ``skew`` of its
    diagonal. A grid of cells that size stands in for exact distances (a superset, cheap for any
    number of seeds): a seed is kept when an anchor lies in its cell or a neighbouring one."""
    cell_d, cell_k = d0 // _REACH, diag // skew
    anchor_d, anchor_k = anchor_d0 // _REACH, anchor_diag // skew
    width = (
        int(
            max(cell_k.max(initial=0), anchor_k.max(initial=0))
            - min(cell_k.min(initial=0), anchor_k.min(initial=0))
        )
        + 3
    )
    offset = int(min(cell_k.min(initial=0), anchor_k.min(initial=0))) - 1
    keys = [(anchor_d + dd) * width + (anchor_k - offset + dk) for dd in (-1, 0, 1) for dk in (-1, 0, 1)]
    return np.isin(cell_d * width + (cell_k - offset), np.unique(np.concatenate(keys)))


def _isolated(d0: np.ndarray, s0: np.ndarray, length: np.ndarray) -> bool:
    """No two distinct anchors near each other both in the draft and in the source (no copied passage)."""
    if len(d0) < 2:
        return True
    d1, s1 = d0 + length, s0 + length
    draft_gap = np.maximum(d0[None, :] - d1[:, None], d0[:, None] - d1[None, :])
    source_gap = np.maximum(s0[None, :] - s1[:, None], s0[:, None] - s1[None, :])
    # Anchors over the same draft text (or the same source text) are repetitions, not a passage.
    near = (draft_gap <= _NEIGHBOURHOOD) & (source_gap <= _NEIGHBOURHOOD)
    near &= (draft_gap >= -_GAP_SKEW) & (source_gap >= -_GAP_SKEW)
    return not near.any()


def _align(
    draft: _Draft,
    source_id: int,
    prepared: _Source,
    runs: tuple[np.ndarray, np.ndarray, np.ndarray],
    settings: CheckSettings,
) -> list[_Passage]:
    d0, s0, length = runs
    source = prepared.norm
    is_anchor = length >= settings.anchor_chars
    anchor_d0, anchor_s0, anchor_len = d0[is_anchor], s0[is_anchor], length[is_anchor]
    stock = _stock_anchors(draft, anchor_d0, anchor_len, settings.common_doc_threshold)
    anchors = [
        _Seed(a, a + n, b, b + n, _EXACT)
        for a, b, n in zip(anchor_d0.tolist(), anchor_s0.tolist(), anchor_len.tolist(), strict=True)
    ]
    if stock.all() and _isolated(anchor_d0, anchor_s0, anchor_len):
        # Scattered bits of wording that many documents share (a candidate retrieved for its stock
        # phrases): each anchor is a passage of its own, reported as such without the costly extension.
        passages = [_Passage(source_id, source, [a]) for a in anchors if a.length >= settings.min_span_chars]
        for p in passages:
            p.stock = True
        return passages
    # Short seeds matter only as continuations of a copy: keep those roughly on the diagonal of an
    # anchor and not too far from it.
    short = ~is_anchor
    sd0, ss0, slen = d0[short], s0[short], length[short]
    skew = 2 * settings.gap_chars
    if len(sd0) * len(anchor_d0) <= 50_000:
        near = _near_anchors_exact(
            sd0, ss0 - sd0, anchor_d0, anchor_d0 + anchor_len, anchor_s0 - anchor_d0, skew
        )
    else:  # long drafts: a grid instead of all pairs
        near = _near_anchors(sd0, ss0 - sd0, anchor_d0, anchor_s0 - anchor_d0, skew)
    # A short seed inside text that anchors already align adds nothing (in a whole copied document
    # it is a stock phrase met again nearby) but costs every later step.
    covered_from, covered_to = _union(anchor_d0, anchor_d0 + anchor_len)
    slot = np.searchsorted(covered_from, sd0, side="right") - 1
    near &= ~((slot >= 0) & (sd0 + slen <= covered_to[np.maximum(slot, 0)]))
    exact = anchors + [
        _Seed(a, a + n, b, b + n, _EXACT)
        for a, b, n in zip(sd0[near].tolist(), ss0[near].tolist(), slen[near].tolist(), strict=True)
    ]
    passages = _without_repetitions(_anchored(_components(exact, settings), source_id, source, settings))
    # Stock wording is not extended: clause seeds around it mostly find more stock wording.
    growing = [
        p
        for p, common in zip(passages, _looking_common(passages, draft, settings), strict=True)
        if not common
    ]
    if growing:
        clause = _clause_seeds(draft, growing, prepared.clauses, settings)
        if clause:
            passages = _without_repetitions(
                _anchored(_components(exact + clause, settings), source_id, source, settings)
            )
    return [p for p in passages if p.d1 - p.d0 >= settings.min_span_chars]


# ---------------------------------------------------------------------------------------------------
# The check


def warm_up() -> None:
    """Load jieba and build the normalisation tables now (≈ 1–2 s), e.g. before a server forks."""

    normalise_module.warm_up()
    tokenizer.warm_up()


def check(
    draft: str,
    *,
    index: FingerprintIndex,
    source_text: Callable[[int], str | None],
    source_title: Callable[[int], str],
    settings: CheckSettings = CheckSettings(),
    source_texts: Callable[[list[int]], Mapping[int, str]] | None = None,
) -> SimilarityReport:
    """Check ``draft`` against the documents of ``index``; see the module docstring for the method.

    ``source_text(doc_id)`` must return the text that was indexed under that id (the stored corpus
    text; ``source_start``/``source_end`` are offsets into it). It is called only for the candidate
    documents; a document it cannot give (``None``, ``""`` or a ``LookupError``) is skipped.
    ``source_texts(ids)``, when given, fetches all candidates at once instead (one database query);
    missing ids are skipped. ``source_title(doc_id)`` is called once per reported source.

    Candidates: the ``candidate_limit`` documents sharing the most fingerprints with a short draft,
    aligned against all of it; and for every ``REGION_CHARS`` stretch of the draft its best few
    documents, aligned against that stretch and its neighbours only. A long draft copying from
    hundreds of documents therefore finds every one, at the cost of its own length, not of theirs.

    Never raises for odd input: an empty or punctuation-only draft, or an empty index, gives a report
    with zero figures. Offsets in the report are Python str offsets into ``draft`` as given; ratios
    are fractions in 0..1.
    """
    started = time.perf_counter()
    state = _Draft(draft, settings.seed_chars)
    norm = state.norm
    passages: list[_Passage] = []
    fp_hashes, fp_positions = fingerprints(norm.codes)
    if len(norm) >= settings.anchor_chars and len(index) and len(fp_hashes):
        state.fp_positions = fp_positions
        # Every retrieval step below reuses this one search of the index (see fingerprints.Lookup).
        state.lookup = index.lookup(fp_hashes)
        state.fp_df = index.document_frequency(fp_hashes, lookup=state.lookup)
        windows = _candidate_windows(index, fp_hashes, fp_positions, len(norm), settings, state.lookup)
        passages = _align_candidates(state, windows, source_text, source_texts, settings)
        # Second look: the documents that best explain each found passage on its own span. Where every
        # document shares stock sentences with the draft, the source of a short passage rarely ranks
        # among the best of its whole stretch; on the passage's own fingerprints it does.
        extra = _passage_windows(index, state, fp_hashes, passages, windows, settings)
        if extra:
            passages += _align_candidates(state, extra, source_text, source_texts, settings)
        _flag_common(passages, state, settings)
    pieces = _attribute(passages, len(norm), settings)
    return _report(state, pieces, _Holders(passages), source_title, settings, started)


def _candidate_windows(
    index: FingerprintIndex,
    hashes: np.ndarray,
    positions: np.ndarray,
    length: int,
    settings: CheckSettings,
    lookup: Lookup | None = None,
) -> dict[int, list[tuple[int, int]] | None]:
    """Candidate documents with the draft windows (normalised [start, end)) to align them in; None
    means the whole draft."""
    windows: dict[int, list[tuple[int, int]] | None] = {}
    if length <= settings.whole_draft_chars:
        for candidate in index.candidates_for_hashes(
            hashes, limit=settings.candidate_limit, max_df=settings.max_df, positions=positions, lookup=lookup
        ):
            windows[candidate.doc_id] = None
    stretches = index.stretch_candidates(
        hashes,
        positions,
        per_stretch=settings.per_stretch,
        min_score=settings.stretch_min_score,
        breadth=settings.stretch_breadth,
        max_df=settings.max_df,
        lookup=lookup,
    )
    for doc_id, regions in stretches.items():
        if doc_id in windows:
            continue
        # A stretch and one on either side: a passage crossing a stretch boundary is aligned whole.
        windows[doc_id] = _merged(
            [(max(0, (r - 1) * REGION_CHARS), min(length, (r + 2) * REGION_CHARS)) for r in regions]
        )
    return windows


def _align_candidates(
    state: _Draft,
    windows: Mapping[int, list[tuple[int, int]] | None],
    source_text: Callable[[int], str | None],
    source_texts: Callable[[list[int]], Mapping[int, str]] | None,
    settings: CheckSettings,
) -> list[_Passage]:
    """Align the draft with each candidate in its windows."""
    texts = _source_texts(list(windows), source_text, source_texts)
    # First every candidate's exact seeds, so that we know how many candidates share each anchored
    # draft character before deciding what is stock wording.
    aligned = []
    held = np.zeros(len(state.norm) + 1, dtype=np.int32)
    for doc_id, window in windows.items():
        text = texts.get(doc_id)
        if not text:
            continue
        source = _source(text, state.seed_chars)
        runs = _exact_seeds(state, source, window)
        anchored = runs[2] >= settings.anchor_chars
        if anchored.any():
            # Each candidate counts once per character, however many of its anchors cover it.
            starts, ends = _union(runs[0][anchored], runs[0][anchored] + runs[2][anchored])
            np.add.at(held, starts, 1)
            np.add.at(held, ends, -1)
            aligned.append((doc_id, source, runs))
    state.holders += np.cumsum(held[:-1], dtype=np.int32)
    threshold = settings.common_doc_threshold
    state.many_prefix = np.concatenate([[0], np.cumsum(state.holders >= threshold)])
    passages: list[_Passage] = []
    for source_id, source, runs in aligned:
        passages.extend(_align(state, source_id, source, runs, settings))
    return passages


def _union(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union of intervals [starts, ends) as disjoint sorted intervals."""
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    first = np.ones(len(starts), dtype=bool)
    first[1:] = starts[1:] > reach[:-1]
    last = np.ones(len(starts), dtype=bool)
    last[:-1] = first[1:]
    return starts[first], reach[last]


def _passage_windows(
    index: FingerprintIndex,
    state: _Draft,
    hashes: np.ndarray,
    passages: list[_Passage],
    windows: Mapping[int, list[tuple[int, int]] | None],
    settings: CheckSettings,
) -> dict[int, list[tuple[int, int]]]:
    """Documents not aligned yet that are among the best few on the span of a found passage that no
    source explains well, each with windows around those spans.

    A passage is explained well when its strongest source aligns it compactly (its source span about
    as long as the draft span) and exactly over most of its length: then no other document can do much
    better, and the common case (a verbatim or lightly edited copy) costs nothing more.
    """
    candidates = [p for p in passages if not p.stock]
    doubtful = _doubtful(candidates, settings)
    if doubtful:
        # Stock wording (short passages many documents hold) neither makes a stretch doubtful nor counts in
        # it. Deciding that costs a lookup per passage, hence only inside stretches already doubtful.
        starts = [a for a, _ in doubtful]
        inside = [p for p in candidates if _overlaps_any(p, doubtful, starts)]
        common = _looking_common(inside, state, settings)
        doubtful = _doubtful([p for p, c in zip(inside, common, strict=True) if not c], settings)
    if not doubtful:
        return {}
    ranked = index.span_candidates(
        hashes,
        state.fp_positions,
        doubtful,
        per_span=settings.per_passage,
        max_df=settings.max_df,
        lookup=state.lookup,
    )
    length = len(state.norm)
    extra: dict[int, list[tuple[int, int]]] = {}
    # Longest doubtful spans first, and at most ``per_passage`` documents in all: a draft has few
    # passages that no candidate explains well, and long drafts must not pay for every one.
    # Where stock sentences recur, many documents score alike on a passage's fingerprints and only
    # alignment tells them apart: hence more documents per passage than per stretch.
    for (a, b), ranking in sorted(zip(doubtful, ranked, strict=True), key=lambda x: x[0][0] - x[0][1]):
        for doc_id, _score in ranking:
            if doc_id not in extra and len(extra) >= settings.per_passage:
                break
            if not _aligned_over(windows, doc_id, a, b):
                extra.setdefault(doc_id, []).append(
                    (max(0, a - _NEIGHBOURHOOD), min(length, b + _NEIGHBOURHOOD))
                )
    return {doc_id: _merged(spans) for doc_id, spans in extra.items()}


def _overlaps_any(p: _Passage, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether the passage's draft span overlaps one of ``spans`` (sorted, disjoint; their ``starts``)."""
    i = bisect.bisect_left(starts, p.d1) - 1
    return i >= 0 and spans[i][1] > p.d0


def _doubtful(passages: list[_Passage], settings: CheckSettings) -> list[tuple[int, int]]:
    """Stretches of overlapping passages that no single passage explains well: none is compact (its
    source span within ``gap_chars`` of its draft span's length) and exact over ``_WELL_EXPLAINED`` of
    the stretch. Passages of one source next to each other belong to one stretch (the source holds
    what the draft has together apart); passages of different sources only touching (copies of two
    documents end to end) do not."""
    spans: list[tuple[int, int]] = []
    best: list[int] = []  # per span: most characters a compact passage aligns exactly in it
    sources: list[set[int]] = []
    for p in sorted(passages, key=lambda p: p.d0):
        compact = abs((p.s1 - p.s0) - (p.d1 - p.d0)) <= settings.gap_chars
        exact = p.exact_chars if compact else 0
        if spans and (
            p.d0 < spans[-1][1] or (p.d0 <= spans[-1][1] + settings.gap_chars and p.source_id in sources[-1])
        ):
            spans[-1] = (spans[-1][0], max(spans[-1][1], p.d1))
            best[-1] = max(best[-1], exact)
            sources[-1].add(p.source_id)
        else:
            spans.append((p.d0, p.d1))
            best.append(exact)
            sources.append({p.source_id})
    # A stretch no longer than a stock phrase is not worth it: a clause or two that several documents
    # share, whichever of them is named.
    return [
        (a, b)
        for (a, b), n in zip(spans, best, strict=True)
        if b - a > settings.common_max_chars and n < _WELL_EXPLAINED * (b - a)
    ]


def _aligned_over(windows: Mapping[int, list[tuple[int, int]] | None], doc_id: int, a: int, b: int) -> bool:
    """Whether the document was aligned over draft [a, b) (or part of it)."""
    if doc_id not in windows:
        return False
    spans = windows[doc_id]
    return spans is None or any(_overlap(a, b, x, y) for x, y in spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, overlapping or touching spans joined."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _source_texts(
    ids: list[int],
    source_text: Callable[[int], str | None],
    source_texts: Callable[[list[int]], Mapping[int, str]] | None,
) -> Mapping[int, str]:
    if source_texts is not None:
        return source_texts(ids)
    found: dict[int, str] = {}
    for doc_id in ids:
        try:
            text = source_text(doc_id)
        except LookupError:
            continue
        if text:
            found[doc_id] = text
    return found


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _held_by_many(draft: _Draft, p: _Passage, threshold: int) -> bool:
    """Whether at least ``threshold`` documents hold the passage's exactly matched text, as far as we
    can tell cheaply: most of it lies under anchors of that many candidates, or its rarest fingerprint
    is in that many documents of the index (which also counts documents too common to be retrieved)."""
    core = draft.holders[p.d0 : p.d1][p.exact_mask()]
    if len(core) and 2 * int((core >= threshold).sum()) >= len(core):
        return True
    lo, hi = np.searchsorted(draft.fp_positions, [p.d0, p.d1 - FP_K + 1])
    return bool(hi > lo and int(draft.fp_df[lo:hi].min()) >= threshold)


def _many_held(passages: list[_Passage], draft: _Draft, threshold: int) -> np.ndarray:
    """``_held_by_many`` of every passage, at once for the one-seed passages (nearly all of them)."""
    d0 = np.array([p.d0 for p in passages], dtype=np.int64)
    d1 = np.array([p.d1 for p in passages], dtype=np.int64)
    many = draft.many_prefix
    held = 2 * (many[d1] - many[d0]) >= d1 - d0
    positions = draft.fp_positions
    lo = np.searchsorted(positions, d0)
    hi = np.searchsorted(positions, d1 - FP_K + 1)
    has = hi > lo
    if has.any():
        df = np.append(draft.fp_df, np.iinfo(np.int64).max)  # reduceat needs hi < len
        rarest = np.minimum.reduceat(df, np.stack([lo[has], hi[has]], axis=1).ravel())[::2]
        held[has] |= rarest >= threshold
    for k, p in enumerate(passages):
        if len(p.seeds) > 1 or p.seeds[0].kind != _EXACT:
            held[k] = _held_by_many(draft, p, threshold)
    return held


def _looking_common(passages: list[_Passage], draft: _Draft, settings: CheckSettings) -> list[bool]:
    """Per passage: from a boilerplate source, or short and held by many documents (常见表述 as far as
    is known before every candidate is aligned)."""
    result = [p.source_id in settings.boilerplate_ids for p in passages]
    short = [k for k, p in enumerate(passages) if not result[k] and p.d1 - p.d0 <= settings.common_max_chars]
    if short:
        held = _many_held([passages[k] for k in short], draft, settings.common_doc_threshold)
        for k, h in zip(short, held.tolist(), strict=True):
            result[k] = h
    return result


def _flag_common(passages: list[_Passage], draft: _Draft, settings: CheckSettings) -> None:
    """Mark 常见表述: short passages held by many documents, and anything held by a boilerplate source.

    Vectorised over passages (a long draft has thousands): which passages cover half of which, then
    the held-by-many tests."""
    if not passages:
        return
    threshold = settings.common_doc_threshold
    d0 = np.array([p.d0 for p in passages], dtype=np.int64)
    d1 = np.array([p.d1 for p in passages], dtype=np.int64)
    length = d1 - d0
    source_values, source_index = np.unique([p.source_id for p in passages], return_inverse=True)
    boilerplate = np.isin(source_values, list(settings.boilerplate_ids))
    rows = (
        np.flatnonzero(length <= settings.common_max_chars) if not boilerplate.any() else np.arange(len(d0))
    )
    holders = np.zeros(len(d0), dtype=np.int64)  # distinct sources with a passage over half of each
    held_by_boilerplate = np.zeros(len(d0), dtype=bool)
    # Row chunks keep the overlap matrix near 2M entries whatever the number of passages.
    for chunk in np.array_split(rows, max(1, -(-len(rows) * len(d0) // 2_000_000))):
        if not len(chunk):
            continue
        overlap = np.minimum(d1[None, :], d1[chunk, None]) - np.maximum(d0[None, :], d0[chunk, None])
        row, col = np.nonzero(2 * overlap >= length[chunk, None])
        pairs = np.unique(row * len(source_values) + source_index[col])
        holders[chunk] = np.bincount(pairs // len(source_values), minlength=len(chunk))
        held_by_boilerplate[chunk] = (
            np.bincount(row, weights=boilerplate[source_index[col]], minlength=len(chunk)) > 0
        )
    short = [
        k
        for k, p in enumerate(passages)
        if length[k] <= settings.common_max_chars and not held_by_boilerplate[k]
    ]
    held = _many_held([passages[k] for k in short], draft, threshold) if short else np.zeros(0, dtype=bool)
    formula = np.zeros(len(d0), dtype=bool)
    if short and settings.stock_formulas:
        inside = np.concatenate([[0], np.cumsum(_formula_mask(draft.norm.text), dtype=np.int64)])
        formula = 2 * (inside[d1] - inside[d0]) >= length
    for k, p in enumerate(passages):
        if held_by_boilerplate[k]:
            p.common = True
    for k, h in zip(short, held.tolist(), strict=True):
        p = passages[k]
        p.common = bool(p.stock or holders[k] >= threshold or h or formula[k])


STOCK_FORMULAS_FILE = Path(__file__).resolve().parent / "data" / "stock_formulas.txt"


@functools.cache
def stock_formulas() -> tuple[str, ...]:
    """The genre's standard formulations (data/stock_formulas.txt), normalised, longest first."""
    lines = STOCK_FORMULAS_FILE.read_text(encoding="utf-8").splitlines()
    found = {normalise(line).text for line in lines if line.strip() and not line.lstrip().startswith("#")}
    return tuple(sorted(found - {""}, key=lambda f: (-len(f), f)))


def _formula_mask(text: str) -> np.ndarray:
    """Per character of normalised ``text``: inside an occurrence of a standard formulation.

    However small an office's corpus, 规范提法 are nobody's own wording: with two speeches on file
    no passage is held by five documents, and every formulation a draft shares with them would
    count as copied."""
    mask = np.zeros(len(text), dtype=bool)
    for formula in stock_formulas():
        at = text.find(formula)
        while at >= 0:
            mask[at : at + len(formula)] = True
            at = text.find(formula, at + 1)
    return mask


@dataclass(frozen=True)
class _Piece:
    passage: _Passage
    start: int  # normalised draft offsets
    end: int


def _strength(p: _Passage) -> tuple[int, ...]:
    """Sort key, strongest first: most exactly matched characters; then the most compact, least
    reordered and least fragmented alignment (a source holding the copied text in one piece and in
    the draft's order beats one holding the same sentences apart or in another order); then the
    longest span; then the smaller id."""
    if p.strength is None:
        spread = abs((p.s1 - p.s0) - (p.d1 - p.d0))
        exact = sorted((s for s in p.seeds if s.kind == _EXACT), key=lambda s: s.d0)
        inversions = sum(1 for a, b in itertools.pairwise(exact) if b.s0 < a.s0)
        p.strength = (-p.exact_chars, spread, inversions, len(exact), -(p.d1 - p.d0), p.source_id, p.d0)
    return p.strength


def _attribute(passages: list[_Passage], length: int, settings: CheckSettings) -> list[_Piece]:
    """Give every draft character to the strongest passage covering it (see ``_strength``); what is
    left of a weaker passage must still be reportable on its own."""
    order = sorted(passages, key=_strength)
    owner = np.full(length, -1, dtype=np.int64)
    pieces: list[_Piece] = []
    for k, p in enumerate(order):
        free = owner[p.d0 : p.d1] == -1
        if not free.any():
            continue
        exact = p.exact_mask()
        for a, b in _runs(free):
            # A remnant needs the length of a reportable passage and an exact anchor's worth of text.
            if b - a >= settings.min_span_chars and exact[a:b].sum() >= settings.anchor_chars:
                owner[p.d0 + a : p.d0 + b] = k
                pieces.append(_Piece(p, p.d0 + a, p.d0 + b))
    return sorted(pieces, key=lambda piece: piece.start)


class _Holders:
    """Which sources' passages cover a draft span (for ``also_in``), strongest first."""

    def __init__(self, passages: list[_Passage]) -> None:
        order = sorted(passages, key=_strength)
        self.d0 = np.array([p.d0 for p in order], dtype=np.int64)
        self.d1 = np.array([p.d1 for p in order], dtype=np.int64)
        self.sources = np.array([p.source_id for p in order], dtype=np.int64)

    def others(self, start: int, end: int, source_id: int) -> tuple[int, ...]:
        """Sources other than ``source_id`` with a passage over at least half of [start, end)."""
        overlap = np.minimum(self.d1, end) - np.maximum(self.d0, start)
        holds = np.flatnonzero((2 * overlap >= end - start) & (self.sources != source_id))
        return tuple(dict.fromkeys(self.sources[holds].tolist()))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of the runs of True in a boolean array."""
    if len(mask) == 0:
        return []
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _quoted_mask(norm: NormalisedText) -> np.ndarray:
    """Per normalised draft character: inside a quotation that is 引用."""
    quoted = np.zeros(len(norm), dtype=bool)
    for start, end in citation_spans(norm.original):
        a, b = norm.normalised_span(start, end)
        quoted[a:b] = True
    return quoted


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def _report(
    state: _Draft,
    pieces: list[_Piece],
    holders: _Holders,
    source_title: Callable[[int], str],
    settings: CheckSettings,
    started: float,
) -> SimilarityReport:
    norm = state.norm
    total = len(norm)
    quoted = _quoted_mask(norm)
    titles: dict[int, str] = {}
    matches: list[Match] = []
    copied = np.zeros(total, dtype=bool)  # counted per count_quotes
    copied_unquoted = np.zeros(total, dtype=bool)
    per_source: dict[int, int] = {}
    for piece in pieces:
        p = piece.passage
        if p.source_id not in titles:
            titles[p.source_id] = source_title(p.source_id)
        counts = settings.count_common or not p.common
        a, b = piece.start, piece.end
        inside = quoted[a:b]
        start, end = norm.original_span(a, b)
        s0, s1 = p.source_span(a, b)
        source_start, source_end = p.source.original_span(s0, s1)
        matches.append(
            Match(
                start=start,
                end=end,
                source_id=p.source_id,
                source_title=titles[p.source_id],
                source_start=source_start,
                source_end=source_end,
                quoted=bool(inside.all()),
                common=bool(p.common),
                also_in=tuple(int(i) for i in holders.others(a, b, p.source_id)),
                chars=int(b - a),
                quotes=tuple(norm.original_span(a + x, a + y) for x, y in _runs(inside)),
            )
        )
        if not counts:
            continue
        copied_unquoted[a:b] |= ~inside
        counted = np.ones(b - a, dtype=bool) if settings.count_quotes else ~inside
        copied[a:b] |= counted
        per_source[p.source_id] = per_source.get(p.source_id, 0) + int(counted.sum())
    copied_chars = int(copied.sum())
    unquoted_chars = int(copied_unquoted.sum())
    sources = tuple(
        SourceFigure(
            source_id=sid,
            title=titles[sid],
            copied_chars=per_source.get(sid, 0),
            ratio=_ratio(per_source.get(sid, 0), total),
        )
        for sid in sorted(titles, key=lambda sid: (-per_source.get(sid, 0), sid))
    )
    best = sources[0] if sources and sources[0].copied_chars > 0 else None
    return SimilarityReport(
        total_chars=total,
        copied_chars=copied_chars,
        copy_ratio=_ratio(copied_chars, total),
        copied_chars_excluding_quotes=unquoted_chars,
        copy_ratio_excluding_quotes=_ratio(unquoted_chars, total),
        max_single_source=best,
        matches=tuple(matches),
        paragraphs=_paragraphs(norm, copied),
        sources=sources,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
        settings=settings,
    )


def _paragraphs(norm: NormalisedText, copied: np.ndarray) -> tuple[ParagraphFigure, ...]:
    # All lines at once: a long draft has thousands, and two binary searches and a sum per line
    # cost more than the rest of the report.
    lengths = np.array([len(line) for line in norm.original.split("\n")], dtype=np.int64)
    ends = np.cumsum(lengths + 1) - 1
    starts = ends - lengths
    lo = np.searchsorted(norm.offsets, starts, side="left")
    hi = np.maximum(lo, np.searchsorted(norm.offsets, ends, side="left"))
    done_before = np.concatenate([[0], np.cumsum(copied, dtype=np.int64)])
    done = done_before[hi] - done_before[lo]
    figures: list[ParagraphFigure] = []
    for start, end, a, b, d in zip(
        starts.tolist(), ends.tolist(), lo.tolist(), hi.tolist(), done.tolist(), strict=True
    ):
        if b > a:
            figures.append(
                ParagraphFigure(
                    index=len(figures) + 1,
                    start=start,
                    end=end,
                    chars=b - a,
                    copied_chars=d,
                    copy_ratio=_ratio(d, b - a),
                )
            )
    return tuple(figures)

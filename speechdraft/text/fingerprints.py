"""Winnowed fingerprints over normalised text and the index that finds candidate sources with them.

Fingerprints (Schleimer, Wilkerson & Aiken, *Winnowing*, 2003): hash every k-gram of the normalised
text, slide a window of ``WINDOW`` consecutive hashes and keep each window's minimum. Two texts that
share a run of at least ``GUARANTEE = K + WINDOW - 1`` normalised characters share a whole window of
k-gram hashes, hence that window's minimum: they are guaranteed to share a fingerprint. Runs between
``K`` and ``GUARANTEE`` characters are found with high probability.

Everything on the hot path is vectorised with numpy; no Python loop runs per character.

``FingerprintIndex`` keeps (hash, document) pairs in two sorted numpy arrays that ``save``/``load``
persist as ``.npy`` files; ``load(mmap=True)`` maps them read-only so that forked server workers share
the pages. Documents added or removed after the last ``build``/``compact`` live in a small delta and a
set of tombstones saved beside the main arrays.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from .normalise import normalised_codes

K = 8
WINDOW = 8
GUARANTEE = K + WINDOW - 1
BREADTH_MARGIN = 2  # see FingerprintIndex.stretch_candidates
REGION_CHARS = 300  # retrieval gives each stretch of this many normalised characters its best document

_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier; arithmetic wraps modulo 2**64
_INVALID = np.uint64(np.iinfo(np.uint64).max)
_FORMAT = 1


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the polynomial hash so window minima are unbiased."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def kgram_hashes(codes: np.ndarray, k: int = K, *, mix: bool = True) -> np.ndarray:
    """64-bit hash of every k-gram of ``codes`` (uint32 code points): ``len(codes) - k + 1`` values.

    ``mix=False`` skips the final scrambling: fine for equality tests, not for winnowing minima.
    """
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    c = codes.astype(np.uint64)
    h = c[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            h *= _BASE
            h += c[j : j + n]
        return _mix(h) if mix else h


def _winnow_mask(hashes: np.ndarray, window: int) -> np.ndarray:
    """Positions whose hash is the minimum of at least one window of ``window`` hashes.

    Windows are taken over the sequence padded with ``window - 1`` invalid hashes on both sides, so
    the ends of a text (and a text shorter than one window) are fingerprinted too. All tied minima
    are kept: a superset of classic winnowing, with the same guarantee.
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=bool)
    w = window
    padded = np.concatenate([np.full(w - 1, _INVALID), hashes, np.full(w - 1, _INVALID)])
    # mins[i] = minimum of padded[i : i + w], one per window (n + w - 1 windows).
    count = n + w - 1
    mins = padded[:count].copy()
    for j in range(1, w):
        np.minimum(mins, padded[j : j + count], out=mins)
    # A hash is selected iff some window containing it has it as minimum; all such window minima are
    # <= the hash, so that is: the largest minimum over the windows containing it equals the hash.
    best = mins[:n].copy()
    for j in range(1, w):
        np.maximum(best, mins[j : j + n], out=best)
    return best == hashes


def winnow(hashes: np.ndarray, window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """(selected hashes, their k-gram positions), in text order."""
    positions = np.flatnonzero(_winnow_mask(hashes, window) & (hashes != _INVALID))
    return hashes[positions], positions


def fingerprints(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winnowed fingerprints of normalised code points: (hashes, positions of their k-grams)."""
    return winnow(kgram_hashes(codes))


def text_fingerprints(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Fingerprints of raw text (normalised first); positions are into the normalised text."""
    return fingerprints(normalised_codes(text)[0])


def _batch_fingerprints(codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct fingerprint hashes of many documents at once: (hashes, index of the document).

    ``codes`` holds the normalised code points of consecutive documents, ``lengths[i]`` how many are
    document i's. They are laid out with enough zero code points between documents (zero never
    survives normalisation) that no k-gram and no window spans two of them: the result equals
    fingerprinting each document alone, without a Python call per document. Hashes come out sorted,
    each document's entries for a hash in document order.
    """
    gap = (K - 1) + (WINDOW - 1)
    n_docs = len(lengths)
    lengths = np.asarray(lengths, dtype=np.int64)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    joined = np.zeros(len(codes) + gap * n_docs, dtype=np.uint32)
    joined[np.arange(len(codes), dtype=np.int64) + doc_of * gap] = codes
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) + np.arange(n_docs, dtype=np.int64) * gap
    hashes = kgram_hashes(joined)
    # A k-gram is valid when it lies inside one document: no separator among its K characters.
    separators = np.concatenate([[0], np.cumsum(joined == 0)])
    valid = separators[K:] - separators[: len(hashes)] == 0
    hashes[~valid] = _INVALID
    selected, positions = winnow(hashes)
    doc_index = np.searchsorted(starts, positions, side="right") - 1
    # One entry per (hash, document): document frequency is then a plain count of entries. A stable
    # sort keeps equal hashes in position order, so a document's repeats are adjacent.
    order = np.argsort(selected, kind="stable")
    selected, doc_index = selected[order], doc_index[order]
    distinct = np.ones(len(selected), dtype=bool)
    distinct[1:] = (selected[1:] != selected[:-1]) | (doc_index[1:] != doc_index[:-1])
    return selected[distinct], doc_index[distinct]


def _normalised_batch(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Normalised code points of several texts at once, and how many belong to each text."""
    codes, offsets = normalised_codes("\n".join(texts))
    ends = np.cumsum([len(t) + 1 for t in texts])  # "\n" separators never survive normalisation
    bounds = np.searchsorted(offsets, ends - 1)
    return codes, np.diff(np.concatenate([[0], bounds]))


@dataclass(frozen=True)
class Candidate:
    doc_id: int
    shared: int  # distinct retrieval fingerprints the text shares with the document
    score: float  # shared fingerprints weighted by rarity, 1 / df each


@dataclass(frozen=True)
class Lookup:
    """Where the distinct hashes of one text lie in an index's two sorted arrays (main and delta).

    On a large mapped index the binary searches are most of the cost of retrieval, and one check
    retrieves several times (document frequencies, candidates, stretches twice, passages): it searches
    once (``FingerprintIndex.lookup``) and passes this to each step.
    """

    keys: np.ndarray  # sorted distinct hashes
    lo: np.ndarray  # per key: its range in the main array …
    hi: np.ndarray
    dlo: np.ndarray  # … and in the delta
    dhi: np.ndarray

    def bounds(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(lo, hi, dlo, dhi) of each of ``hashes``, or None if one of them was not looked up."""
        if len(self.keys) == 0:
            return None if len(hashes) else (self.lo, self.hi, self.dlo, self.dhi)
        at = np.minimum(np.searchsorted(self.keys, hashes), len(self.keys) - 1)
        if not np.array_equal(self.keys[at], hashes):
            return None
        return self.lo[at], self.hi[at], self.dlo[at], self.dhi[at]


def _pair_totals(
    regions: np.ndarray, docs: np.ndarray, df: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(region, document, score, entries) of each distinct (region, document) pair among the postings
    (each posting of a fingerprint held by ``df`` documents adding ``rarity``), ordered by region then
    document."""
    if len(docs) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), empty
    # One integer per posting: the pair in the high bits, the posting's df in the low ones, so that a
    # plain sort (several times faster than an argsort and a gather, and a long draft has hundreds of
    # thousands of postings) groups the pairs and keeps each posting's weight beside it.
    low = int(docs.min())
    span = int(docs.max()) - low + 1
    bits = max(1, int(df.max()).bit_length())
    if (span * (int(regions.max()) + 1)) << bits < 2**62:
        values, offset = None, docs - low
    else:
        values, offset = np.unique(docs, return_inverse=True)
        span = len(values)
    packed = ((regions * span + offset) << bits) | df
    packed = np.sort(packed.astype(np.int32) if int(packed.max()) < 2**31 else packed)
    keys = packed >> bits
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    score = np.add.reduceat(rarity(packed & ((1 << bits) - 1), 0), starts)
    shared = np.diff(np.append(starts, len(keys)))
    keys = keys[starts].astype(np.int64)
    doc = keys % span + low if values is None else values[keys % span]
    return keys // span, doc, score, shared


def _regional_winners(regions: np.ndarray, docs: np.ndarray, df: np.ndarray, limit: int) -> list[int]:
    """The best document (index into the unique documents) of each region, best regions first."""
    if limit <= 0 or len(docs) == 0:
        return []
    region, doc, score, _shared = _pair_totals(regions, docs, df)
    order = np.lexsort((doc, -score, region))
    winners = order[_rank_in_group(region[order]) == 0]
    winners = winners[np.argsort(-score[winners], kind="stable")]
    return list(dict.fromkeys(doc[winners].tolist()))[:limit]


def _breadth_winners(region: np.ndarray, shared: np.ndarray, breadth: int) -> np.ndarray:
    """Mask of the pairs (ordered by region) whose document shares the most fingerprints with its
    region: at least ``breadth``, and ``BREADTH_MARGIN`` more than any other document there."""
    first = np.ones(len(region), dtype=bool)
    first[1:] = region[1:] != region[:-1]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(region)))
    most = np.maximum.reduceat(shared, starts)
    is_most = shared == np.repeat(most, sizes)
    runner_up = np.maximum.reduceat(np.where(is_most, 0, shared), starts)
    tied = np.add.reduceat(is_most.astype(np.int64), starts) > 1
    runner_up = np.where(tied, most, runner_up)
    wide = (most >= breadth) & (most >= runner_up + BREADTH_MARGIN)
    return is_most & np.repeat(wide, sizes)


def _by_region(hashes: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One entry per (hash, ``REGION_CHARS`` stretch of the text it occurs in), sorted by hash."""
    regions = np.asarray(positions, dtype=np.int64) // REGION_CHARS
    order = np.lexsort((regions, hashes))
    hashes, regions = hashes[order], regions[order]
    keep = np.ones(len(hashes), dtype=bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (regions[1:] != regions[:-1])
    return hashes[keep], regions[keep]


def _rank_in_group(groups: np.ndarray) -> np.ndarray:
    """For sorted ``groups``, each element's position within its run of equal values."""
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(groups)), 0))
    return np.arange(len(groups)) - group_start


def _gather_ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Concatenation of arange(lo[i], hi[i]) for all i, vectorised."""
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    shift = np.repeat(lo - (ends - lengths), lengths)
    return np.arange(total, dtype=np.int64) + shift


class FingerprintIndex:
    """Sorted (fingerprint hash, document) arrays with document frequencies, plus a small delta.

    Main part: ``_hashes`` (uint64, sorted) and ``_rows`` (int32 row into ``_doc_ids``/``_doc_lengths``),
    one entry per distinct (hash, document). Delta: documents added since the last build/compact, kept
    per document in memory and as sorted arrays for lookup. Tombstones: main rows removed or replaced.
    """

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)
        self._rows = np.empty(0, dtype=np.int32)
        self._doc_ids = np.empty(0, dtype=np.int64)  # sorted
        self._doc_lengths = np.empty(0, dtype=np.int64)
        self._dead = np.zeros(0, dtype=bool)  # per main row: tombstoned
        self._delta: dict[int, tuple[np.ndarray, int]] = {}  # doc_id -> (distinct hashes, length)
        self._delta_hashes = np.empty(0, dtype=np.uint64)
        self._delta_docs = np.empty(0, dtype=np.int64)
        self._main_dirty = True
        self._main_files: dict[str, str] = {}
        self._mapped: list[tuple[object, int]] = []  # (open file, expected size) of mapped arrays
        self.generation = ""
        self.extra: dict = {}  # caller's bookkeeping saved in meta.json (e.g. which database, how far)

    # ----- building -----
    @classmethod
    def build(cls, docs: Iterable[tuple[int, str]], *, batch_chars: int = 100_000) -> FingerprintIndex:
        """An index of ``docs`` (document id, raw text); ids must be distinct.

        Documents are processed ``batch_chars`` characters at a time: small enough for the numpy
        arrays to stay in the CPU caches, large enough to amortise the per-call overhead.
        """
        index = cls()
        hash_parts: list[np.ndarray] = []
        row_parts: list[np.ndarray] = []
        ids: list[int] = []
        lengths: list[int] = []
        for batch_ids, batch_texts in _batches(docs, batch_chars):
            codes, batch_lengths = _normalised_batch(batch_texts)
            hashes, doc_index = _batch_fingerprints(codes, batch_lengths)
            hash_parts.append(hashes)
            row_parts.append((doc_index + len(ids)).astype(np.int32))
            ids.extend(batch_ids)
            lengths.extend(batch_lengths.tolist())
        doc_ids = np.array(ids, dtype=np.int64)
        if len(np.unique(doc_ids)) != len(doc_ids):
            raise ValueError("document ids must be distinct")
        hashes = np.concatenate(hash_parts) if hash_parts else np.empty(0, dtype=np.uint64)
        rows = np.concatenate(row_parts) if row_parts else np.empty(0, dtype=np.int32)
        # Rows are renumbered so that _doc_ids is sorted (for searchsorted lookups by id).
        by_id = np.argsort(doc_ids, kind="stable")
        renumber = np.empty(len(by_id), dtype=np.int32)
        renumber[by_id] = np.arange(len(by_id), dtype=np.int32)
        rows = renumber[rows] if len(rows) else rows
        # Each batch is sorted already: the stable sort (timsort) merges the runs.
        order = np.argsort(hashes, kind="stable")
        index._hashes = hashes[order]
        index._rows = rows[order]
        index._doc_ids = doc_ids[by_id]
        index._doc_lengths = np.array(lengths, dtype=np.int64)[by_id]
        index._dead = np.zeros(len(doc_ids), dtype=bool)
        index._main_dirty = True
        index.generation = uuid.uuid4().hex
        return index

    def _main_row(self, doc_id: int) -> int | None:
        pos = int(np.searchsorted(self._doc_ids, doc_id))
        if pos < len(self._doc_ids) and int(self._doc_ids[pos]) == doc_id and not self._dead[pos]:
            return pos
        return None

    def add(self, doc_id: int, text: str) -> None:
        """Add a document, or replace it if the id is already indexed."""
        self._bury(doc_id)
        codes = normalised_codes(text)[0]
        hashes, _ = _batch_fingerprints(codes, np.array([len(codes)]))
        self._delta[int(doc_id)] = (hashes, len(codes))
        self._refresh_delta()

    def apply(self, changes: dict[int, str | None]) -> None:
        """Add, replace (text) or remove (None) many documents; the delta is re-sorted once, not per
        document as with ``add``/``remove``."""
        for doc_id, text in changes.items():
            self._bury(doc_id)
            if text is not None:
                codes = normalised_codes(text)[0]
                hashes, _ = _batch_fingerprints(codes, np.array([len(codes)]))
                self._delta[int(doc_id)] = (hashes, len(codes))
        self._refresh_delta()

    def remove(self, doc_id: int) -> bool:
        """Forget a document; False when it was not indexed."""
        found = self._bury(doc_id)
        if found:
            self._refresh_delta()
        return found

    def _bury(self, doc_id: int) -> bool:
        doc_id = int(doc_id)
        row = self._main_row(doc_id)
        if row is not None:
            if not self._dead.flags.writeable:
                self._dead = self._dead.copy()
            self._dead[row] = True
        return self._delta.pop(doc_id, None) is not None or row is not None

    def _refresh_delta(self) -> None:
        if self._delta:
            parts = [(h, np.full(len(h), d, dtype=np.int64)) for d, (h, _) in self._delta.items()]
            hashes = np.concatenate([h for h, _ in parts])
            docs = np.concatenate([d for _, d in parts])
            order = np.argsort(hashes, kind="stable")
            self._delta_hashes, self._delta_docs = hashes[order], docs[order]
        else:
            self._delta_hashes = np.empty(0, dtype=np.uint64)
            self._delta_docs = np.empty(0, dtype=np.int64)
        self.generation = uuid.uuid4().hex

    def compact(self) -> None:
        """Fold the delta and the tombstones into the main arrays (rewritten on the next save)."""
        if not self._delta and not self._dead.any():
            return
        alive = ~self._dead
        keep = alive[self._rows]
        old_ids = self._doc_ids[alive]
        old_lengths = self._doc_lengths[alive]
        old_row_map = np.cumsum(alive) - 1
        hashes = [np.asarray(self._hashes[keep])]
        ids = [old_ids]
        lengths = [old_lengths]
        docs = [old_ids[old_row_map[np.asarray(self._rows[keep])]]]
        for doc_id, (h, length) in self._delta.items():
            hashes.append(h)
            docs.append(np.full(len(h), doc_id, dtype=np.int64))
            ids.append(np.array([doc_id], dtype=np.int64))
            lengths.append(np.array([length], dtype=np.int64))
        all_ids = np.concatenate(ids)
        by_id = np.argsort(all_ids, kind="stable")
        self._doc_ids = all_ids[by_id]
        self._doc_lengths = np.concatenate(lengths)[by_id]
        all_hashes = np.concatenate(hashes)
        rows = np.searchsorted(self._doc_ids, np.concatenate(docs)).astype(np.int32)
        order = np.lexsort((rows, all_hashes))
        self._hashes, self._rows = all_hashes[order], rows[order]
        self._dead = np.zeros(len(self._doc_ids), dtype=bool)
        self._delta = {}
        self._refresh_delta()
        self._main_dirty = True

    # ----- questions -----
    def __len__(self) -> int:
        """Number of indexed documents."""
        return int((~self._dead).sum()) + len(self._delta)

    def __contains__(self, doc_id: object) -> bool:
        if not isinstance(doc_id, int | np.integer):
            return False
        return int(doc_id) in self._delta or self._main_row(int(doc_id)) is not None

    def doc_ids(self) -> list[int]:
        """Ids of all indexed documents, sorted."""
        main = self._doc_ids[~self._dead].tolist()
        return sorted(main + list(self._delta))

    def normalised_length(self, doc_id: int) -> int:
        """Countable characters of the document when it was indexed; KeyError when not indexed."""
        doc_id = int(doc_id)
        if doc_id in self._delta:
            return self._delta[doc_id][1]
        row = self._main_row(doc_id)
        if row is None:
            raise KeyError(doc_id)
        return int(self._doc_lengths[row])

    @property
    def fingerprint_count(self) -> int:
        """Stored (hash, document) entries, main and delta (tombstoned ones included until compact)."""
        return len(self._hashes) + len(self._delta_hashes)

    def default_max_df(self) -> int:
        """Fingerprints in more documents than this are stock wording, useless for retrieval."""
        return max(100, len(self) // 500)

    def lookup(self, hashes: np.ndarray) -> Lookup:
        """Search the index once for the distinct ``hashes`` of a text (see ``Lookup``)."""
        # Distinct and sorted queries: the binary searches then walk the (large, mapped) array in
        # order, several times faster than in text order.
        keys = np.unique(np.asarray(hashes, dtype=np.uint64))
        return Lookup(
            keys,
            np.searchsorted(self._hashes, keys, side="left"),
            np.searchsorted(self._hashes, keys, side="right"),
            np.searchsorted(self._delta_hashes, keys, side="left"),
            np.searchsorted(self._delta_hashes, keys, side="right"),
        )

    def _bounds(
        self, hashes: np.ndarray, lookup: Lookup | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        found = lookup.bounds(hashes) if lookup is not None else None
        if found is None:
            found = self.lookup(hashes).bounds(hashes)
            assert found is not None
        return found

    def document_frequency(self, hashes: np.ndarray, *, lookup: Lookup | None = None) -> np.ndarray:
        """Number of documents holding each hash (tombstoned documents count until ``compact``)."""
        lo, hi, dlo, dhi = self._bounds(np.asarray(hashes, dtype=np.uint64), lookup)
        return (hi - lo) + (dhi - dlo)

    def candidates(
        self, text: str | np.ndarray, limit: int = 30, *, max_df: int | None = None
    ) -> list[Candidate]:
        """The documents sharing the most (rarity-weighted) fingerprints with ``text``, best first.

        ``text`` is raw text or already-normalised uint32 code points. Fingerprints held by more than
        ``max_df`` documents (default ``default_max_df()``) are skipped: they are stock wording and
        would make every document a candidate. Up to half of the places go to the best document of
        each ``REGION_CHARS`` stretch of the text (see ``candidates_for_hashes``).
        """
        codes = normalised_codes(text)[0] if isinstance(text, str) else text
        hashes, positions = fingerprints(codes)
        return self.candidates_for_hashes(hashes, limit=limit, max_df=max_df, positions=positions)

    def candidates_for_hashes(
        self,
        hashes: np.ndarray,
        *,
        limit: int = 30,
        max_df: int | None = None,
        positions: np.ndarray | None = None,
        lookup: Lookup | None = None,
    ) -> list[Candidate]:
        """Like ``candidates`` for fingerprint hashes already computed.

        With ``positions`` (where each hash is in the text), the text is cut into regions of
        ``REGION_CHARS`` and up to ``limit // 2`` places go first to the best document of each region:
        where many documents share the same stock sentences, the one document that holds a whole
        copied passage would otherwise lose to documents sharing more scattered sentences.
        """
        if len(hashes) == 0 or len(self) == 0 or limit <= 0:
            return []
        hashes = np.asarray(hashes, dtype=np.uint64)
        if positions is None:
            hashes, regions = np.unique(hashes), np.zeros(0, dtype=np.int64)
        else:
            hashes, regions = _by_region(hashes, positions)
        max_df = self.default_max_df() if max_df is None else max_df
        all_docs, all_df, all_entries = self._postings(hashes, max_df, lookup)
        all_weights = rarity(all_df, len(self))
        if len(all_docs) == 0:
            return []
        unique_docs, inverse, counts = np.unique(all_docs, return_inverse=True, return_counts=True)
        scores = np.bincount(inverse, weights=all_weights, minlength=len(unique_docs))
        # Best score first; ties broken by the smaller id so results are reproducible.
        ranking = np.lexsort((unique_docs, -scores))
        chosen: list[int] = []
        if len(regions):
            chosen = _regional_winners(regions[all_entries], inverse, all_df, limit // 2)
        taken = set(chosen)
        chosen += [int(i) for i in ranking[: limit + len(chosen)] if int(i) not in taken][
            : limit - len(chosen)
        ]
        chosen.sort(key=lambda i: (-scores[i], unique_docs[i]))
        return [
            Candidate(doc_id=int(unique_docs[i]), shared=int(counts[i]), score=float(scores[i]))
            for i in chosen
        ]

    def stretch_candidates(
        self,
        hashes: np.ndarray,
        positions: np.ndarray,
        *,
        per_stretch: int = 3,
        min_score: float = 3.0,
        breadth: int = 0,
        max_df: int | None = None,
        lookup: Lookup | None = None,
    ) -> dict[int, list[int]]:
        """For each ``REGION_CHARS`` stretch of the text, its ``per_stretch`` best documents scoring at
        least ``min_score`` there: {document id: [stretch numbers]}, best-scoring documents first.

        Unlike a global top-N, nothing is capped by the length of the text: a long draft copying from
        159 documents gets all 159 as candidates, each with the stretches where it matters.

        With ``breadth``, a stretch also brings the document sharing the most distinct fingerprints
        with it when that is at least ``breadth`` and ``BREADTH_MARGIN`` more than any other document
        shares. A copy with its clauses reordered keeps only the fingerprints inside clauses, each one
        stock wording that many documents hold: its rarity-weighted score is that of noise, but no
        other document holds as many of them together.
        """
        if len(hashes) == 0 or per_stretch <= 0 or len(self) == 0:
            return {}
        hashes = np.asarray(hashes, dtype=np.uint64)
        positions = np.asarray(positions, dtype=np.int64)
        best: dict[int, float] = {}
        found: dict[int, set[int]] = {}

        def take(region: np.ndarray, doc: np.ndarray, score: np.ndarray) -> None:
            for r, d, sc in zip(region.tolist(), doc.tolist(), score.tolist(), strict=True):
                found.setdefault(d, set()).add(r)
                best[d] = max(best.get(d, 0.0), sc)

        region, doc, score, shared = self._region_scores(*_by_region(hashes, positions), max_df, lookup)
        good = np.flatnonzero(score >= min_score)
        good = good[np.lexsort((doc[good], -score[good], region[good]))]
        good = good[_rank_in_group(region[good]) < per_stretch]
        take(region[good], doc[good], score[good])
        if breadth > 0:
            wide = _breadth_winners(region, shared, breadth)
            take(region[wide], doc[wide], score[wide])
            # And on stretches offset by half of one, so that a passage across a boundary, its
            # fingerprints split between two stretches, is counted whole in one. Such a stretch
            # lies over halves of two stretches, and brings both.
            half = REGION_CHARS // 2
            region, doc, score, shared = self._region_scores(
                *_by_region(hashes, positions + half), max_df, lookup
            )
            wide = _breadth_winners(region, shared, breadth)
            take(region[wide], doc[wide], score[wide])
            take(np.maximum(region[wide] - 1, 0), doc[wide], score[wide])
        return {d: sorted(found[d]) for d in sorted(found, key=lambda d: (-best[d], d))}

    def span_candidates(
        self,
        hashes: np.ndarray,
        positions: np.ndarray,
        spans: list[tuple[int, int]],
        *,
        per_span: int = 3,
        max_df: int | None = None,
        lookup: Lookup | None = None,
    ) -> list[list[tuple[int, float]]]:
        """For each [start, end) span of the text (sorted, not overlapping), its ``per_span`` best
        documents as (document id, score) scored on the fingerprints inside it alone, best first.

        Where every document shares some stock sentences with a stretch, the one holding a short
        copied passage can lose the stretch to documents sharing more of the rest; scored on the
        passage's own span it wins (see ``similarity.check``).
        """
        result: list[list[tuple[int, float]]] = [[] for _ in spans]
        if len(hashes) == 0 or not spans or per_span <= 0:
            return result
        starts = np.array([a for a, _ in spans], dtype=np.int64)
        ends = np.array([b for _, b in spans], dtype=np.int64)
        positions = np.asarray(positions, dtype=np.int64)
        slot = np.searchsorted(starts, positions, side="right") - 1
        inside = (slot >= 0) & (positions + K <= ends[np.maximum(slot, 0)])
        keys = np.asarray(hashes, dtype=np.uint64)[inside]
        regions = slot[inside]
        order = np.lexsort((regions, keys))
        keys, regions = keys[order], regions[order]
        keep = np.ones(len(keys), dtype=bool)
        keep[1:] = (keys[1:] != keys[:-1]) | (regions[1:] != regions[:-1])
        for r, d, sc in self._best_per_region(keys[keep], regions[keep], per_span, 0.0, max_df, lookup):
            result[r].append((d, sc))
        return result

    def _region_scores(
        self, hashes: np.ndarray, regions: np.ndarray, max_df: int | None, lookup: Lookup | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(region, document id, score, shared fingerprints) of every pair sharing a useful fingerprint
        in ``hashes`` (one entry per hash and region), ordered by region then document."""
        max_df = self.default_max_df() if max_df is None else max_df
        docs, df, entries = self._postings(hashes, max_df, lookup)
        return _pair_totals(regions[entries], docs, df)

    def _best_per_region(
        self,
        hashes: np.ndarray,
        regions: np.ndarray,
        per_region: int,
        min_score: float,
        max_df: int | None,
        lookup: Lookup | None = None,
    ) -> list[tuple[int, int, float]]:
        """(region, document id, score) of each region's ``per_region`` best documents scoring at
        least ``min_score`` on that region's (hash, region) entries, by region then best first."""
        region, doc, score, _shared = self._region_scores(hashes, regions, max_df, lookup)
        good = score >= min_score
        region, doc, score = region[good], doc[good], score[good]
        order = np.lexsort((doc, -score, region))
        region, doc, score = region[order], doc[order], score[order]
        chosen = _rank_in_group(region) < per_region
        return list(zip(region[chosen].tolist(), doc[chosen].tolist(), score[chosen].tolist(), strict=True))

    def _postings(
        self, hashes: np.ndarray, max_df: int, lookup: Lookup | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (document, document frequency of the hash, index into ``hashes``) for the useful
        hashes (df ≤ max_df); a posting weighs ``rarity(df)``."""
        lo, hi, dlo, dhi = self._bounds(hashes, lookup)
        df = (hi - lo) + (dhi - dlo)
        useful = (df > 0) & (df <= max_df)
        lo, hi, dlo, dhi, df = lo[useful], hi[useful], dlo[useful], dhi[useful], df[useful]
        entry = np.flatnonzero(useful)
        main_rows = np.asarray(self._rows[_gather_ranges(lo, hi)])
        alive = ~self._dead[main_rows]
        docs = [self._doc_ids[main_rows[alive]]]
        dfs = [np.repeat(df, hi - lo)[alive]]
        entries = [np.repeat(entry, hi - lo)[alive]]
        if len(self._delta_hashes):
            delta_pos = _gather_ranges(dlo, dhi)
            docs.append(self._delta_docs[delta_pos])
            dfs.append(np.repeat(df, dhi - dlo))
            entries.append(np.repeat(entry, dhi - dlo))
        return np.concatenate(docs), np.concatenate(dfs).astype(np.int64), np.concatenate(entries)

    # ----- persistence -----
    def save(self, directory: Path | str, *, extra: dict | None = None) -> None:
        """Write the index to ``directory``; the main arrays only when they changed since last saved there.

        Files carry the generation in their names and ``meta.json`` (replaced atomically, last) names
        the current ones, so a process loading concurrently sees either the old or the new index. Every
        file is written to a temporary name, fsynced, renamed, and the directory fsynced: after a crash
        the index is the old one or the new one, never a torn mix. ``extra`` (JSON) is kept in
        meta.json and comes back as ``index.extra``.
        """
        if extra is not None:
            self.extra = dict(extra)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        generation = self.generation or uuid.uuid4().hex
        meta_path = directory / "meta.json"
        try:
            previous = _read_meta(directory)
        except CorruptIndex:
            previous = None  # overwritten below; the main arrays are written afresh
        main_files = self._main_files if previous and previous.get("main") == self._main_files else {}
        if (
            self._main_dirty
            or not main_files
            or not all((directory / f).exists() for f in main_files.values())
        ):
            main_files = {}
            for name, array in (
                ("hashes", self._hashes),
                ("rows", self._rows),
                ("doc_ids", self._doc_ids),
                ("doc_lengths", self._doc_lengths),
            ):
                main_files[name] = f"main-{generation}-{name}.npy"
                _save_array(directory / main_files[name], np.asarray(array))
        delta_file = f"delta-{generation}.npz"
        delta_ids = np.array(list(self._delta), dtype=np.int64)
        delta_lengths = np.array([length for _, length in self._delta.values()], dtype=np.int64)
        _write_atomic(
            directory / delta_file,
            lambda fh: np.savez(
                fh,
                hashes=self._delta_hashes,
                docs=self._delta_docs,
                ids=delta_ids,
                lengths=delta_lengths,
                dead=np.flatnonzero(self._dead).astype(np.int64),
            ),
        )
        meta = {
            "format": _FORMAT,
            "k": K,
            "window": WINDOW,
            "generation": generation,
            "documents": len(self),
            "main": main_files,
            "delta": delta_file,
            "extra": self.extra,
        }
        payload = json.dumps(meta, indent=1).encode("utf-8")
        _write_atomic(meta_path, lambda fh: fh.write(payload))
        self.generation = generation
        self._main_files = main_files
        self._main_dirty = False
        # Older generations are unreachable now; processes that mapped them keep their open inodes.
        current = set(main_files.values()) | {delta_file, "meta.json"}
        for path in directory.iterdir():
            if path.name.startswith(("main-", "delta-")) and path.name not in current:
                path.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path | str, *, mmap: bool = True) -> FingerprintIndex:
        """Read an index written by ``save``; ``mmap=True`` maps the main arrays read-only (shared pages).

        Raises FileNotFoundError when ``directory`` holds no index, ``CorruptIndex`` when a file is
        unreadable, truncated or inconsistent: sizes are checked before anything is mapped, so a short
        file is an exception here, never a SIGBUS later.
        """
        directory = Path(directory)
        for attempt in range(3):
            meta = _read_meta(directory)
            if meta is None:
                raise FileNotFoundError(directory / "meta.json")
            try:
                return cls._load(directory, meta, mmap=mmap)
            except FileNotFoundError:
                # A writer replaced the generation between reading meta.json and opening its files.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def _load(cls, directory: Path, meta: dict, *, mmap: bool) -> FingerprintIndex:
        if meta.get("format") != _FORMAT or meta.get("k") != K or meta.get("window") != WINDOW:
            raise ValueError(f"{directory}: index written with other parameters; rebuild it")
        index = cls()
        try:
            files = meta["main"]
            index._hashes = index._array(directory / files["hashes"], mmap=mmap)
            index._rows = index._array(directory / files["rows"], mmap=mmap)
            index._doc_ids = index._array(directory / files["doc_ids"], mmap=False)
            index._doc_lengths = index._array(directory / files["doc_lengths"], mmap=False)
            with np.load(directory / meta["delta"]) as delta:
                index._delta_hashes = delta["hashes"]
                index._delta_docs = delta["docs"]
                ids, lengths = delta["ids"], delta["lengths"]
                dead = delta["dead"]
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise CorruptIndex(f"{directory}: {exc}") from exc
        n_docs = len(index._doc_ids)
        if (
            len(index._rows) != len(index._hashes)
            or len(index._doc_lengths) != n_docs
            or len(index._delta_docs) != len(index._delta_hashes)
            or (len(index._rows) and int(np.asarray(index._rows).max(initial=0)) >= n_docs)
            or (len(dead) and (int(dead.min()) < 0 or int(dead.max()) >= n_docs))
        ):
            raise CorruptIndex(f"{directory}: index files do not fit together")
        index._dead = np.zeros(n_docs, dtype=bool)
        index._dead[dead] = True
        for doc_id, length in zip(ids.tolist(), lengths.tolist(), strict=True):
            index._delta[doc_id] = (index._delta_hashes[index._delta_docs == doc_id], length)
        index.extra = dict(meta.get("extra") or {})
        index.generation = meta["generation"]
        index._main_files = dict(files)
        index._main_dirty = False
        return index

    def _array(self, path: Path, *, mmap: bool) -> np.ndarray:
        """One .npy file, its size checked against its header first (a short file must not be mapped)."""
        fh = open(path, "rb")  # noqa: SIM115 - kept open while mapped, to re-check its size (intact())
        try:
            version = npy_format.read_magic(fh)
            read_header = (
                npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(fh)
            expected = fh.tell() + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if os.fstat(fh.fileno()).st_size != expected or fortran or len(shape) != 1:
                raise CorruptIndex(f"{path}: {os.fstat(fh.fileno()).st_size} bytes, header says {expected}")
            if mmap:
                array = np.load(path, mmap_mode="r")
                self._mapped.append((fh, expected))
                return array
            fh.seek(0)
            return np.load(fh)
        finally:
            if not mmap:
                fh.close()

    def intact(self) -> bool:
        """Whether the mapped files still have the size they had when loaded.

        A file truncated in place under a mapping would kill the process with SIGBUS on the next read;
        callers check this (one fstat per file) before using a loaded index and reload otherwise.
        Replacing files by rename, as ``save`` does, never affects a mapping.
        """
        try:
            return all(os.fstat(fh.fileno()).st_size == size for fh, size in self._mapped)  # type: ignore[attr-defined]
        except (OSError, ValueError):
            return False


class CorruptIndex(ValueError):
    """An index file is unreadable, truncated or inconsistent with the others: rebuild the index."""


def stored_generation(directory: Path | str) -> str | None:
    """Generation of the index saved in ``directory`` (None if none, or if meta.json is unreadable):
    compare with ``index.generation`` to know whether another process saved a newer index."""
    try:
        meta = _read_meta(Path(directory))
    except CorruptIndex:
        return None
    return None if meta is None else meta.get("generation")


def _read_meta(directory: Path) -> dict | None:
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CorruptIndex(f"{directory / 'meta.json'}: {exc}") from exc
    if not isinstance(meta, dict) or not isinstance(meta.get("main"), dict):
        raise CorruptIndex(f"{directory / 'meta.json'}: not an index description")
    return meta


def _write_atomic(path: Path, write) -> None:
    """Write a file through a temporary name: write, fsync, rename over ``path``, fsync the directory."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _save_array(path: Path, array: np.ndarray) -> None:
    _write_atomic(path, lambda fh: np.save(fh, array))


def _batches(docs: Iterable[tuple[int, str]], batch_chars: int) -> Iterator[tuple[list[int], list[str]]]:
    ids: list[int] = []
    texts: list[str] = []
    size = 0
    for doc_id, text in docs:
        ids.append(int(doc_id))
        texts.append(text)
        size += len(text)
        if size >= batch_chars:
            yield ids, texts
            ids, texts, size = [], [], 0
    if ids:
        yield ids, texts


def rarity(df: np.ndarray, documents: int) -> np.ndarray:
    """1 / df: the weight of a fingerprint held by ``df`` documents.

    Steeper than the usual log(N / df): a fingerprint only one document holds (text copied from it)
    must outweigh many that twenty documents share (stock sentences), or a document sharing several
    stock sentences with the draft crowds out the one the draft was copied from.
    """
    return 1.0 / np.maximum(df, 1)


__all__ = [
    "GUARANTEE",
    "K",
    "WINDOW",
    "Candidate",
    "Lookup",
    "CorruptIndex",
    "FingerprintIndex",
    "fingerprints",
    "kgram_hashes",
    "rarity",
    "stored_generation",
    "text_fingerprints",
    "winnow",
]

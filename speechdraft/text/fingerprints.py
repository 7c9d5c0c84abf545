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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .normalise import normalised_codes

K = 8
WINDOW = 8
GUARANTEE = K + WINDOW - 1

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


def kgram_hashes(codes: np.ndarray, k: int = K) -> np.ndarray:
    """64-bit hash of every k-gram of ``codes`` (uint32 code points): ``len(codes) - k + 1`` values."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    c = codes.astype(np.uint64)
    h = c[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            h *= _BASE
            h += c[j : j + n]
        return _mix(h)


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


def _batch_fingerprints(code_arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct fingerprint hashes of many documents at once: (hashes, index of the document).

    Documents are concatenated with enough zero code points between them (zero never survives
    normalisation) that no k-gram and no window spans two documents: the result equals fingerprinting
    each document alone, without a Python call per document.
    """
    gap = (K - 1) + (WINDOW - 1)
    lengths = np.array([len(c) for c in code_arrays], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + gap)[:-1]])
    total = int(lengths.sum() + gap * len(code_arrays))
    joined = np.zeros(total, dtype=np.uint32)
    for start, codes in zip(starts, code_arrays, strict=True):
        joined[start : start + len(codes)] = codes
    hashes = kgram_hashes(joined)
    # A k-gram is valid when it lies inside one document: no separator among its K characters.
    separators = np.concatenate([[0], np.cumsum(joined == 0)])
    valid = separators[K:] - separators[: len(hashes)] == 0
    hashes[~valid] = _INVALID
    selected, positions = winnow(hashes)
    doc_index = np.searchsorted(starts, positions, side="right") - 1
    # One entry per (hash, document): document frequency is then a plain count of entries.
    order = np.lexsort((selected, doc_index))
    selected, doc_index = selected[order], doc_index[order]
    distinct = np.ones(len(selected), dtype=bool)
    distinct[1:] = (selected[1:] != selected[:-1]) | (doc_index[1:] != doc_index[:-1])
    return selected[distinct], doc_index[distinct]


@dataclass(frozen=True)
class Candidate:
    doc_id: int
    shared: int  # distinct retrieval fingerprints the text shares with the document
    score: float  # shared fingerprints weighted by rarity, log(1 + N / df) each


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
        self.generation = ""

    # ----- building -----
    @classmethod
    def build(cls, docs: Iterable[tuple[int, str]], *, batch_chars: int = 4_000_000) -> FingerprintIndex:
        """An index of ``docs`` (document id, raw text); ids must be distinct."""
        index = cls()
        hash_parts: list[np.ndarray] = []
        row_parts: list[np.ndarray] = []
        ids: list[int] = []
        lengths: list[int] = []
        for batch_ids, batch_codes in _batches(docs, batch_chars):
            hashes, doc_index = _batch_fingerprints(batch_codes)
            hash_parts.append(hashes)
            row_parts.append((doc_index + len(ids)).astype(np.int32))
            ids.extend(batch_ids)
            lengths.extend(len(c) for c in batch_codes)
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
        hashes, _ = _batch_fingerprints([codes])
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

    def document_frequency(self, hashes: np.ndarray) -> np.ndarray:
        """Number of documents holding each hash (tombstoned documents count until ``compact``)."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        lo = np.searchsorted(self._hashes, hashes, side="left")
        hi = np.searchsorted(self._hashes, hashes, side="right")
        dlo = np.searchsorted(self._delta_hashes, hashes, side="left")
        dhi = np.searchsorted(self._delta_hashes, hashes, side="right")
        return (hi - lo) + (dhi - dlo)

    def candidates(
        self, text: str | np.ndarray, limit: int = 30, *, max_df: int | None = None
    ) -> list[Candidate]:
        """The documents sharing the most (rarity-weighted) fingerprints with ``text``, best first.

        ``text`` is raw text or already-normalised uint32 code points. Fingerprints held by more than
        ``max_df`` documents (default ``default_max_df()``) are skipped: they are stock wording and
        would make every document a candidate.
        """
        codes = normalised_codes(text)[0] if isinstance(text, str) else text
        hashes = np.unique(fingerprints(codes)[0])
        return self.candidates_for_hashes(hashes, limit=limit, max_df=max_df)

    def candidates_for_hashes(
        self, hashes: np.ndarray, *, limit: int = 30, max_df: int | None = None
    ) -> list[Candidate]:
        """Like ``candidates`` for distinct fingerprint hashes already computed."""
        if len(hashes) == 0 or len(self) == 0 or limit <= 0:
            return []
        max_df = self.default_max_df() if max_df is None else max_df
        lo = np.searchsorted(self._hashes, hashes, side="left")
        hi = np.searchsorted(self._hashes, hashes, side="right")
        dlo = np.searchsorted(self._delta_hashes, hashes, side="left")
        dhi = np.searchsorted(self._delta_hashes, hashes, side="right")
        df = (hi - lo) + (dhi - dlo)
        useful = (df > 0) & (df <= max_df)
        weight = rarity(df, len(self))
        lo, hi, dlo, dhi, weight = lo[useful], hi[useful], dlo[useful], dhi[useful], weight[useful]

        main_pos = _gather_ranges(lo, hi)
        main_rows = np.asarray(self._rows[main_pos])
        main_w = np.repeat(weight, hi - lo)
        alive = ~self._dead[main_rows]
        doc_ids = [self._doc_ids[main_rows[alive]]]
        weights = [main_w[alive]]
        if len(self._delta_hashes):
            delta_pos = _gather_ranges(dlo, dhi)
            doc_ids.append(self._delta_docs[delta_pos])
            weights.append(np.repeat(weight, dhi - dlo))
        all_docs = np.concatenate(doc_ids)
        if len(all_docs) == 0:
            return []
        unique_docs, inverse, counts = np.unique(all_docs, return_inverse=True, return_counts=True)
        scores = np.bincount(inverse, weights=np.concatenate(weights), minlength=len(unique_docs))
        # Best score first; ties broken by the smaller id so results are reproducible.
        order = np.lexsort((unique_docs, -scores))[:limit]
        return [
            Candidate(doc_id=int(unique_docs[i]), shared=int(counts[i]), score=float(scores[i]))
            for i in order
        ]

    # ----- persistence -----
    def save(self, directory: Path | str) -> None:
        """Write the index to ``directory``; the main arrays only when they changed since last saved there.

        Files carry the generation in their names and ``meta.json`` (replaced atomically, last) names
        the current ones, so a process loading concurrently sees either the old or the new index.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        generation = self.generation or uuid.uuid4().hex
        meta_path = directory / "meta.json"
        previous = _read_meta(directory)
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
        tmp = directory / (delta_file + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                hashes=self._delta_hashes,
                docs=self._delta_docs,
                ids=delta_ids,
                lengths=delta_lengths,
                dead=np.flatnonzero(self._dead).astype(np.int64),
            )
        os.replace(tmp, directory / delta_file)
        meta = {
            "format": _FORMAT,
            "k": K,
            "window": WINDOW,
            "generation": generation,
            "documents": len(self),
            "main": main_files,
            "delta": delta_file,
        }
        tmp_meta = directory / "meta.json.tmp"
        tmp_meta.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        os.replace(tmp_meta, meta_path)
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

        Raises FileNotFoundError when ``directory`` holds no index.
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
        mode = "r" if mmap else None
        files = meta["main"]
        index._hashes = np.load(directory / files["hashes"], mmap_mode=mode)
        index._rows = np.load(directory / files["rows"], mmap_mode=mode)
        index._doc_ids = np.load(directory / files["doc_ids"])
        index._doc_lengths = np.load(directory / files["doc_lengths"])
        with np.load(directory / meta["delta"]) as delta:
            index._delta_hashes = delta["hashes"]
            index._delta_docs = delta["docs"]
            ids, lengths = delta["ids"], delta["lengths"]
            dead = delta["dead"]
        index._dead = np.zeros(len(index._doc_ids), dtype=bool)
        index._dead[dead] = True
        for doc_id, length in zip(ids.tolist(), lengths.tolist(), strict=True):
            index._delta[doc_id] = (index._delta_hashes[index._delta_docs == doc_id], length)
        index.generation = meta["generation"]
        index._main_files = dict(files)
        index._main_dirty = False
        return index


def stored_generation(directory: Path | str) -> str | None:
    """Generation of the index saved in ``directory`` (None if none): compare with ``index.generation``
    to know whether another process saved a newer index that should be loaded."""
    meta = _read_meta(Path(directory))
    return None if meta is None else meta.get("generation")


def _read_meta(directory: Path) -> dict | None:
    try:
        return json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _save_array(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    os.replace(tmp, path)


def _batches(
    docs: Iterable[tuple[int, str]], batch_chars: int
) -> Iterator[tuple[list[int], list[np.ndarray]]]:
    ids: list[int] = []
    codes: list[np.ndarray] = []
    size = 0
    for doc_id, text in docs:
        c = normalised_codes(text)[0]
        ids.append(int(doc_id))
        codes.append(c)
        size += len(c)
        if size >= batch_chars:
            yield ids, codes
            ids, codes, size = [], [], 0
    if ids:
        yield ids, codes


def rarity(df: np.ndarray, documents: int) -> np.ndarray:
    """log(1 + N / df): the weight of a fingerprint held by ``df`` of ``documents`` documents."""
    return np.log1p(max(documents, 1) / np.maximum(df, 1))


__all__ = [
    "GUARANTEE",
    "K",
    "WINDOW",
    "Candidate",
    "FingerprintIndex",
    "fingerprints",
    "kgram_hashes",
    "rarity",
    "stored_generation",
    "text_fingerprints",
    "winnow",
]

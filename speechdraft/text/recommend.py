"""素材推荐: rank reusable passages (blocks, corpus paragraphs) for the section being written.

The query is the jieba keywords of what the writer has in front of them — the slot's heading, its
写作提示 and the text so far — and the ranking is Okapi BM25 over jieba content words.

The index is an inverted file held in numpy arrays: for every word, the passages it occurs in and how
often. A query touches only the postings of its own few dozen words, so it answers in milliseconds
at hundreds of thousands of passages, where scanning every passage per query word (rank-bm25's
``get_scores``) does not; see ``bench/bench_recommend.py`` for both, measured in one run.
Building the index is the expensive part (jieba over the whole corpus), so callers build it once and
keep it until the corpus changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .tokenizer import content_words, word_weight

K1 = 1.5
B = 0.75
# Keywords taken from the writer's context: enough to describe a part, few enough that a long draft
# does not drown the heading's words.
MAX_QUERY_WORDS = 24
# Paragraphs shorter than this are titles, salutations and date lines: nothing to reuse.
MIN_PARAGRAPH_CHARS = 30


@dataclass(frozen=True)
class Recommendation:
    key: Hashable  # what the caller indexed the passage under, e.g. ("block", 12) or ("doc", 3, 5)
    score: float
    words: tuple[str, ...]  # the query words the passage contains, to show why it was suggested


def query_words(*texts: str, limit: int = MAX_QUERY_WORDS) -> list[str]:
    """The keywords of the writer's context, most telling first.

    Words are weighed by how often they occur in the context times how specific they are in general
    Chinese (jieba's dictionary frequencies), like jieba.analyse's TF-IDF but with our tokenizer and
    stop words, so that 代表 in every sentence does not outrank 乡村振兴 said once.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in content_words(text or "") if len(w) > 1)
    ranked = sorted(counts, key=lambda w: (-counts[w] * word_weight(w), w))
    return ranked[:limit]


def corpus_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of the reusable paragraphs of a document (stripped, at least MIN_PARAGRAPH_CHARS)."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) >= MIN_PARAGRAPH_CHARS:
            start = pos + line.index(stripped[0])
            yield start, start + len(stripped)
        pos += len(line) + 1


class PassageIndex:
    """BM25 over passages; build once with ``PassageIndex(passages)``, query with ``search``."""

    def __init__(self, passages: Iterable[tuple[Hashable, str]]) -> None:
        self._build((key, content_words(text)) for key, text in passages)

    @classmethod
    def from_words(cls, passages: Iterable[tuple[Hashable, list[str]]]) -> PassageIndex:
        """An index over passages already cut into content words."""
        index = cls.__new__(cls)
        index._build(passages)
        return index

    def _build(self, passages: Iterable[tuple[Hashable, list[str]]]) -> None:
        self.keys: list[Hashable] = []
        vocabulary: dict[str, int] = {}
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        tfs: list[np.ndarray] = []
        lengths: list[int] = []
        for key, words in passages:
            doc = len(self.keys)
            self.keys.append(key)
            lengths.append(len(words))
            counts = Counter(words)
            ids = np.fromiter(
                (vocabulary.setdefault(w, len(vocabulary)) for w in counts), np.int32, len(counts)
            )
            rows.append(ids)
            cols.append(np.full(len(counts), doc, np.int32))
            tfs.append(np.fromiter(counts.values(), np.float32, len(counts)))
        self.vocabulary = vocabulary
        self.lengths = np.asarray(lengths, np.float32)
        word_ids = np.concatenate(rows) if rows else np.zeros(0, np.int32)
        docs = np.concatenate(cols) if cols else np.zeros(0, np.int32)
        tf = np.concatenate(tfs) if tfs else np.zeros(0, np.float32)
        # Postings sorted by word: the postings of word w are [offsets[w], offsets[w + 1]).
        order = np.argsort(word_ids, kind="stable")
        self.docs = docs[order]
        self.tf = tf[order]
        self.offsets = np.zeros(len(vocabulary) + 1, np.int64)
        np.cumsum(np.bincount(word_ids, minlength=len(vocabulary)), out=self.offsets[1:])
        n = max(len(self.keys), 1)
        df = np.diff(self.offsets).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.average_length = float(self.lengths.mean()) if len(self.lengths) else 1.0
        self._position = {key: i for i, key in enumerate(self.keys)}

    def save(self, path: Path, keys_json: str) -> None:
        """Write the index to ``path`` (.npz); ``keys_json`` is the caller's serialisation of the keys."""
        words = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=str)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            words=words,
            docs=self.docs,
            tf=self.tf,
            offsets=self.offsets,
            idf=self.idf,
            lengths=self.lengths,
            keys=np.array([keys_json]),
        )
        tmp.replace(path)  # atomic: a worker never reads a half-written file

    @classmethod
    def load(cls, path: Path, keys_from_json: Callable[[str], list[Hashable]]) -> PassageIndex:
        with np.load(path, allow_pickle=False) as data:
            index = cls.__new__(cls)
            index.vocabulary = {str(w): i for i, w in enumerate(data["words"])}
            index.docs, index.tf, index.offsets = data["docs"], data["tf"], data["offsets"]
            index.idf, index.lengths = data["idf"], data["lengths"]
            index.keys = keys_from_json(str(data["keys"][0]))
        index.average_length = float(index.lengths.mean()) if len(index.lengths) else 1.0
        index._position = {key: i for i, key in enumerate(index.keys)}
        return index

    def __len__(self) -> int:
        return len(self.keys)

    def search(
        self, words: Iterable[str], *, limit: int = 10, exclude: Iterable[Hashable] = ()
    ) -> list[Recommendation]:
        """The ``limit`` best passages for ``words`` (best first), skipping the keys in ``exclude``."""
        scores = np.zeros(len(self.keys), np.float32)
        found: list[tuple[str, np.ndarray]] = []
        norm = K1 * (1 - B + B * self.lengths / max(self.average_length, 1e-6))
        for word in dict.fromkeys(words):
            w = self.vocabulary.get(word)
            if w is None:
                continue
            a, b = self.offsets[w], self.offsets[w + 1]
            docs, tf = self.docs[a:b], self.tf[a:b]
            scores[docs] += self.idf[w] * tf * (K1 + 1) / (tf + norm[docs])
            found.append((word, docs))
        skip = {self._position[key] for key in exclude if key in self._position}
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > limit + len(skip):
            top = np.argpartition(-scores[candidates], limit + len(skip))[: limit + len(skip)]
            candidates = candidates[top]
        ranked = sorted(candidates.tolist(), key=lambda i: (-scores[i], i))
        results = []
        for i in ranked:
            if i in skip:
                continue
            # Postings list their passages in ascending order, so membership is a binary search.
            words_in = tuple(word for word, docs in found if _contains(docs, i))
            results.append(Recommendation(self.keys[i], float(scores[i]), words_in))
            if len(results) == limit:
                break
        return results


def _contains(sorted_docs: np.ndarray, doc: int) -> bool:
    pos = int(np.searchsorted(sorted_docs, doc))
    return pos < len(sorted_docs) and int(sorted_docs[pos]) == doc

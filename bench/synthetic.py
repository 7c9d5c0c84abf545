"""Synthetic corpora of genre-like speeches for the similarity benchmarks (generated, never committed).

Documents are recombined from the seeds' clauses: every clause of the two seed speeches is a
template whose content words (nouns, verbs, adjectives, adverbs of jieba's dictionary) are replaced
at random by other words of the same part of speech and length. A pool of such clause variants is
drawn once; each document strings pool clauses into sentences and paragraphs under a title and a
salutation. The result reads like the genre (its stock wording and structure) while most runs of
15+ characters are rare, as in a real corpus of distinct speeches.

Generation is vectorised where it matters (numpy picks the clauses of all documents); 100,000
documents of ≈ 3,000 characters take about a minute on the benchmark machine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from speechdraft.text import tokenizer
from speechdraft.text.loading import load_document

SEEDS_DIR = Path(__file__).resolve().parent.parent / "speechdraft" / "library" / "seeds"
_CLAUSE = re.compile(r"[^，。；：！？、\n]+")
_TAGS = frozenset({"n", "v", "vn", "a", "ad", "d", "an", "nz", "ns"})
_TITLES = (
    "在全区人大代表培训班上的讲话",
    "在代表座谈会上的讲话",
    "在全县人大代表履职培训班开班式上的讲话",
    "在市人大常委会代表工作会议上的讲话",
    "在全区人大代表集中视察活动总结会上的讲话",
    "在镇人大代表小组活动上的讲话",
)


def seed_texts() -> list[str]:
    """The seed speeches, cleaned by the import pipeline (advertising lines removed)."""
    return [load_document(p.name, p.read_bytes()).text for p in sorted(SEEDS_DIR.glob("*.txt"))]


def _vocabulary() -> dict[tuple[str, int], list[str]]:
    """Common words of jieba's dictionary by (part of speech, length)."""
    vocabulary: dict[tuple[str, int], list[str]] = {}
    with tokenizer.tokenizer().get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            # Frequent words only: rare dictionary words make the text read like nonsense.
            if len(parts) == 3 and parts[2] in _TAGS and int(parts[1]) >= 3000 and 2 <= len(parts[0]) <= 4:
                vocabulary.setdefault((parts[2], len(parts[0])), []).append(parts[0])
    return vocabulary


def _word_tags() -> dict[str, str]:
    tags: dict[str, str] = {}
    with tokenizer.tokenizer().get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


class Generator:
    """Genre-like documents from the seeds' clauses with random same-class word substitutions."""

    def __init__(self, *, seed: int = 0, pool_size: int = 200_000, substitution: float = 0.35) -> None:
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        vocabulary = _vocabulary()
        tags = _word_tags()
        templates: list[list[tuple[str, tuple[str, int] | None]]] = []
        for text in seed_texts():
            for clause in _CLAUSE.findall(text):
                clause = clause.strip()
                if len(clause) < 4:
                    continue
                slots = []
                for word in tokenizer.cut(clause, hmm=False):
                    key = (tags.get(word, ""), len(word))
                    slots.append(
                        (word, key if key in vocabulary and word not in tokenizer.STOP_WORDS else None)
                    )
                templates.append(slots)
        self.pool = [self._variant(templates, vocabulary, substitution) for _ in range(pool_size)]

    def _variant(self, templates, vocabulary, substitution: float) -> str:
        template = self.rng.choice(templates)
        rng = self.rng
        return "".join(
            rng.choice(vocabulary[key]) if key is not None and rng.random() < substitution else word
            for word, key in template
        )

    def documents(self, count: int, *, chars: int = 3000, first_id: int = 1) -> Iterator[tuple[int, str]]:
        """``count`` documents of about ``chars`` characters, as (id, text)."""
        # Clauses average ≈ 12 characters and a comma: pick every document's clauses at once.
        per_doc = chars // 10 + 8
        picks = self.np_rng.integers(0, len(self.pool), size=(count, per_doc))
        sentence_len = self.np_rng.integers(2, 6, size=(count, per_doc))
        paragraph_len = self.np_rng.integers(3, 7, size=(count, per_doc))
        titles = self.np_rng.integers(0, len(_TITLES), size=count)
        pool = self.pool
        for i in range(count):
            parts = [_TITLES[titles[i]], "\n各位代表、同志们：\n"]
            size = 0
            k = 0
            sentences_in_paragraph = 0
            while size < chars and k < per_doc:
                n = int(sentence_len[i, k])
                clauses = [pool[j] for j in picks[i, k : k + n]]
                sentence = "，".join(clauses) + "。"
                parts.append(sentence)
                size += len(sentence)
                k += n
                sentences_in_paragraph += 1
                if sentences_in_paragraph >= paragraph_len[i, min(k, per_doc - 1)]:
                    parts.append("\n")
                    sentences_in_paragraph = 0
            yield first_id + i, "".join(parts).rstrip("\n")

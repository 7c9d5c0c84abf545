"""素材推荐 over the office's material: every block and every paragraph of the corpus.

The BM25 index (``text.recommend.PassageIndex``) is built once per process and kept until the
library changes; the signature below is what "changes" means. Building costs jieba over the whole
corpus (seconds at 10k documents), a query costs milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Count, Max, Sum

from speechdraft.text.recommend import PassageIndex, Recommendation, corpus_paragraphs, query_words

from .models import Block, CorpusDocument, CorpusJournal

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: tuple[tuple, PassageIndex] | None = None
_building: tuple | None = None  # the signature a background thread is building


class RecommendIndexPending(Exception):
    """The first index of a large corpus is still being built; ask again in a minute."""


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "block" | "corpus"
    id: int  # block id, or corpus document id
    start: int  # offsets of a corpus paragraph in its document (0, 0 for blocks)
    end: int
    title: str  # block title, or the corpus document's title
    text: str
    score: float
    words: tuple[str, ...]
    used: bool  # already in the speech


def _signature() -> tuple:
    blocks = Block.objects.aggregate(n=Count("id"), last=Max("id"))
    docs = CorpusDocument.objects.aggregate(n=Count("id"), last=Max("id"))
    # The corpus journal also records edits of a document's text, which counts and ids do not show.
    journal = CorpusJournal.objects.aggregate(last=Max("id"))
    return (blocks["n"], blocks["last"], docs["n"], docs["last"], journal["last"])


def _passages() -> Iterator[tuple[Hashable, str]]:
    for pk, title, body in Block.objects.values_list("pk", "title", "body").iterator():
        yield ("block", pk, 0, 0), f"{title}\n{body}"
    for pk, text in CorpusDocument.objects.values_list("pk", "text").iterator(chunk_size=200):
        for start, end in corpus_paragraphs(text):
            yield ("corpus", pk, start, end), text[start:end]


def build_index(passages: Iterable[tuple[Hashable, str]] | None = None) -> PassageIndex:
    return PassageIndex(_passages() if passages is None else passages)


def _cache_file(signature: tuple) -> Path:
    name = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
    return Path(settings.SPEECHDRAFT_CACHE_DIR) / f"recommend-{name}.npz"


def _keys_from_json(raw: str) -> list[Hashable]:
    return [tuple(key) for key in json.loads(raw)]


def _load_or_build(signature: tuple) -> PassageIndex:
    """Building costs jieba over the whole corpus (minutes at 10k documents); keep it on disk so that
    a restarted or second worker reads it in a second instead of building it again."""
    path = _cache_file(signature)
    if path.exists():
        try:
            return PassageIndex.load(path, _keys_from_json)
        except (OSError, ValueError, KeyError):
            log.warning("素材推荐 index %s unreadable, rebuilding", path)
    index = build_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path, json.dumps(index.keys))
        for old in path.parent.glob("recommend-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        log.warning("素材推荐 index could not be saved to %s", path)
    return index


def _corpus_is_small() -> bool:
    """Whether building now fits in a request: a few seconds of jieba, not minutes."""
    limit = getattr(settings, "SPEECHDRAFT_RECOMMEND_SYNC_CHARS", 1_000_000)
    total = CorpusDocument.objects.aggregate(chars=Sum("chars"))["chars"] or 0
    return total <= limit


def _build_in_background(signature: tuple) -> None:
    global _building
    try:
        index = _load_or_build(signature)
        with _lock:
            global _cached
            _cached = (signature, index)
    except Exception:  # a failed build must not leave the flag up and the panel waiting forever
        log.exception("素材推荐 index build failed")
    finally:
        close_old_connections()
        with _lock:
            _building = None


def current_index() -> PassageIndex | None:
    """The process's index, kept in step with the blocks and corpus documents.

    On a large corpus a build takes minutes (jieba over every paragraph), longer than any request
    may take: it runs in a thread while the previous index answers, and until a first index exists
    the panel says that it is being prepared (``None``). A small corpus is built in the request.
    """
    global _cached, _building
    signature = _signature()
    with _lock:
        if _cached is not None and _cached[0] == signature:
            return _cached[1]
        if _building == signature:
            return _cached[1] if _cached else None
    if _cache_file(signature).exists() or _corpus_is_small():
        index = _load_or_build(signature)
        with _lock:
            _cached = (signature, index)
        return index
    with _lock:
        if _building is None:
            _building = signature
            threading.Thread(target=_build_in_background, args=(signature,), daemon=True).start()
        return _cached[1] if _cached else None


def index_ready() -> bool:
    return current_index() is not None


def _squeeze(text: str) -> str:
    return "".join(text.split())


def recommend(
    *, heading: str, guidance: str, text: str, speech_text: str, used_blocks: set[int], limit: int = 8
) -> list[Suggestion]:
    """Material for one section, best first; what the speech already holds is marked ``used``."""
    words = query_words(heading, guidance, text)
    if not words:
        return []
    index = current_index()
    if index is None:
        raise RecommendIndexPending
    found: list[Recommendation] = index.search(words, limit=limit)
    block_ids = [r.key[1] for r in found if r.key[0] == "block"]
    doc_ids = {r.key[1] for r in found if r.key[0] == "corpus"}
    blocks = Block.objects.in_bulk(block_ids)
    docs = {d.pk: d for d in CorpusDocument.objects.filter(pk__in=doc_ids).only("title", "text")}
    squeezed = _squeeze(speech_text)
    suggestions = []
    for r in found:
        kind, pk, start, end = r.key
        if kind == "block":
            block = blocks.get(pk)
            if block is None:
                continue
            title, body = block.title, block.body
            used = pk in used_blocks or _squeeze(body)[:40] in squeezed
        else:
            doc = docs.get(pk)
            if doc is None:
                continue
            title, body = doc.title, doc.text[start:end]
            used = _squeeze(body)[:40] in squeezed
        suggestions.append(Suggestion(kind, pk, start, end, title, body, r.score, r.words, used))
    return suggestions

"""The 查重 fingerprint index on disk, kept in step with the corpus.

One copy is loaded per process (memory-mapped, so forked workers share its pages) and reloaded when
another process has saved a newer generation. Writers take a file lock so that two imports running in
different processes never lose each other's additions.
"""

import fcntl
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from speechdraft.text.fingerprints import FingerprintIndex, stored_generation

_lock = threading.Lock()
_loaded: dict[Path, FingerprintIndex] = {}


def index_dir() -> Path:
    return Path(settings.SPEECHDRAFT_INDEX_DIR)


@contextmanager
def _writing(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with _lock, open(directory / ".write.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _indexed_documents():
    from speechdraft.library.models import CorpusDocument

    return CorpusDocument.objects.indexed().order_by("pk").values_list("pk", "text").iterator(chunk_size=500)


def rebuild_index() -> FingerprintIndex:
    """Build the index from every indexed document (reference and boilerplate) and save it."""
    directory = index_dir()
    index = FingerprintIndex.build(_indexed_documents())
    with _writing(directory):
        index.save(directory)
        _loaded[directory] = index
    return index


def current_index() -> FingerprintIndex:
    """The latest saved index; built from the database the first time it is needed."""
    directory = index_dir()
    generation = stored_generation(directory)
    if generation is None:
        return rebuild_index()
    with _lock:
        index = _loaded.get(directory)
        if index is None or index.generation != generation:
            index = _loaded[directory] = FingerprintIndex.load(directory)
        return index


def _update(change) -> None:
    directory = index_dir()
    if stored_generation(directory) is None:
        rebuild_index()  # builds from the database, which already holds (or lacks) the document
        return
    with _writing(directory):
        # Mapped, not copied: an edit touches only the small delta and tombstones, and save() leaves
        # the large main arrays on disk as they are.
        index = FingerprintIndex.load(directory, mmap=True)
        change(index)
        index.save(directory)
        _loaded[directory] = index


# Above this many new documents a full vectorised rebuild from the database is cheaper than adding
# them one by one to the delta (bench/bench_import.py measures both paths).
REBUILD_BATCH = 50


def index_documents_added(documents: list[tuple[int, str]]) -> None:
    """Add freshly imported documents; one write for a whole batch of files."""
    if not documents:
        return
    if len(documents) > REBUILD_BATCH:
        rebuild_index()
        return

    def add_all(index):
        for doc_id, text in documents:
            index.add(doc_id, text)

    _update(add_all)


def index_document_changed(doc_id: int, text: str | None) -> None:
    """Re-index a document after an edit; ``None`` takes it out (deleted, or no longer for reference)."""
    _update(lambda index: index.add(doc_id, text) if text is not None else index.remove(doc_id))


def index_exists() -> bool:
    return stored_generation(index_dir()) is not None


def warm_up() -> None:
    """Load everything a check needs (jieba, the normalisation tables, the index) ahead of the first
    check, so that no user waits seconds for it and forked workers share the memory."""
    from speechdraft.text import similarity

    similarity.warm_up()
    current_index()

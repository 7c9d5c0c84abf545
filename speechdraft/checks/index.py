"""The 查重 fingerprint index on disk: a cache of the corpus that follows the database.

The database is the truth. Every change of a corpus document is journalled (``library.CorpusJournal``)
in the same transaction as the change, so a rolled-back import leaves nothing to index. The index
records which database it was built from (``library.DatabaseIdentity``) and the last journal entry it
holds. Before every check one query compares that with the database, then the index

- is used as it is (nothing new),
- catches up by re-reading the documents named by the new journal entries (a few), or
- is rebuilt from the database: when it belongs to another database (other DATABASE_URL), when the
  journal is behind it (a restored backup), when it is too far behind, or when its files are missing,
  truncated or unreadable (logged, never a 500).

So every host (each with its own index directory) finds what was imported through any other.

One copy is loaded per process (memory-mapped, so forked workers share its pages) and reloaded when
another process has saved a newer generation. Writers take a file lock so that two processes of one
host never lose each other's additions. A full rebuild builds without the lock: checks keep using the
previous index plus the journal until the new one is swapped in.
"""

import fcntl
import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from speechdraft.library.models import CorpusDocument, CorpusJournal, DatabaseIdentity, database_identity
from speechdraft.text import similarity
from speechdraft.text.fingerprints import CorruptIndex, FingerprintIndex, stored_generation

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded: dict[Path, FingerprintIndex] = {}
# Indexes this process could not save: the generation on disk then, the index, when it last failed.
_unsaved: dict[Path, tuple[str | None, FingerprintIndex, float]] = {}
# Saving again writes the whole index (hundreds of MB at 100k documents): not at every check of a full disk.
RETRY_SAVE_SECONDS = 60.0

# Journal ids are handed out when a transaction inserts, not when it commits: an entry may appear below
# the position already held. The index remembers how many entries it saw in the LOOKBACK ids up to its
# position; when that count changes, the entries of that window are applied again (idempotently).
LOOKBACK = 200
# A full rebuild blocks the process that runs it (37 s at 100k documents), so a valid index catches up
# document by document unless it is further behind than this many journal entries and than an eighth of
# its size (about where adding one by one costs as much as rebuilding everything).
REBUILD_BATCH = 200


def index_dir() -> Path:
    return Path(settings.SPEECHDRAFT_INDEX_DIR)


@contextmanager
def _writing(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".write.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ----- the database side -----


def _journal_rows(sql_tail: str, params: list) -> list[tuple[int, int, str]]:
    journal = connection.ops.quote_name(CorpusJournal._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, document_id, created_at FROM {journal} {sql_tail}", params)
        return [(int(i), int(d), str(c)) for i, d, c in cursor.fetchall()]


def database_state(position: int) -> tuple[str, int, str, int]:
    """One cheap query: (database id, last journal id, mark of the entry at ``position``, number of
    entries in the LOOKBACK ids up to ``position``). The mark tells a restored backup, whose journal
    reached the same id again with other entries, from the database the index was built on."""
    journal = connection.ops.quote_name(CorpusJournal._meta.db_table)
    identity = connection.ops.quote_name(DatabaseIdentity._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT uid FROM {identity} ORDER BY id LIMIT 1),"
            f" (SELECT MAX(id) FROM {journal}),"
            f" (SELECT created_at FROM {journal} WHERE id = %s),"
            f" (SELECT COUNT(*) FROM {journal} WHERE id > %s AND id <= %s)",
            [position, position - LOOKBACK, position],
        )
        uid, last, mark, window = cursor.fetchone()
    if uid is None:  # a flushed test database; a migrated one always has its row
        uid = database_identity()
    return uid, int(last or 0), "" if mark is None else str(mark), int(window or 0)


def _bookkeeping(uid: str, position: int, rows: list[tuple[int, int, str]]) -> dict:
    """What the index records about the database, from journal rows covering the LOOKBACK window."""
    mark = next((c for i, _, c in rows if i == position), "")
    window = sum(1 for i, _, _ in rows if position - LOOKBACK < i <= position)
    return {"database": uid, "journal": position, "mark": mark, "window": window}


def _indexed_documents():
    return CorpusDocument.objects.indexed().order_by("pk").values_list("pk", "text").iterator(chunk_size=500)


# ----- building, loading, catching up -----


def rebuild_index() -> FingerprintIndex:
    """Build the index from every indexed document (reference and boilerplate) and swap it in.

    The journal position is read before the documents: a change committed meanwhile is applied again
    by the next catch-up, which is harmless. Nothing is locked while building.
    """
    directory = index_dir()
    uid, last, _, _ = database_state(0)
    rows = _journal_rows("WHERE id > %s AND id <= %s ORDER BY id", [last - LOOKBACK, last])
    index = FingerprintIndex.build(_indexed_documents())
    _store(directory, index, _bookkeeping(uid, last, rows))
    return index


def _store(directory: Path, index: FingerprintIndex, extra: dict) -> None:
    """Save the index and make it this process's; when the disk refuses it (full, read-only, gone),
    keep answering from memory: the next check that finds the disk as it was uses this index, and
    after RETRY_SAVE_SECONDS one tries to save it again."""
    try:
        with _writing(directory):
            index.save(directory, extra=extra)
            _loaded[directory] = index
    except OSError as exc:
        _keep_unsaved(directory, index, extra, exc)
        return
    if _unsaved.pop(directory, None) is not None:
        log.info("查重索引已保存到 %s", directory)


def _keep_unsaved(directory: Path, index: FingerprintIndex, extra: dict, exc: OSError) -> None:
    log.error("查重索引无法保存到 %s（%s）；本进程暂用内存中的索引，磁盘恢复后自动保存", directory, exc)
    index.extra = dict(extra)
    _unsaved[directory] = (stored_generation(directory), index, time.monotonic())


def _load(directory: Path) -> FingerprintIndex | None:
    """The saved index, from this process's cache when still current and intact; None when it must be
    rebuilt (missing, unreadable, truncated: logged)."""
    generation = stored_generation(directory)
    unsaved = _unsaved.get(directory)
    if unsaved is not None and unsaved[0] == generation and unsaved[1].intact():
        return unsaved[1]  # newer than what is on disk, which has not changed since it could not be saved
    cached = _loaded.get(directory)
    if cached is not None and generation is not None and cached.generation == generation and cached.intact():
        return cached
    if generation is None and not (directory / "meta.json").exists():
        return None
    try:
        index = FingerprintIndex.load(directory, mmap=True)
    except FileNotFoundError as exc:
        log.warning("查重 index at %s is incomplete (%s); rebuilding it from the database", directory, exc)
        return None
    except (CorruptIndex, OSError, ValueError) as exc:
        log.warning("查重 index at %s is unreadable (%s); rebuilding it from the database", directory, exc)
        return None
    _loaded[directory] = index
    return index


def _catch_up(index: FingerprintIndex, directory: Path) -> FingerprintIndex:
    held = index.extra
    try:
        position = int(held.get("journal", -1))
    except (TypeError, ValueError):
        position = -1
    uid, last, mark, window = database_state(position)
    if held.get("database") != uid:
        log.info("查重 index at %s belongs to another database; rebuilding", directory)
        return rebuild_index()
    if position < 0 or last < position or mark != held.get("mark"):
        log.info(
            "查重 index at %s is ahead of the database's journal (restored backup?); rebuilding", directory
        )
        return rebuild_index()
    late = window != held.get("window")
    if last == position and not late:
        return index
    if last - position > max(REBUILD_BATCH, len(index) // 8):
        return rebuild_index()
    since = position - LOOKBACK if late else position
    rows = _journal_rows("WHERE id > %s ORDER BY id", [min(since, last - LOOKBACK)])
    changed = list(dict.fromkeys(d for i, d, _ in rows if i > since))
    texts = dict(CorpusDocument.objects.indexed().filter(pk__in=changed).values_list("pk", "text"))
    applied_to = max((i for i, _, _ in rows), default=last)
    changes = {doc_id: texts.get(doc_id) for doc_id in changed}
    extra = _bookkeeping(uid, applied_to, rows)
    applied = False
    try:
        with _writing(directory):
            # Another process of this host may have saved meanwhile: apply on top of the latest save.
            if stored_generation(directory) not in (None, index.generation):
                index = _load(directory) or index
            index.apply(changes)
            applied = True
            index.save(directory, extra=extra)
            _loaded[directory] = index
    except OSError as exc:
        if not applied:
            index.apply(changes)
        _keep_unsaved(directory, index, extra, exc)
        return index
    _unsaved.pop(directory, None)
    return index


def current_index() -> FingerprintIndex:
    """The index, up to date with the database's journal; rebuilt from the database when it must be."""
    directory = index_dir()
    with _lock:
        index = _load(directory)
        if index is None:
            return rebuild_index()
        index = _catch_up(index, directory)
        unsaved = _unsaved.get(directory)
        if (
            unsaved is not None
            and unsaved[1] is index
            and unsaved[0] == stored_generation(directory)
            and time.monotonic() - unsaved[2] >= RETRY_SAVE_SECONDS
        ):
            _store(directory, index, index.extra)
        return index


def index_exists() -> bool:
    return stored_generation(index_dir()) is not None


def warm_up() -> None:
    """Load everything a check needs (jieba, the normalisation tables, the index) ahead of the first
    check, so that no user waits seconds for it and forked workers share the memory. A failure here is
    logged, never fatal: the first check tries again."""
    similarity.warm_up()
    try:
        current_index()
    except Exception:
        log.exception("查重 index could not be prepared at start-up; the first check will try again")
    finally:
        # The check asked the database where the journal stands. Under gunicorn --preload this runs in
        # the master before it forks: a connection left open would be shared by every worker.
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close()

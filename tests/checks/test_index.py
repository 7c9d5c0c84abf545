"""The on-disk 查重 index follows the corpus: imports add to it, rebuild_index recreates it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from speechdraft.checks.index import current_index, index_exists
from speechdraft.library.services import corpus_import_files
from tests.conftest import SEED_000, SEED_004, seed_004_part

pytestmark = pytest.mark.django_db


def test_imported_documents_are_in_the_index():
    outcomes = corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    assert outcomes[0].id in current_index()


def test_rebuild_index_command_reports_documents_and_is_skipped_when_present():
    corpus_import_files(
        files=[("000.txt", SEED_000.read_bytes(), "000.txt"), ("004.txt", SEED_004.read_bytes(), "004.txt")]
    )
    out = StringIO()
    call_command("rebuild_index", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["documents"] == 2 and figures["fingerprints"] > 100
    assert index_exists()
    quiet = StringIO()
    call_command("rebuild_index", "--if-missing", stdout=quiet)
    assert quiet.getvalue() == ""


def test_documents_neither_reference_nor_boilerplate_stay_out_of_the_index():
    from speechdraft.library.models import CorpusDocument

    (outcome,) = corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    CorpusDocument.objects.filter(pk=outcome.id).update(is_reference=False)
    call_command("rebuild_index", stdout=StringIO())
    assert outcome.id not in current_index()


def test_admin_toggling_reference_and_deleting_keeps_the_index_in_step(client, manager):
    from django.urls import reverse

    from speechdraft.library.models import CorpusDocument

    (outcome,) = corpus_import_files(files=[("004.txt", SEED_004.read_bytes(), "004.txt")])
    client.force_login(manager)
    url = reverse("admin:library_corpusdocument_change", args=[outcome.id])
    doc = CorpusDocument.objects.get(pk=outcome.id)
    response = client.post(
        url,
        {"title": doc.title, "text": doc.text, "source_filename": doc.source_filename, "is_boilerplate": ""},
    )
    assert response.status_code == 302
    assert outcome.id not in current_index()
    response = client.post(
        url,
        {"title": doc.title, "text": doc.text, "source_filename": doc.source_filename, "is_reference": "on"},
    )
    assert outcome.id in current_index()
    client.post(reverse("admin:library_corpusdocument_delete", args=[outcome.id]), {"post": "yes"})
    assert not CorpusDocument.objects.exists()
    assert outcome.id not in current_index()


# ---------------------------------------------------------------------------------------------------
# The database is the truth: the index follows its journal, on any number of hosts.


def found_sources(text: str) -> set[int]:
    from speechdraft.checks.services import similarity_check_text

    return {m.source_id for m in similarity_check_text(text).matches}


def import_text(text: str, title: str) -> int:
    (outcome,) = corpus_import_files(files=[(f"{title}.txt", text.encode("utf-8"), f"{title}.txt")])
    assert outcome.status == "imported", outcome
    return outcome.id


PART = seed_004_part()
OTHER = seed_004_part("三、")


def test_a_rolled_back_import_never_reaches_the_index():
    from django.db import transaction

    from speechdraft.library.models import CorpusJournal

    import_seed_000 = import_text(SEED_000.read_text(encoding="utf-8"), "000")
    assert import_seed_000 in current_index()
    journal_before = CorpusJournal.objects.count()

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        rolled_back = import_text(SEED_004.read_text(encoding="utf-8"), "004")
        raise Abandoned
    assert CorpusJournal.objects.count() == journal_before
    assert rolled_back not in current_index()
    assert found_sources(PART) == set()


def test_a_document_imported_through_one_host_is_found_by_the_next_check_on_another(settings, tmp_path):
    host_a, host_b = tmp_path / "host-a" / "index", tmp_path / "host-b" / "index"
    first = import_text(SEED_000.read_text(encoding="utf-8"), "000")
    for host in (host_a, host_b):  # both hosts have a working index before the import
        settings.SPEECHDRAFT_INDEX_DIR = host
        assert first in current_index()

    settings.SPEECHDRAFT_INDEX_DIR = host_a
    second = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    settings.SPEECHDRAFT_INDEX_DIR = host_b
    assert found_sources(PART) == {second}

    # …and the other way round, for an edit that takes the document out of 查重 through host B.
    from speechdraft.library.models import CorpusDocument

    doc = CorpusDocument.objects.get(pk=second)
    doc.is_reference = False
    doc.save()
    settings.SPEECHDRAFT_INDEX_DIR = host_a
    assert found_sources(PART) == set()
    assert second not in current_index()


def _forget_journal_and_documents(*pks):
    """What another database (or an older backup) looks like from here: rows the index saw are gone
    without any journal entry saying so."""
    from django.db import connection

    from speechdraft.library.models import CorpusDocument, CorpusJournal

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CorpusDocument._meta.db_table} WHERE id IN ({','.join(['%s'] * len(pks))})", pks
        )
    CorpusJournal.objects.filter(document_id__in=pks).delete()


def test_an_index_built_on_another_database_is_never_used():
    from speechdraft.library.models import DatabaseIdentity, database_identity

    ours = import_text(SEED_000.read_text(encoding="utf-8"), "000")
    theirs = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    assert {ours, theirs} <= set(current_index().doc_ids())
    # Point the app at "another database": its own identity, and it never held document `theirs`.
    database_identity()
    DatabaseIdentity.objects.update(uid="another-database")
    _forget_journal_and_documents(theirs)
    assert current_index().doc_ids() == [ours]
    assert found_sources(PART) == set()


def test_a_restored_backup_never_uses_the_index_built_after_it():
    from speechdraft.library.models import CorpusJournal

    ours = import_text(SEED_000.read_text(encoding="utf-8"), "000")
    later = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    assert later in current_index()
    # The backup was taken before `later` was imported: its journal ends before the index's position.
    _forget_journal_and_documents(later)
    assert CorpusJournal.objects.filter(document_id=later).count() == 0
    assert current_index().doc_ids() == [ours]
    assert found_sources(PART) == set()


def test_a_restored_backup_whose_journal_reached_the_same_length_again_is_told_apart():
    from speechdraft.library.models import CorpusJournal

    import_text(SEED_000.read_text(encoding="utf-8"), "000")
    later = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    held = current_index().extra["journal"]
    _forget_journal_and_documents(later)
    # The restored database goes on: a different document's entry ends up with the same journal id.
    other = import_text("各位代表：\n" + OTHER + "\n谢谢大家。", "other")
    CorpusJournal.objects.filter(document_id=other).update(id=held)
    assert later not in current_index()
    assert other in current_index()


# ---------------------------------------------------------------------------------------------------
# Self-healing storage: whatever happens to the files, a 查重 still answers correctly.


def _index_files():
    from speechdraft.checks.index import index_dir

    return sorted(p.name for p in index_dir().iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("damage", ["truncate", "delete", "garble"])
def test_a_damaged_index_file_is_rebuilt_and_the_check_still_answers(damage):
    from speechdraft.checks.index import index_dir

    source = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    import_text(SEED_000.read_text(encoding="utf-8"), "000")
    assert found_sources(PART) == {source}  # the app is running: the index is loaded and mapped
    names = _index_files()
    assert "meta.json" in names and len(names) >= 5
    for name in names:
        path = index_dir() / name
        if not path.exists():  # a rebuild after the previous damage renamed the generation
            path = index_dir() / next(n for n in _index_files() if n.split("-")[-1] == name.split("-")[-1])
        if damage == "truncate":
            with open(path, "r+b") as fh:
                fh.truncate(max(0, path.stat().st_size // 2))
        elif damage == "delete":
            path.unlink()
        else:
            path.write_bytes(b"\x00garbage" * 3)
        assert found_sources(PART) == {source}, name


def test_a_disk_that_refuses_the_index_never_stops_a_check(monkeypatch, caplog):
    import errno

    from speechdraft.checks import index as index_module
    from speechdraft.text.fingerprints import stored_generation

    source = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    real_save = index_module.FingerprintIndex.save
    saves = []

    def full_disk(self, directory, **kwargs):
        saves.append(directory)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(index_module.FingerprintIndex, "save", full_disk)
    # Nothing on disk yet: the index is built, cannot be saved, and answers from memory.
    assert found_sources(PART) == {source}
    assert "查重索引无法保存" in caplog.text and stored_generation(index_module.index_dir()) is None
    # The next check uses it instead of building it again; a new import is caught up in memory.
    builds = []
    real_build = index_module.FingerprintIndex.build
    monkeypatch.setattr(
        index_module.FingerprintIndex,
        "build",
        staticmethod(lambda docs: builds.append(1) or real_build(docs)),
    )
    other = import_text(SEED_000.read_text(encoding="utf-8"), "000")
    assert found_sources(PART) == {source}
    assert other in current_index() and builds == []
    # Space again: a check after the retry delay saves what it holds, and a fresh process loads it.
    monkeypatch.setattr(index_module.FingerprintIndex, "save", real_save)
    assert found_sources(PART) == {source}
    assert stored_generation(index_module.index_dir()) is None  # not at every check of a full disk
    monkeypatch.setattr(index_module, "RETRY_SAVE_SECONDS", 0.0)
    assert found_sources(PART) == {source}
    assert stored_generation(index_module.index_dir()) is not None
    index_module._loaded.clear()
    saved = index_module.FingerprintIndex.load(index_module.index_dir())
    assert source in saved and other in saved


def test_rebuild_index_if_missing_repairs_a_truncated_index_and_never_fails():
    from speechdraft.checks.index import index_dir

    source = import_text(SEED_004.read_text(encoding="utf-8"), "004")
    call_command("rebuild_index", stdout=StringIO())
    (index_dir() / "meta.json").write_text('{"format": 1, "ma', encoding="utf-8")
    err = StringIO()
    call_command("rebuild_index", "--if-missing", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
    assert source in current_index()


def test_a_full_rebuild_never_blocks_checks_which_use_the_previous_index_and_the_journal(monkeypatch):
    from speechdraft.checks import index as index_module

    import_text(SEED_000.read_text(encoding="utf-8"), "000")
    current_index()  # the index every host has before the rebuild starts
    source = import_text(SEED_004.read_text(encoding="utf-8"), "004")  # journalled, not yet indexed
    real_build = index_module.FingerprintIndex.build
    answered_during_build = []

    def slow_build(docs):
        # Halfway through a long rebuild, a user presses 查重: no lock is held, the previous index plus
        # the journal answers.
        answered_during_build.append(found_sources(PART))
        return real_build(docs)

    monkeypatch.setattr(index_module.FingerprintIndex, "build", staticmethod(slow_build))
    call_command("rebuild_index", stdout=StringIO())
    assert answered_during_build == [{source}]
    assert found_sources(PART) == {source}


@pytest.mark.django_db(transaction=True)
def test_warm_up_before_the_server_forks_leaves_no_database_connection_to_share():
    from django.db import connection

    from speechdraft.checks.index import warm_up

    import_text(SEED_004.read_text(encoding="utf-8"), "004")
    warm_up()  # gunicorn --preload: runs in the master, which then forks its workers
    assert connection.connection is None
    assert found_sources(PART)  # the next check simply connects again

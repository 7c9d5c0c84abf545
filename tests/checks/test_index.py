"""The on-disk 查重 index follows the corpus: imports add to it, rebuild_index recreates it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from speechdraft.checks.index import current_index, index_exists
from speechdraft.library.services import corpus_import_files
from tests.conftest import SEED_000, SEED_004

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

import pytest
from django.db import connection

from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db


def test_revision_snapshots_store_chinese_as_text_not_escapes(drafter):
    speech = make_speech(drafter)
    revision = speech.revisions.get()
    with connection.cursor() as cursor:
        # CAST keeps PostgreSQL's jsonb and SQLite's text comparable as the stored characters.
        cursor.execute("SELECT CAST(snapshot AS TEXT) FROM drafting_revision WHERE id = %s", [revision.pk])
        (raw,) = cursor.fetchone()
    assert "提高认识" in raw and "\\u" not in raw

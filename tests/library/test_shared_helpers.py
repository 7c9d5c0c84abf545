"""Library views share the page helper and the text cleaning of every form (see speechdraft/pages.py
and speechdraft/formtools.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_block_with_nul_in_its_text_is_stored_without_it(client, drafter):
    from speechdraft.library.models import Block

    client.force_login(drafter)
    response = client.post(
        reverse("library:block_new"),
        {"title": "依法\x00履职", "role": "part", "body": "正文\x00。", "tag_names": ""},
    )
    assert response.status_code == 302
    block = Block.objects.get()
    assert (block.title, block.body) == ("依法履职", "正文。")


def test_block_search_answers_htmx_history_restore_with_the_whole_page(client, drafter):
    client.force_login(drafter)
    url = reverse("library:blocks")
    fragment = client.get(url, {"q": "履职"}, headers={"HX-Request": "true"})
    restore = client.get(
        url, {"q": "履职"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" not in fragment.content.decode() and "<html" in restore.content.decode()
    assert "HX-Request" in fragment["Vary"]

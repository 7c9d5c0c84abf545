"""Who may open what: every speech URL against the anonymous, a stranger, a 可查看 and a 可编辑 colleague."""

import pytest
from django.urls import reverse

from speechdraft.drafting.models import Speech
from tests.drafting.factories import make_speech, save_payload, share

pytestmark = pytest.mark.django_db

# (method, url name, what it needs): "view" = owner or any share, "write" = owner or 可编辑, "owner" = owner only.
SPEECH_URLS = [
    ("get", "drafting:editor", "view"),
    ("post", "drafting:save", "write"),
    ("get", "drafting:preview", "view"),
    ("get", "drafting:placeholders", "view"),
    ("get", "drafting:blocks", "view"),
    ("post", "drafting:section_new", "write"),
    # 存为素材 and 复制 would take the owner's text away: a 可查看 share does not allow them (#11.3).
    ("get", "drafting:section_to_block", "write"),
    ("post", "drafting:section_to_block", "write"),
    ("get", "drafting:history", "view"),
    ("get", "drafting:revision", "view"),
    ("post", "drafting:revision_restore", "write"),
    ("post", "drafting:revision_name", "write"),
    ("post", "drafting:duplicate", "write"),
    ("get", "drafting:delete", "owner"),
    ("post", "drafting:delete", "owner"),
    ("get", "drafting:share", "owner"),
    ("post", "drafting:share", "owner"),
    ("post", "drafting:share_remove", "owner"),
]
ALLOWED = {"view": {"owner", "viewer", "editor"}, "write": {"owner", "editor"}, "owner": {"owner"}}


def _url(name, speech):
    args = [speech.pk]
    if name == "drafting:section_to_block":
        args.append(speech.sections.first().pk)
    elif name in {"drafting:revision", "drafting:revision_restore", "drafting:revision_name"}:
        args.append(1)
    elif name == "drafting:share_remove":
        args.append(speech.shares.first().pk)
    return reverse(name, args=args)


def _data(name, speech):
    if name == "drafting:save":
        return save_payload(speech)
    if name == "drafting:section_to_block":
        return {"title": "素材", "role": "part", "body": "正文"}
    if name == "drafting:revision_name":
        return {"name": "送审稿"}
    if name == "drafting:section_new":
        return {"role": "part"}
    return {}


@pytest.fixture
def speech(drafter, colleague):
    speech = make_speech(drafter)
    share(speech, colleague)
    return speech


@pytest.mark.parametrize(("method", "name", "needs"), SPEECH_URLS)
def test_anonymous_is_sent_to_login(client, speech, method, name, needs):
    response = getattr(client, method)(_url(name, speech), _data(name, speech))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["drafting:list", "drafting:trash", "drafting:new"])
def test_anonymous_is_sent_to_login_from_the_lists(client, name):
    assert client.get(reverse(name))["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "name", "needs"), SPEECH_URLS)
def test_other_users_speech_is_404(client, speech, manager, method, name, needs):
    # Even a 管理员 does not read other people's drafts through the editor.
    client.force_login(manager)
    assert getattr(client, method)(_url(name, speech), _data(name, speech)).status_code == 404


@pytest.mark.parametrize(("method", "name", "needs"), SPEECH_URLS)
def test_each_url_answers_according_to_the_share(client, drafter, colleague, method, name, needs):
    for persona in ("viewer", "editor", "owner"):
        # A fresh speech per persona: the owner's POSTs (delete, restore) change what the next one sees.
        speech = make_speech(drafter)
        share(speech, colleague, can_edit=persona == "editor")
        client.force_login(drafter if persona == "owner" else colleague)
        response = getattr(client, method)(_url(name, speech), _data(name, speech))
        if persona in ALLOWED[needs]:
            assert response.status_code in (200, 302), (persona, response.content[:300])
        else:
            assert response.status_code == 404, persona


def test_a_read_only_share_cannot_save_and_nothing_changes(client, speech, colleague):
    client.force_login(colleague)
    response = client.post(
        reverse("drafting:save", args=[speech.pk]), save_payload(speech, title="被改掉的标题")
    )
    assert response.status_code == 404
    speech.refresh_from_db()
    assert speech.title == "在全区人大代表培训班上的讲话" and speech.version == 1


def test_a_read_only_share_sees_the_editor_without_save(client, speech, colleague):
    client.force_login(colleague)
    html = client.get(reverse("drafting:editor", args=[speech.pk])).content.decode()
    assert "只有查看权限" in html
    assert 'id="save-button"' not in html and "sd-insert" not in html
    assert "readonly" in html and 'data-can-edit="0"' in html


@pytest.mark.parametrize(("method", "name", "needs"), SPEECH_URLS)
def test_a_speech_in_the_trash_is_404_everywhere_but_the_trash(client, speech, drafter, method, name, needs):
    url, data = _url(name, speech), _data(name, speech)
    Speech.objects.filter(pk=speech.pk).update(deleted_at="2026-01-01T00:00:00Z")
    client.force_login(drafter)
    assert getattr(client, method)(url, data).status_code == 404


def test_only_the_owner_restores_from_the_trash(client, speech, drafter, colleague):
    Speech.objects.filter(pk=speech.pk).update(deleted_at="2026-01-01T00:00:00Z")
    url = reverse("drafting:untrash", args=[speech.pk])
    client.force_login(colleague)
    assert client.post(url).status_code == 404
    client.force_login(drafter)
    assert client.post(url).status_code == 302
    assert Speech.objects.alive().filter(pk=speech.pk).exists()


def test_untrash_of_a_live_speech_is_404(client, speech, drafter):
    client.force_login(drafter)
    assert client.post(reverse("drafting:untrash", args=[speech.pk])).status_code == 404

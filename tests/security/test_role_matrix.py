"""Who may open what, over EVERY URL pattern of the URLconf (issue #11.3), for seven personas:
anonymous, a user with no role, the 起草人 who owns a speech, a 可查看 and a 可编辑 colleague, a 管理员
with no share, and a superuser.

URLs are resolved from the URLconf, so a URL added later is covered too: unless it is listed in
EXPECTED, it must send the anonymous to a login page (or refuse them), show the no-role page to a user
without a role, and answer everybody else without a server error.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from speechdraft.roles import DRAFTER_GROUP, MANAGER_GROUP
from tests.conftest import PASSWORD, make_block, make_document
from tests.drafting.factories import make_speech, share

PERSONAS = ["anonymous", "no_role", "owner", "viewer", "editor", "manager", "superuser"]

# What each kind of URL allows. "ok": answered (2xx, 3xx elsewhere, 400, 503); "login": sent to a login
# page; "no_role": the 请联系管理员分配角色 page; "denied": 403 or 404 (or the admin's "no such object").
_ROLE = {"anonymous": "login", "no_role": "no_role"}
KINDS = {
    "public": dict.fromkeys(PERSONAS, "ok"),
    "logout": dict.fromkeys(PERSONAS, "login"),
    "role": {**dict.fromkeys(PERSONAS, "ok"), **_ROLE},
    "manager": {
        **_ROLE,
        "owner": "denied",
        "viewer": "denied",
        "editor": "denied",
        "manager": "ok",
        "superuser": "ok",
    },
    "view": {
        **_ROLE,
        "owner": "ok",
        "viewer": "ok",
        "editor": "ok",
        "manager": "denied",
        "superuser": "denied",
    },
    "write": {
        **_ROLE,
        "owner": "ok",
        "viewer": "denied",
        "editor": "ok",
        "manager": "denied",
        "superuser": "denied",
    },
    "owner": {
        **_ROLE,
        "owner": "ok",
        "viewer": "denied",
        "editor": "denied",
        "manager": "denied",
        "superuser": "denied",
    },
    # The admin: non-staff accounts are sent to its login page.
    "staff": {
        **_ROLE,
        "owner": "login",
        "viewer": "login",
        "editor": "login",
        "manager": "ok",
        "superuser": "ok",
    },
    "superuser_admin": {
        **_ROLE,
        "owner": "login",
        "viewer": "login",
        "editor": "login",
        "manager": "denied",
        "superuser": "ok",
    },
    # The admin's login and logout pages: staff are sent on to the admin index, others see the page.
    "admin_session": {**dict.fromkeys(PERSONAS, "ok|login|denied"), "no_role": "no_role"},
    "nobody_admin": {
        **_ROLE,
        "owner": "login",
        "viewer": "login",
        "editor": "login",
        "manager": "denied",
        "superuser": "denied",
    },
}

POST_ONLY = {
    "logout",
    "admin:logout",
    "drafting:save",
    "drafting:section_new",
    "drafting:revision_restore",
    "drafting:revision_name",
    "drafting:duplicate",
    "drafting:untrash",
    "drafting:share_remove",
    "checks:run",
    "library:block_delete",
}

EXPECTED = {
    "home": "role",
    "login": "public",
    "logout": "logout",
    "drafting:list": "role",
    "drafting:trash": "role",
    "drafting:new": "role",
    "drafting:editor": "view",
    "drafting:save": "write",
    "drafting:preview": "view",
    "drafting:placeholders": "view",
    "drafting:blocks": "view",
    "drafting:section_new": "write",
    "drafting:section_to_block": "write",
    "drafting:history": "view",
    "drafting:revision": "view",
    "drafting:revision_restore": "write",
    "drafting:revision_name": "write",
    "drafting:duplicate": "write",
    "drafting:delete": "owner",
    "drafting:untrash": "owner",
    "drafting:share": "owner",
    "drafting:share_remove": "owner",
    "library:documents": "role",
    "library:document": "role",
    "library:import": "manager",
    "library:templates": "role",
    "library:template": "role",
    "library:blocks": "role",
    "library:block_new": "role",
    "library:block": "role",
    # Everyone may open it; a non-管理员 is redirected to the block (the library is curated).
    "library:block_edit": "role",
    "library:block_delete": "manager",
    "checks:latest": "view",
    "checks:run": "write",
    "checks:lint": "view",
    "checks:report": "view",
    "checks:report_docx": "view",
    "export:page": "view",
    "export:docx": "view",
    "export:preview": "view",
    "export:preview_pdf": "view",
    "admin:login": "admin_session",
    "admin:logout": "admin_session",
    "admin:index": "staff",
    "admin:password_change": "staff",
    "admin:password_change_done": "staff",
    "admin:jsi18n": "staff",
    "admin:autocomplete": "staff",
    "admin:view_on_site": "staff",
    "admin:app_list": "staff",
}

# Admin model pages: what a 管理员 manages, and what only a superuser sees.
MANAGER_ADMIN_MODELS = {
    "library_category",
    "library_tag",
    "library_corpusdocument",
    "library_speechtemplate",
    "library_block",
    "checks_similaritysettings",
    "checks_lintrule",
    "auth_user",
    "axes_accessattempt",
}
SUPERUSER_ADMIN_MODELS = {"drafting_speech", "drafting_revision", "checks_similarityreport", "auth_group"}
# Nobody makes these by hand (issue #9.7): no add page, not even for a superuser.
NO_ADD = {"drafting_revision", "checks_similarityreport", "axes_accessattempt"}


def admin_kind(name: str, world: dict) -> str | None:
    model, _, action = name.removeprefix("admin:").rpartition("_")
    if model in NO_ADD and action == "add":
        return "nobody_admin"
    if model == "checks_similaritysettings" and action == "add" and world["settings_exist"]:
        return "nobody_admin"  # one settings row at most
    if model == "auth_user" and action == "delete":
        return "superuser_admin"  # deleting an account deletes its speeches
    if model in MANAGER_ADMIN_MODELS:
        return "staff"
    if model in SUPERUSER_ADMIN_MODELS:
        return "superuser_admin"
    return None


def iter_urls():
    """(name, pattern) for every named URL pattern, namespaces included."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", pattern

    return list(walk(get_resolver().url_patterns))


def url_for(name: str, pattern: URLPattern, world: dict) -> str:
    params = list(pattern.pattern.regex.groupindex)
    kwargs = {}
    for param in params:
        if param == "object_id":
            kwargs[param] = world["objects"].get(
                name.removeprefix("admin:").rpartition("_")[0], world["speech"].pk
            )
        elif param == "app_label":
            kwargs[param] = "library"
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(world["speech"]).pk
        elif param == "section_pk":
            kwargs[param] = world["speech"].sections.first().pk
        elif param == "number":
            kwargs[param] = 1
        elif param == "share_pk":
            kwargs[param] = world["share"].pk
        elif param == "pk" and name.startswith("library:"):
            kwargs[param] = {
                "library:document": world["document"].pk,
                "library:template": world["template"].pk,
            }.get(name, world["block"].pk)
        elif param == "pk" and name.startswith("checks:"):
            kwargs[param] = world["report"].pk
        elif param == "pk" and name == "drafting:untrash":
            kwargs[param] = world["trashed"].pk
        else:
            # speech pk and any id a later URL adds: the shared speech is the interesting object.
            kwargs[param] = world["speech"].pk
    url = reverse(name, kwargs=kwargs)
    if name == "admin:autocomplete":
        url += "?app_label=library&model_name=templateslot&field_name=suggested_block&term=履职"
    return url


@pytest.fixture
def world(db, settings):
    from axes.models import AccessAttempt

    from speechdraft.checks.models import LintRule, SimilaritySettings
    from speechdraft.checks.services import speech_check
    from speechdraft.drafting.services import speech_trash
    from speechdraft.library.models import Category, SpeechTemplate, Tag

    settings.SPEECHDRAFT_SOFFICE = "/nonexistent/soffice"  # the preview answers "unavailable" at once
    drafters = Group.objects.get_or_create(name=DRAFTER_GROUP)[0]
    managers = Group.objects.get_or_create(name=MANAGER_GROUP)[0]
    users = {}
    for persona, groups, extra in [
        ("no_role", [], {}),
        ("owner", [drafters], {}),
        ("viewer", [drafters], {}),
        ("editor", [drafters], {}),
        ("manager", [managers], {"is_staff": True}),
    ]:
        users[persona] = User.objects.create_user(persona, password=PASSWORD, first_name=persona, **extra)
        users[persona].groups.set(groups)
    users["superuser"] = User.objects.create_superuser("root", password=PASSWORD, first_name="超级管理员")
    speech = make_speech(users["owner"])
    share(speech, users["viewer"])
    share_row = share(speech, users["editor"], can_edit=True)
    trashed = make_speech(users["owner"], title="已删除的讲话")
    speech_trash(speech=trashed)
    document = make_document()
    block = make_block()
    template = SpeechTemplate.objects.create(name="座谈会讲话")
    report = speech_check(speech=speech, user=users["owner"])
    objects = {
        "library_category": Category.objects.get_or_create(name="开场")[0].pk,
        "library_tag": Tag.objects.get_or_create(name="履职")[0].pk,
        "library_corpusdocument": document.pk,
        "library_speechtemplate": template.pk,
        "library_block": block.pk,
        "checks_similaritysettings": SimilaritySettings.objects.get_or_create()[0].pk,
        "checks_lintrule": LintRule.objects.create(pattern="人大代表们", message="请核对").pk,
        "checks_similarityreport": report.pk,
        "drafting_speech": speech.pk,
        "drafting_revision": speech.revisions.first().pk,
        "auth_user": users["owner"].pk,
        "auth_group": drafters.pk,
        "axes_accessattempt": AccessAttempt.objects.create(
            username="viewer", ip_address="10.0.0.8", failures_since_start=3, get_data="", post_data=""
        ).pk,
    }
    return {
        "users": users,
        "speech": speech,
        "share": share_row,
        "trashed": trashed,
        "document": document,
        "block": block,
        "template": template,
        "report": report,
        "objects": objects,
        "settings_exist": SimilaritySettings.objects.exists(),
    }


def outcome(response) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302) and (
        location.startswith("/accounts/login/") or location.startswith("/admin/login/")
    ):
        return "login"
    if status == 403 and "请联系管理员分配角色" in response.content.decode(errors="replace"):
        return "no_role"
    if status in (403, 404) or (status == 302 and location == "/admin/"):
        return "denied"
    if status >= 500 and status != 503:  # 503: the print preview's "LibreOffice is not installed"
        return f"error {status}"
    return "ok"


def expected_for(name: str, persona: str, world: dict) -> set[str]:
    kind = EXPECTED.get(name) or (admin_kind(name, world) if name.startswith("admin:") else None)
    if kind is not None:
        return set(KINDS[kind][persona].split("|"))
    # A URL this test does not know yet: the default every new URL must meet.
    return {"anonymous": {"login", "denied"}, "no_role": {"no_role"}}.get(persona, {"ok", "login", "denied"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_its_role_allows(client, world, persona):
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    wrong = []
    urls = iter_urls()
    assert len(urls) > 100  # the app's pages and the admin's
    for name, pattern in urls:
        url = url_for(name, pattern, world)
        method = "post" if name in POST_ONLY else "get"
        # Each request's changes are rolled back, so a delete or a restore does not change the next.
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        got = outcome(response)
        allowed = expected_for(name, persona, world)
        if got not in allowed:
            wrong.append(
                f"{method.upper()} {url} ({name}): {got} (HTTP {response.status_code}), expected {'/'.join(sorted(allowed))}"
            )
        if persona != "anonymous" and name in {"logout", "admin:logout"}:
            client.force_login(world["users"][persona])
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)

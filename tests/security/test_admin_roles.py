"""The admin under the roles of issue #11.3 and #9.7: a 管理员 manages drafters and the library but
cannot raise their own rights or read speeches not shared with them; the admin speaks Chinese."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from speechdraft.roles import DRAFTER_GROUP, MANAGER_GROUP, grant_manager_permissions
from tests.conftest import PASSWORD, make_user
from tests.drafting.factories import make_speech

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password=PASSWORD, first_name="系统管理员")


def _change_form(user):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "email": "",
        "is_active": "on",
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=MANAGER_GROUP).pk],
        "user_permissions": [Permission.objects.get(codename="view_speech").pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }


def test_a_manager_cannot_tick_superuser_or_grant_permissions_to_themselves(client, manager):
    client.force_login(manager)
    client.post(f"/admin/auth/user/{manager.pk}/change/", _change_form(manager))
    manager.refresh_from_db()
    assert not manager.is_superuser
    assert not manager.user_permissions.exists()
    assert list(manager.groups.values_list("name", flat=True)) == [MANAGER_GROUP]


def test_a_manager_gives_a_drafter_the_drafter_role_and_nothing_more(client, manager):
    newcomer = User.objects.create_user("sun", password=PASSWORD, first_name="孙干事")
    client.force_login(manager)
    page = client.get(f"/admin/auth/user/{newcomer.pk}/change/").content.decode()
    assert DRAFTER_GROUP in page and f">{MANAGER_GROUP}<" not in page  # the only group offered
    form = _change_form(newcomer)
    form["groups"] = [Group.objects.get_or_create(name=DRAFTER_GROUP)[0].pk]
    response = client.post(f"/admin/auth/user/{newcomer.pk}/change/", form)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert list(newcomer.groups.values_list("name", flat=True)) == [DRAFTER_GROUP]
    assert not newcomer.is_superuser and not newcomer.is_staff


def test_a_manager_neither_lists_nor_opens_superusers_and_other_managers(client, manager, root, drafter):
    other = make_user("qian", manager=True, name="钱主任")
    client.force_login(manager)
    listing = client.get("/admin/auth/user/").content.decode()
    assert "王秘书" in listing and "系统管理员" not in listing and "钱主任" not in listing
    for target in (root, other):
        response = client.get(f"/admin/auth/user/{target.pk}/change/")
        assert response.status_code == 302 and response["Location"] == "/admin/"
        response = client.get(f"/admin/auth/user/{target.pk}/password/")
        assert response.status_code in (302, 403, 404)


def test_the_manager_role_carries_no_group_or_report_permissions(manager):
    grant_manager_permissions()
    perms = {
        (p.content_type.app_label, p.codename)
        for p in Group.objects.get(name=MANAGER_GROUP).permissions.all()
    }
    assert ("library", "change_block") in perms and ("checks", "change_lintrule") in perms
    assert ("auth", "change_user") in perms
    assert not {p for p in perms if p[1].endswith("_group") or p[1].endswith("_permission")}
    assert not {p for p in perms if p[1].endswith("_similarityreport") or p[0] == "drafting"}


def test_admin_lists_of_speech_content_show_a_manager_only_what_is_shared_with_them(client, manager, drafter):
    from speechdraft.checks.services import speech_check

    speech = make_speech(drafter, title="机密讲话稿")
    speech_check(speech=speech, user=drafter)
    # Even if someone grants the 管理员 view rights on speeches by hand, the lists stay filtered.
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_speech", "view_revision", "view_similarityreport"])
    )
    client.force_login(manager)
    for url in ("/admin/drafting/speech/", "/admin/drafting/revision/", "/admin/checks/similarityreport/"):
        response = client.get(url)
        assert response.status_code == 200 and "机密讲话稿" not in response.content.decode(), url
    report = speech.similarity_reports.get()
    assert client.get(f"/admin/checks/similarityreport/{report.pk}/change/").status_code == 302


def test_the_admin_is_chinese_and_offers_no_add_for_reports_and_revisions(client, root, drafter):
    from speechdraft.checks.services import speech_check

    speech = make_speech(drafter)
    speech_check(speech=speech, user=drafter)
    grant_manager_permissions()
    client.force_login(root)
    index = client.get("/admin/").content.decode()
    for name in ("讲话稿", "素材与语料", "查重与规范检查", "历史版本", "查重报告", "认证和授权", "登录保护"):
        assert name in index, name
    for english in ("Checks", "Drafting", "Library"):
        assert f">{english}<" not in index, english
    for url in ("/admin/checks/similarityreport/", "/admin/drafting/revision/"):
        page = client.get(url).content.decode()
        assert f"{url}add/" not in page, url
        assert client.get(url + "add/").status_code == 403
    user_page = client.get(f"/admin/auth/user/{drafter.pk}/change/").content.decode()
    assert "姓名" in user_page and "可以查看讲话稿" in user_page and "Can view" not in user_page
    assert "王秘书" in client.get("/admin/auth/user/").content.decode()


def test_a_user_without_a_role_can_log_in_and_sees_only_whom_to_ask(client):
    User.objects.create_user("zhou", password=PASSWORD, first_name="周干事")
    response = client.post("/accounts/login/", {"username": "zhou", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.status_code == 403
    assert "请联系管理员分配角色" in page and "我的讲话稿" not in page
    assert client.get("/library/blocks/").status_code == 403

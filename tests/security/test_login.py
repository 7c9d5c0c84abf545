"""Login throttling and password rules (issue #11.4)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_chinese_message(
    client, drafter, colleague
):
    for _ in range(4):
        assert _login(client, "wang", "wrong-password").status_code == 200
    assert _login(client, "wang", "wrong-password").status_code == 429  # the fifth locks
    locked = _login(client, "wang", PASSWORD)  # even the right password, while locked
    page = locked.content.decode()
    assert locked.status_code == 429
    assert (
        "密码错误次数过多，登录已暂停" in page and "15 分钟后再试" in page and "请联系管理员重置密码" in page
    )
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    assert _login(client, "li", PASSWORD).status_code == 302


def test_a_successful_login_clears_earlier_failures(client, drafter):
    for _ in range(4):
        _login(client, "wang", "wrong-password")
    assert _login(client, "wang", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "wang", "wrong-password")
    assert _login(client, "wang", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password", ["zhangsan", "zhangsan1", "20240701", "13912345678", "12345678", "short"]
)
def test_weak_passwords_from_the_issue_are_refused(password):
    from django.contrib.auth.models import User

    user = User(username="zhangsan", first_name="张三", email="zhangsan@rd.example.gov.cn")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_reasonable_password_is_accepted():
    from django.contrib.auth.models import User

    validate_password("春风化雨-2026-履职", User(username="zhangsan"))


def test_a_manager_unlocks_a_locked_colleague_in_the_chinese_admin(client, drafter, manager):
    from django.test import Client

    from speechdraft.roles import grant_manager_permissions

    grant_manager_permissions()
    for _ in range(5):
        _login(client, "wang", "wrong-password")
    assert _login(client, "wang", PASSWORD).status_code == 429
    admin_client = Client()
    admin_client.force_login(manager)
    listing = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录失败记录" in listing and "wang" in listing
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="wang")
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _login(client, "wang", PASSWORD).status_code == 302

"""`ensure_admin` prints the address the server will actually serve (issue #11.8)."""

import io
import socket

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _printed(monkeypatch, **env):
    for name in ("HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_the_default_make_run_address(monkeypatch):
    assert "地址：http://127.0.0.1:8000/accounts/login/" in _printed(monkeypatch)


def test_the_host_and_port_make_run_was_given(monkeypatch):
    assert "地址：http://192.168.10.5:8080/accounts/login/" in _printed(
        monkeypatch, HOST="192.168.10.5", PORT="8080"
    )


def test_every_interface_is_shown_as_the_machines_name(monkeypatch):
    printed = _printed(monkeypatch, HOST="0.0.0.0", PORT="8000")
    assert f"地址：http://{socket.getfqdn()}:8000/accounts/login/" in printed


def test_behind_https_the_proxy_name_is_shown(monkeypatch, settings):
    settings.HTTPS = True
    settings.ALLOWED_HOSTS = ["jianggao.rd.example.gov.cn"]
    assert "地址：https://jianggao.rd.example.gov.cn/accounts/login/" in _printed(monkeypatch)

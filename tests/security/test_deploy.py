"""Production settings from the environment (issue #11.5): `check --deploy` is clean with the variables
the README documents, and the responses carry the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

# The production variables of README「生产部署」, with a key of the strength it asks for.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" + "3Xq9-vT_2mL8pZr4Wc7nYb1HsEj6UdGa0FiKoQxMt5AyRe" * 2,
    "ALLOWED_HOSTS": "jianggao.rd.example.gov.cn",
    "HTTPS": "1",
    "SPEECHDRAFT_REQUIRE_SECRET": "1",
}


def run_manage(*args, env_extra, tmp_path):
    unset = {"DATABASE_URL", "DEBUG", "HTTPS", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        env_extra, SPEECHDRAFT_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="speechdraft.settings"
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    done = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_without_https_the_check_names_what_is_missing(tmp_path):
    done = run_manage("check", "--deploy", env_extra={**PRODUCTION_ENV, "HTTPS": "0"}, tmp_path=tmp_path)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


def test_the_readme_documents_every_production_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "HTTPS", "SPEECHDRAFT_REQUIRE_SECRET", "DEBUG"):
        assert f"`{name}" in readme, name


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_cookies_are_http_only(client, drafter):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src-attr")[0]
    assert "'unsafe-eval'" not in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies["csrftoken"]["httponly"]
    logged_in = client.post("/accounts/login/", {"username": "wang", "password": PASSWORD})
    assert logged_in.cookies["sessionid"]["httponly"]

"""The request size limit (issue #11.2) and the periodic work the server runs itself (#11.7)."""

import gc
import importlib
import io
from datetime import UTC, datetime, timedelta

import pytest

from speechdraft.wsgi import LimitRequestBody


class _UnreadableInput(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def _call(app, length, path="/accounts/login/"):
    captured = {}

    def start_response(status, headers):
        captured["status"], captured["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": _UnreadableInput(),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(length),
    }
    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body.decode()


def test_an_anonymous_300_mb_post_is_refused_before_any_byte_of_it_is_read(monkeypatch):
    monkeypatch.setenv("SPEECHDRAFT_PERIODIC", "0")
    wsgi = importlib.import_module("speechdraft.wsgi")
    assert wsgi.application.max_bytes == 30 * 1024 * 1024  # the documented default
    status, headers, body = _call(wsgi.application, 300 * 1024 * 1024)
    assert status.startswith("413")
    assert "提交的内容过大（超过 30 MB）" in body and "请分批选择文件" in body
    assert headers["Connection"] == "close"


def test_a_body_within_the_limit_reaches_django():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    status, _, body = _call(LimitRequestBody(app, 1024), 1024)
    assert status == "200 OK" and body == "ok"


def test_make_run_restarts_workers_with_jitter():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    assert "--max-requests 1000 --max-requests-jitter 100" in makefile


@pytest.mark.django_db
def test_periodic_work_purges_the_trash_once_a_day_across_processes(tmp_path, drafter):
    from speechdraft.drafting.models import Speech
    from speechdraft.periodic import run_due_jobs
    from tests.drafting.factories import make_speech

    old = make_speech(drafter, title="早已删除的讲话")
    Speech.objects.filter(pk=old.pk).update(deleted_at=datetime.now(UTC) - timedelta(days=31))
    recent = make_speech(drafter, title="昨天删除的讲话")
    Speech.objects.filter(pk=recent.pk).update(deleted_at=datetime.now(UTC) - timedelta(days=1))
    now = datetime.now(UTC)
    assert run_due_jobs(now, directory=tmp_path) == ["purge_trash", "clearsessions"]
    assert list(Speech.objects.values_list("title", flat=True)) == ["昨天删除的讲话"]
    # Another worker an hour later finds the record and does nothing; a day later it runs again.
    assert run_due_jobs(now + timedelta(hours=1), directory=tmp_path) == []
    assert run_due_jobs(now + timedelta(days=1, minutes=1), directory=tmp_path) == [
        "purge_trash",
        "clearsessions",
    ]


@pytest.mark.django_db
def test_periodic_work_skips_while_another_process_holds_the_lock(tmp_path):
    import fcntl

    from speechdraft.periodic import run_due_jobs

    with open(tmp_path / "periodic.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert run_due_jobs(directory=tmp_path) == []


def test_the_server_process_freezes_what_it_loaded_before_its_workers_fork(monkeypatch):
    # gunicorn --preload imports speechdraft.wsgi once in the master: Django, jieba and the index
    # are then out of the collector's reach, so a full collection in a worker stays cheap.
    monkeypatch.setenv("SPEECHDRAFT_PERIODIC", "0")
    importlib.import_module("speechdraft.wsgi")
    assert gc.get_freeze_count() > 0

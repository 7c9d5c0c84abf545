"""Periodic work (purging the 回收站, expired sessions) run by the server itself.

Why in the server and not cron or a systemd timer: an office installs the app with `make run` and will
not set up a scheduler nobody reminds them of; then the 回收站's promise ("deleted after 30 days") is
never kept. So each server process starts one daemon thread (lazily, on its first request — after
gunicorn has forked it, never in the --preload master, where a thread would be copied into every fork
holding whatever lock it held). The threads of all workers share a lock file and a record of the last
runs under var/, so each job runs once a day however many workers there are, and a restarted server
does not run it again early. The jobs are idempotent management commands, also runnable by hand.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

log = logging.getLogger(__name__)

# (management command, how often). Commands only: the schedule knows no app's internals.
JOBS = (("purge_trash", timedelta(days=1)), ("clearsessions", timedelta(days=1)))
CHECK_EVERY_SECONDS = 15 * 60

_started_in_pid: int | None = None
_start_lock = threading.Lock()


def state_dir() -> Path:
    return Path(settings.VAR_DIR)


def run_due_jobs(now: datetime | None = None, *, directory: Path | None = None) -> list[str]:
    """Run every job whose interval has passed since its last recorded run; returns the names run.

    Another process already doing so holds the lock: then nothing runs here (it will be done there).
    """
    now = now or datetime.now(UTC)
    directory = directory or state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    record_file = directory / "periodic.json"
    ran: list[str] = []
    with open(directory / "periodic.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return ran
        try:
            record = json.loads(record_file.read_text(encoding="utf-8")) if record_file.exists() else {}
        except (OSError, ValueError):
            record = {}
        for command, every in JOBS:
            last = record.get(command)
            if last is not None and now - datetime.fromisoformat(last) < every:
                continue
            try:
                call_command(command, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
            except Exception:
                log.exception("定期任务 %s 执行失败，稍后重试", command)
                continue
            record[command] = now.isoformat()
            ran.append(command)
        temporary = record_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        temporary.replace(record_file)
    return ran


def _loop() -> None:
    while True:
        with contextlib.suppress(Exception):
            run_due_jobs()
        connections.close_all()  # this thread's own connections; the next run opens fresh ones
        time.sleep(CHECK_EVERY_SECONDS)


def start_in_this_process() -> bool:
    """Start the periodic thread once per process; True when this call started it."""
    global _started_in_pid
    if _started_in_pid == os.getpid():
        return False
    with _start_lock:
        if _started_in_pid == os.getpid():
            return False
        _started_in_pid = os.getpid()
    threading.Thread(target=_loop, name="speechdraft-periodic", daemon=True).start()
    return True

"""Load: many users autosaving and running 查重 at once on gunicorn + PostgreSQL (DESIGN §9: 50 users,
no errors, no lost edits, p95 ≤ 300 ms), with sessions expiring during the run.

    .venv/bin/python -m bench.bench_load [--users 50] [--saves 20] [--checks 2] [--expiries 10] [--no-write]

A fresh database (default postgres://postgres@127.0.0.1:5432/speechdraft_bench, dropped and created
again) gets the default templates and one speech per user made from 人大代表培训班讲话; gunicorn serves
the app as `make run` does (--preload, 2 workers); one thread per user opens the editor, then posts
autosaves of the whole speech as the editor does (each from the version the previous save returned)
and every so often runs 查重. Meanwhile sessions are deleted server-side at random (expired, logged
out elsewhere): a save then gets 401 JSON, and the client logs in again through the login form, takes
the new CSRF token from the session endpoint and sends the same text on the same base version, as the
editor's 重新登录 does. A save counts as acknowledged only when it is answered 200 with JSON holding a
version. Afterwards every speech must hold its user's last acknowledged text at (at least) the
acknowledged version: anything else is a lost acknowledged save. Writes docs/bench/load.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import load_average, machine, make_drafter, percentile

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(users: int) -> list[dict]:
    """Users, their speeches and logged-in sessions, made in process with the ORM."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from speechdraft.drafting.services import speech_create
    from speechdraft.library.models import SpeechTemplate

    call_command("migrate", verbosity=0)
    call_command("load_defaults", verbosity=0)
    template = SpeechTemplate.objects.get(name="人大代表培训班讲话")
    people = []
    for i in range(users):
        user = make_drafter(f"bench{i}", password=PASSWORD, first_name=f"秘书{i}")
        speech = speech_create(
            user=user, template=template, data={"title": f"在全区人大代表培训班上的讲话（{i}）"}
        )
        client = Client()
        client.force_login(user)
        sections = [
            {
                "key": f"s{s.pk}",
                "id": s.pk,
                "role": s.role,
                "heading": s.heading,
                "body": s.body,
                "source_block": s.source_block_id,
            }
            for s in speech.sections.order_by("order")
        ]
        people.append(
            {
                "i": i,
                "username": user.username,
                "user_id": user.pk,
                "speech": speech.pk,
                "version": speech.version,
                "session": client.cookies["sessionid"].value,
                "title": speech.title,
                "sections": sections,
            }
        )
    return people


class Session:
    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {"sessionid": session}
        self.last_location = ""

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a keep-alive connection idle for 2 s; a browser reconnects, so do we.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        self.last_location = response.getheader("Location") or ""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content, elapsed


def relogin(s: Session, person: dict) -> str | None:
    """Log in again through the ordinary login form; the new session's CSRF token, or None."""
    status, page, _ = s.request("GET", "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not match:
        return None
    form = {
        "username": person["username"],
        "password": PASSWORD,
        "csrfmiddlewaretoken": match.group(1).decode(),
        "next": "/speeches/session/",
    }
    status, _, _ = s.request(
        "POST", "/accounts/login/", form, {"Referer": f"http://127.0.0.1:{s.port}/accounts/login/"}
    )
    if status != 302:
        return None
    status, content, _ = s.request("GET", "/speeches/session/", headers={"Accept": "application/json"})
    return json.loads(content)["csrf"] if status == 200 else None


def expire_sessions(
    people: list[dict], count: int, duration: float, results: dict, stop: threading.Event
) -> None:
    """Delete ``count`` users' sessions at random moments of the run, as expiry or a logout elsewhere would."""
    from django.contrib.sessions.models import Session as StoredSession
    from django.db import connection

    chooser = random.Random(99)
    try:
        for _ in range(count):
            if stop.wait(duration / (count + 1)):
                return
            person = chooser.choice(people)
            # Sessions are stored against the user id in their data; delete the user's current ones.
            for stored in StoredSession.objects.all():
                if stored.get_decoded().get("_auth_user_id") == str(person["user_id"]):
                    stored.delete()
                    results["expired"] += 1
    finally:
        connection.close()


def user_run(
    person: dict, port: int, saves: int, checks: int, think: float, results: dict, lock: threading.Lock
) -> None:
    try:
        _user_run(person, port, saves, checks, think, results, lock)
    except Exception as exc:  # noqa: BLE001 - a dead client thread is a failed request, not a crash
        with lock:
            results["problems"].append(f"client {type(exc).__name__}")


def _user_run(
    person: dict, port: int, saves: int, checks: int, think: float, results: dict, lock: threading.Lock
) -> None:
    timings: dict[str, list[float]] = {"editor": [], "save": [], "check": []}
    problems: list[str] = []
    pause = random.Random(person["i"])
    # People open their speeches over a few seconds, not all in the same millisecond.
    time.sleep(think * pause.random())
    s = Session(port, person["session"])
    pk = person["speech"]
    status, page, elapsed = s.request("GET", f"/speeches/{pk}/")
    timings["editor"].append(elapsed)
    match = re.search(rb'"X-CSRFToken": "([^"]+)"', page)
    if status != 200 or not match:
        problems.append(f"editor {status}")
        with lock:
            results["problems"].extend(problems)
        return
    token = match.group(1).decode()
    version, sections, last = person["version"], [dict(x) for x in person["sections"]], None
    acknowledged = (None, 0)
    results_relogins = results["relogins"]
    unacknowledged = results["unacknowledged"]
    check_every = max(1, saves // max(1, checks)) if checks else 0
    for n in range(1, saves + 1):
        # The editor saves 2 s after typing stops: a user's saves come that far apart, jittered.
        time.sleep(think * pause.uniform(0.75, 1.25))
        last = f"这是第{person['i']}位同事第{n}次自动保存的开场白，讲的是今年代表工作的新要求。"
        sections[1]["body"] = last
        body = {
            "base_version": version,
            "title": person["title"],
            "speaker": "",
            "date": "",
            "occasion": "",
            "place": "",
            "numbering": "yi",
            "status": "draft",
            "run_in_headings": "on",
            "placeholder_values": "{}",
            "sections": json.dumps(sections, ensure_ascii=False),
        }
        # As the editor does: anything but an acknowledgement is not saved, and the same text goes
        # again on the same base version — after logging in again when the session is gone.
        answer = {}
        for _attempt in range(4):
            status, content, elapsed = s.request(
                "POST", f"/speeches/{pk}/save/", body, {"X-CSRFToken": token, "Accept": "application/json"}
            )
            timings["save"].append(elapsed)
            answer = json.loads(content) if status == 200 and content.startswith(b"{") else {}
            if "version" in answer or status == 409:
                break
            unacknowledged.append(status)
            if status == 401:
                token = relogin(s, person)
                results_relogins.append(pk)
                if token is None:
                    problems.append("re-login failed")
                    break
            else:
                time.sleep(0.5)
        if "version" not in answer:
            problems.append(f"save {status}")
            continue
        version = answer["version"]
        acknowledged = (last, version)
        if check_every and n % check_every == 0:
            status, _, elapsed = s.request("POST", f"/checks/speech/{pk}/run/", {}, {"X-CSRFToken": token})
            timings["check"].append(elapsed)
            if status != 302 or s.last_location.startswith("/accounts/login/"):
                problems.append(f"check {status}")
    with lock:
        for kind, values in timings.items():
            results["timings"][kind].extend(values)
        results["problems"].extend(problems)
        results["acknowledged"][pk] = acknowledged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--checks", type=int, default=2)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between one user's saves")
    parser.add_argument("--expiries", type=int, default=10, help="sessions deleted during the run")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)  # as `make run` serves
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/speechdraft_bench"),
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    fresh_database(args.database_url)
    var = Path(tempfile.mkdtemp(prefix="speechdraft-bench-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SPEECHDRAFT_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "speechdraft.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    os.environ.update(env)
    people = prepare(args.users)

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "speechdraft.wsgi",
            "--preload",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(120):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=2).request(
                    "GET", "/accounts/login/"
                )
                break
            except OSError:
                time.sleep(0.5)
        load = load_average()
        results = {
            "timings": {"editor": [], "save": [], "check": []},
            "problems": [],
            "acknowledged": {},
            "relogins": [],
            "unacknowledged": [],
            "expired": 0,
        }
        stop = threading.Event()
        expiry = threading.Thread(
            target=expire_sessions, args=(people, args.expiries, args.saves * args.think, results, stop)
        )
        lock = threading.Lock()
        threads = [
            threading.Thread(
                target=user_run, args=(p, args.port, args.saves, args.checks, args.think, results, lock)
            )
            for p in people
        ]
        started = time.perf_counter()
        expiry.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        expiry.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(30)

    from speechdraft.drafting.models import Speech

    # A lost acknowledged save: the speech is at a lower version than its user's last acknowledged
    # save, or at that version without its text. (A later version means a save applied whose answer
    # was lost — e.g. 400 when the session was deleted while the request ran — and then resent:
    # the same user's newer text, nothing lost.) Autosaves of one writing session share a revision,
    # so revisions are no longer one per save; each speech keeps at least two.
    lost = 0
    for p in people:
        speech = Speech.objects.get(pk=p["speech"])
        text, version = results["acknowledged"].get(p["speech"], (None, 0))
        opening = speech.sections.get(role="opening").body
        stale = speech.version < version or (speech.version == version and opening != text)
        if stale or speech.revisions.count() < 2:
            lost += 1
    codes = ", ".join(
        f"{code}×{results['unacknowledged'].count(code)}" for code in sorted(set(results["unacknowledged"]))
    )
    every = [v for values in results["timings"].values() for v in values]
    rows = []
    for kind, label in (
        ("editor", "open the editor"),
        ("save", "autosave (POST, whole speech)"),
        ("check", "查重 (POST, stores a report)"),
        ("all", "all requests"),
    ):
        values = every if kind == "all" else results["timings"][kind]
        if values:
            rows.append(
                f"| {label} | {len(values)} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} | {max(values):.0f} |"
            )
    p95 = percentile(every, 0.95) if every else float("nan")
    verdict = "meets" if not results["problems"] and not lost and p95 <= 300 else "MISSES"
    lines = [
        "# Load benchmark (gunicorn + PostgreSQL)",
        "",
        f"Command: `.venv/bin/python -m bench.bench_load --users {args.users} --saves {args.saves} --checks {args.checks} --think {args.think:g} --expiries {args.expiries}`  ",
        f"Run: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}  ",
        f"Machine: {machine('Django', 'gunicorn', 'psycopg')}; PostgreSQL on the same machine  ",
        f"Load average at start (1/5/15 min): {load}; the load generator runs on the same 2 cores as the server.",
        "",
        f"{args.users} users, each in a thread of its own with its own speech (≈ 2,800 characters, 6 sections): open the editor, "
        f"(users start at random moments within the first {args.think:g} s), "
        f"then {args.saves} autosaves of the whole speech about {args.think:g} s apart (the editor's autosave delay, "
        f"jittered ±25 %) and {args.checks} 查重 runs, all users at once; gunicorn "
        f"--preload --workers {args.workers} --threads {args.threads}. Wall time {wall:.1f} s, "
        f"{len(every) / wall:.0f} requests/s.",
        "",
        "| request | count | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Errors: {len(results['problems'])}{' (' + ', '.join(sorted(set(results['problems']))) + ')' if results['problems'] else ''}. "
        f"Sessions deleted server-side during the run: {results['expired']}; re-logins by the clients that met "
        f"a 401: {len(results['relogins'])}; answers that were not an acknowledgement and made the client send "
        f"the same text again: {len(results['unacknowledged'])} "
        f"({codes or 'none'}). Lost acknowledged saves (a speech not holding its user's last "
        f"acknowledged text at the acknowledged version): {lost} of {args.users} speeches.",
        "",
        f"Target (DESIGN §9): 50 users, no errors, no lost edits, p95 ≤ 300 ms. Result: p95 {p95:.0f} ms — **{verdict}**.",
        *(
            [
                f"Over 300 ms at p95 on their own: {', '.join(slow)} (fewer requests, each heavier; autosaves are the bulk of the traffic)."
            ]
            if (slow := [k for k, v in results["timings"].items() if v and percentile(v, 0.95) > 300])
            else []
        ),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        (ROOT / "docs" / "bench" / "load.md").write_text(report, encoding="utf-8")
    return 0 if verdict == "meets" else 1


if __name__ == "__main__":
    sys.exit(main())

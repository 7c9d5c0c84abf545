"""Benchmark the editor page of a 60-section, 10,000-character speech (target p50 ≤ 50 ms, DESIGN §9).

    .venv/bin/python -m bench.bench_editor [--requests 50] [--sections 60] [--chars 10000] [--no-write]

Server time through Django's test client (middleware, session, permission query, sections, the print
preview, the placeholder panel, template rendering), on a throw-away SQLite database built from the
two seed speeches. Also timed, for information: the autosave of the same speech and the preview
fragment the editor reloads after each save. Writes docs/bench/editor.md unless --no-write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import load_average, machine, make_drafter, percentile, write_report

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "bench" / "editor.md"
TARGET_MS = 50


def setup_django(tmp: Path) -> None:
    # A database of its own: the benchmark must never touch the office's data.
    os.environ["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speechdraft.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host name; DEBUG stays off as in production
    call_command("migrate", verbosity=0)


def seed_sentences() -> tuple[list[str], list[str]]:
    """Part headings and body sentences of the two seed speeches, as the office's texts read."""
    import re

    from speechdraft.text.loading import load_document
    from speechdraft.text.parser import parse_speech

    headings, sentences = [], []
    for path in sorted((ROOT / "speechdraft" / "library" / "seeds").glob("*.txt")):
        parsed = parse_speech(load_document(path.name, path.read_bytes()).text)
        for part in parsed.parts:
            headings.append(part.heading[len(part.marker) :])
            sentences += [s for s in re.findall(r"[^。！？]*[。！？]", part.body) if len(s) > 8]
    return headings, sentences


def build_speech(owner, n_sections: int, chars: int):
    """Salutation, opening, ``n_sections - 3`` parts and a closing, about ``chars`` printed characters.

    Every part links to a block, as parts inserted from the 段落素材库 do, so the page shows their sources.
    """
    from speechdraft.drafting.services import speech_create_with_sections
    from speechdraft.library.models import Block

    headings, sentences = seed_sentences()
    blocks = [Block.objects.create(title=h, body=h, role="part", created_by=owner) for h in headings]
    opening = (
        "经过大家的共同努力，我们圆满完成了集中培训任务。下面，结合这次培训学习体会，谈几点意见，与大家共勉。"
    )
    closing = "各位代表、同志们，让我们为加快推进×区建设作出自己应有的贡献！"
    title = "在全区人大代表培训班上的讲话"
    n_parts = n_sections - 3
    fixed = len(title) + len("张主任（2024年7月20日）各位代表、同志们：") + len(opening) + len(closing)
    budget = chars - fixed
    sections = [{"role": "salutation", "body": "各位代表、同志们："}, {"role": "opening", "body": opening}]
    cursor = 0
    for i in range(n_parts):
        heading = headings[i % len(headings)]
        # Spread what is left over the remaining parts; "一、" and the heading count too.
        target = budget // (n_parts - i) - len(heading) - 3
        body = ""
        while len(body) < target:
            sentence = sentences[cursor % len(sentences)]
            cursor += 1
            body += (
                sentence
                if len(body) + len(sentence) <= target + 20
                else sentence[: max(8, target - len(body))]
            )
        budget -= len(heading) + 3 + len(body)
        sections.append(
            {"role": "part", "heading": heading, "body": body, "source_block": blocks[i % len(blocks)].pk}
        )
    sections.append({"role": "closing", "body": closing})
    return speech_create_with_sections(
        owner=owner,
        fields={
            "title": title,
            "speaker": "张主任",
            "date": dt.date(2024, 7, 20),
            "placeholder_values": {"区名": "云岩"},
        },
        sections=sections,
        note="基准测试",
    )


def timed(client, method: str, url: str, data_for, runs: int, warmup: int = 5, **extra):
    """Wall-clock and CPU milliseconds per request; CPU time shows the cost without other load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples, cpu, queries = [], [], 0
    for i in range(warmup + runs):
        data = data_for(i) if data_for else None
        request = getattr(client, method)
        start, start_cpu = time.perf_counter(), time.thread_time()
        with CaptureQueriesContext(connection) as captured:
            response = request(url, data, **extra) if data is not None else request(url, **extra)
        elapsed, elapsed_cpu = (time.perf_counter() - start) * 1000, (time.thread_time() - start_cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(
                f"{method.upper()} {url} answered {response.status_code}: {response.content[:200]!r}"
            )
        if i >= warmup:
            samples.append(elapsed)
            cpu.append(elapsed_cpu)
            queries = len(captured)
    return samples, cpu, queries, len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sections", type=int, default=60)
    parser.add_argument("--chars", type=int, default=10_000)
    parser.add_argument(
        "--no-write", action="store_true", help="print only, do not update docs/bench/editor.md"
    )
    args = parser.parse_args()
    if args.requests < 30:
        parser.error("至少需要 30 次请求才能给出可信的 p95。")

    load = load_average()
    with tempfile.TemporaryDirectory(prefix="speechdraft-bench-") as tmp:
        setup_django(Path(tmp))
        from django.test import Client
        from django.urls import reverse

        owner = make_drafter("bench", password="bench-password-123")
        speech = build_speech(owner, args.sections, args.chars)
        chars = len(speech.as_text().replace("\n", ""))
        sections = list(speech.sections.all())
        client = Client()
        client.force_login(owner)

        rows = []
        editor = timed(client, "get", reverse("drafting:editor", args=[speech.pk]), None, args.requests)
        rows.append(("editor page (GET)", *editor))
        preview = timed(
            client,
            "get",
            reverse("drafting:preview", args=[speech.pk]),
            None,
            args.requests,
            headers={"HX-Request": "true"},
        )
        rows.append(("preview fragment (GET, htmx)", *preview))

        payload_sections = [
            {"key": f"s{s.pk}", "id": s.pk, "role": s.role, "heading": s.heading, "body": s.body}
            for s in sections
        ]

        def autosave(i: int) -> dict:
            # One section edited per save, as a secretary types; the version advances every time.
            payload_sections[5]["body"] = sections[5].body + f"（第{i}次修改）"
            return {
                "base_version": str(1 + i),
                "title": speech.title,
                "speaker": speech.speaker,
                "date": "2024-07-20",
                "occasion": "",
                "place": "",
                "numbering": "yi",
                "run_in_headings": "on",
                "status": "draft",
                "placeholder_values": json.dumps(speech.placeholder_values, ensure_ascii=False),
                "sections": json.dumps(payload_sections, ensure_ascii=False),
            }

        save = timed(client, "post", reverse("drafting:save", args=[speech.pk]), autosave, args.requests)
        rows.append(("autosave (POST, whole speech, one section changed)", *save))

    for label, samples, cpu, queries, size in rows:
        print(
            f"{label:52s} p50 {statistics.median(samples):6.1f} ms  p95 {percentile(samples, 0.95):6.1f} ms  "
            f"max {max(samples):6.1f} ms  CPU p50 {statistics.median(cpu):6.1f} ms  {queries} queries  {size:,} bytes"
        )
    editor_samples, editor_cpu = rows[0][1], rows[0][2]
    p50, p95 = statistics.median(editor_samples), percentile(editor_samples, 0.95)
    cpu50 = statistics.median(editor_cpu)
    verdict = "meets" if p50 <= TARGET_MS else "MISSES"
    print(f"{chars} characters, {len(sections)} sections; editor p50 {p50:.1f} ms {verdict} ≤ {TARGET_MS} ms")
    if args.no_write:
        return 0
    command = ".venv/bin/python -m bench.bench_editor"
    if (args.requests, args.sections, args.chars) != (50, 60, 10_000):
        command += f" --requests {args.requests} --sections {args.sections} --chars {args.chars}"
    lines = [
        "# Editor page benchmark",
        "",
        f"Command: `{command}`  ",
        f"Run: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}  ",
        f"Machine: {machine('Django') + f'; SQLite {sqlite3.sqlite_version}'}  ",
        f"Load average at start (1/5/15 min): {load}; other work on the machine inflates the figures.",
        "",
        f"Input: one speech of {len(sections)} sections and {chars} printed characters (parts built from the "
        "sentences of the two seed speeches, run-in headings, a speaker and a date line, a filled 区名 and "
        "unfilled placeholders), on a fresh SQLite database in a temporary directory.",
        "",
        f"Target (DESIGN §9): editor page of a 10,000-character speech, server time p50 ≤ {TARGET_MS} ms, query "
        f"count independent of the section count. Result: p50 {p50:.1f} ms, p95 {p95:.1f} ms (CPU p50 "
        f"{cpu50:.1f} ms), **{verdict}** the target, {rows[0][3]} queries (the same for 6 and 60 sections: "
        "`tests/drafting/test_queries.py`).",
        "",
        "| request | runs | p50 ms | p95 ms | max ms | CPU p50 ms | queries | response bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {len(samples)} | {statistics.median(samples):.1f} | {percentile(samples, 0.95):.1f} | "
            f"{max(samples):.1f} | {statistics.median(cpu):.1f} | {queries} | {size:,} |"
            for label, samples, cpu, queries, size in rows
        ),
        "",
        "Server time is measured around Django's test client, i.e. the whole request cycle in process "
        "(middleware, session and user lookup, the permission query, loading the sections, printing the "
        "speech — one pass fills the placeholders for the preview and lists them for the 占位符 panel — and "
        "rendering outline, section cards and preview), without network or browser time. The 段落素材库 "
        "panel is fetched by its own request after the page has loaded and is not part of these figures. "
        "5 warm-up requests per row are not counted. The autosave row posts the whole speech as the editor "
        "does and makes a revision each time. *CPU* is the thread's CPU time for the same requests: wall-clock "
        "time minus waiting for the CPU, which other work on a 2-core machine inflates.",
        "",
    ]
    write_report(REPORT, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())

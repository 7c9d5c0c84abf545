"""Benchmark the 修订稿 and the 审阅稿: a 10,000-character speech with about one word in twenty changed,
written with tracked changes and a comment per part, then read back as a returned review would be.

    .venv/bin/python -m bench.bench_review [--runs 30]

No target in DESIGN §9 for these; they are timed beside the plain export (≤ 150 ms) to show they stay
in the same range. Prints the figures and writes them to docs/bench/review.md (`--no-write` to skip).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speechdraft.settings")

import django  # noqa: E402 — settings must be chosen before Django loads

django.setup()

from bench.bench_export import TARGET_CHARS, speech_of  # noqa: E402
from bench.common import load_average, machine, percentile  # noqa: E402
from speechdraft.export.builder import ChangeStamp, ExportOptions, WordComment, build_docx, plan_flow  # noqa: E402
from speechdraft.review.roundtrip import read_review_file  # noqa: E402
from speechdraft.text.diff import word_diff  # noqa: E402


def changed(flow):
    """Every other paragraph gets a word replaced and one inserted, as a light review would."""
    out = []
    for index, p in enumerate(flow):
        if p.kind == "body" and index % 2 and len(p.body) > 20:
            body = p.body[:10] + "切实" + p.body[10:15] + "认真" + p.body[17:]
            p = type(p)(p.kind, body, p.heading, p.key)
        out.append(p)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    old = list(speech_of(TARGET_CHARS).flow())
    new = changed(old)
    options = ExportOptions()
    planned = plan_flow(new, options)
    comments = [
        WordComment(i, 0, 4, "李科长", dt.datetime(2024, 7, 20, tzinfo=dt.UTC), ("请核对",))
        for i, p in enumerate(planned)
        if p.style is None and len(p.text) > 4
    ][:10]
    stamp = ChangeStamp("王秘书", dt.datetime(2024, 7, 20, tzinfo=dt.UTC))

    def diff(a, b):
        return [(piece.op, piece.text) for piece in word_diff(a, b)]

    def build():
        return build_docx(new, options, previous=old, stamp=stamp, diff=diff, comments=comments)

    data = build()  # warm up jieba and the styled package
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        build()
        samples.append((time.perf_counter() - start) * 1000)
    reads = []
    for _ in range(args.runs):
        start = time.perf_counter()
        review = read_review_file(data)
        reads.append((time.perf_counter() - start) * 1000)
    chars = sum(len(p.text) for p in new)
    build_p50, build_p95 = statistics.median(samples), percentile(samples, 0.95)
    read_p50, read_p95 = statistics.median(reads), percentile(reads, 0.95)
    page = "\n".join(
        [
            "# 修订稿 and 审阅稿 benchmark",
            "",
            f"`.venv/bin/python -m bench.bench_review --runs {args.runs}` on {machine()}; load {load_average()}.",
            "",
            f"A speech of {chars:,} characters with {len(review.changes)} tracked changes and {len(comments)} "
            f"comments ({len(data):,} bytes). No DESIGN §9 target; the plain export's is ≤ 150 ms.",
            "",
            "| what | p50 | p95 |",
            "| --- | ---: | ---: |",
            f"| 修订稿: build the .docx with w:ins/w:del and comments | {build_p50:.1f} ms | {build_p95:.1f} ms |",
            f"| 审阅稿: read its changes and comments back | {read_p50:.1f} ms | {read_p95:.1f} ms |",
            "",
        ]
    )
    print(page)
    if not args.no_write:
        out = Path(__file__).resolve().parent.parent / "docs" / "bench" / "review.md"
        out.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()

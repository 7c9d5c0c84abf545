"""Benchmark the 修订稿 and the 审阅稿: a 10,000-character speech with about one word in twenty changed,
written with tracked changes and a comment per part, then read back as a returned review would be.

    .venv/bin/python -m bench.bench_review [--runs 30]

No target in DESIGN §9 for these; they are timed beside the plain export (≤ 150 ms) to show they stay
in the same range. Prints the figures; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speechdraft.settings")

import django  # noqa: E402 — settings must be chosen before Django loads

django.setup()

from bench.bench_export import TARGET_CHARS, speech_of  # noqa: E402
from bench.common import machine, percentile  # noqa: E402
from speechdraft.drafting.services import word_diff  # noqa: E402
from speechdraft.export.builder import ChangeStamp, ExportOptions, WordComment, build_docx, plan_flow  # noqa: E402
from speechdraft.review.roundtrip import read_review_file  # noqa: E402


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
    print(machine())
    print(
        f"{chars} characters, {len(review.changes)} tracked changes, {len(comments)} comments, {len(data)} bytes"
    )
    print(
        f"修订稿 build_docx  p50 {statistics.median(samples):6.1f} ms  p95 {percentile(samples, 95):6.1f} ms"
    )
    print(f"审阅稿 read        p50 {statistics.median(reads):6.1f} ms  p95 {percentile(reads, 95):6.1f} ms")


if __name__ == "__main__":
    main()

"""Benchmark 素材推荐: one query against blocks and corpus paragraphs of 10k documents (target ≤ 100 ms).

    .venv/bin/python -m bench.bench_recommend [--docs 10000] [--queries 50] [--no-write]

Writes docs/bench/recommend.md. Documents are bench/synthetic.py's genre-like speeches (≈ 3,000
characters, split into paragraphs as the app does). Each query is what the editor sends for one
section: the heading and 写作提示 of a template slot of the seeds plus a few sentences written so far.
The figure that has a target is the query (keywords + BM25 + top 8); building the index (jieba over the
whole corpus, once per process) is reported for information. If rank-bm25 can be imported (it is not a
dependency: ``pip install --target DIR rank-bm25==0.2.2`` and ``PYTHONPATH=DIR``), its ``get_scores`` on
the same passages and query words is timed in the same run, for the comparison in text/recommend.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from bench.common import load_average, machine, percentile
from bench.synthetic import Generator
from speechdraft.text import tokenizer
from speechdraft.text.recommend import PassageIndex, corpus_paragraphs, query_words

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "bench" / "recommend.md"
TARGET_MS = 100
NOTE = (
    "The query is what has a target. The build is jieba over every paragraph; after the library "
    "changes, a large corpus (over SPEECHDRAFT_RECOMMEND_SYNC_CHARS, 1,000,000 characters) is rebuilt "
    "in a background thread while the previous index keeps answering (the first ever build shows "
    "“正在后台建立” in the panel instead of holding the request); the "
    "result is kept on disk in the cache directory, so restarted or further workers read it instead "
    "of building it again. rank-bm25, when importable (`pip install --target DIR rank-bm25==0.2.2`, "
    "`PYTHONPATH=DIR`; not a dependency), scores every passage for every query word, which is why th"
    "e app uses the numpy postings index instead."
)

QUERIES = [
    ("提高认识，增强当好人大代表的责任感", "从宪法、代表法讲代表的地位和职责，可用“一是…二是…三是…”分述。"),
    ("认真履职，充分发挥人大代表作用", "讲参加会议、审议、提出建议、闭会期间活动等具体履职要求。"),
    ("勤于实践，争当人民满意的人大代表", "讲联系群众、反映民意、作风形象，落到“人民满意”。"),
    ("要认真学习掌握人大代表依法履职的业务知识", "结合本届代表情况，要求学习人大制度和履职知识。"),
    ("紧紧围绕区委中心工作", "围绕区委中心工作和全过程人民民主，要求代表联系群众、反映民意。"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    tokenizer.warm_up()
    generator = Generator(seed=7, pool_size=50_000)
    passages = []
    chars = 0
    for doc_id, text in generator.documents(args.docs):
        chars += len(text)
        for start, end in corpus_paragraphs(text):
            passages.append((("corpus", doc_id, start, end), text[start:end]))
    started = time.perf_counter()
    tokenised = [tokenizer.content_words(text) for _, text in passages]
    cut_s = time.perf_counter() - started
    started = time.perf_counter()
    index = PassageIndex.from_words(zip((key for key, _ in passages), tokenised, strict=True))
    build_s = time.perf_counter() - started

    samples = []
    written = [text for _, text in passages[: args.queries * 3]]
    for i in range(args.queries):
        heading, guidance = QUERIES[i % len(QUERIES)]
        body = "".join(written[i * 3 : i * 3 + 2])[:400]
        started = time.perf_counter()
        words = query_words(heading, guidance, body)
        found = index.search(words, limit=8)
        samples.append((time.perf_counter() - started) * 1000)
        assert found, "every query should find something"

    comparison = ""
    try:
        from rank_bm25 import BM25Okapi  # type: ignore[import-not-found]
    except ImportError:
        comparison = "rank-bm25 not importable in this run: no comparison measured."
    else:
        bm25 = BM25Okapi(tokenised)
        words = query_words(*QUERIES[0], written[0])
        lib = []
        for _ in range(5):
            started = time.perf_counter()
            bm25.get_scores(words)
            lib.append((time.perf_counter() - started) * 1000)
        comparison = (
            f"rank-bm25 0.2.2 `BM25Okapi.get_scores` on the same passages and query words: "
            f"median {statistics.median(lib):.0f} ms (5 runs, scoring only)."
        )

    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    lines = [
        "# 素材推荐",
        "",
        f"Command: `.venv/bin/python -m bench.bench_recommend --docs {args.docs} --queries {args.queries}` "
        f"({dt.date.today().isoformat()})",
        "",
        f"Machine: {machine('jieba', 'numpy')}; load {load_average()}",
        "",
        "| what | figure | target |",
        "| --- | --- | --- |",
        f"| corpus | {args.docs:,} documents, {chars:,} characters, {len(passages):,} paragraphs | |",
        f"| query (keywords + BM25 + top 8), p50 | {p50:.1f} ms | ≤ {TARGET_MS} ms |",
        f"| query, p95 / max | {p95:.1f} / {max(samples):.1f} ms | |",
        f"| index build: jieba over every paragraph | {cut_s:.1f} s | — |",
        f"| index build: postings arrays from the words | {build_s:.1f} s | — |",
        "",
        comparison,
        "",
        NOTE,
        "",
    ]
    print("\n".join(lines))
    if not args.no_write:
        REPORT.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Benchmark of the 查重 engine on synthetic corpora (DESIGN §9).

    python -m bench.bench_similarity [--sizes 1000,10000,100000] [--runs 20] [--baseline-sample 20]

For each corpus size: generate the documents (``bench.synthetic``), build the fingerprint index, save
it and load it memory-mapped, then check ≥ ``--runs`` different 5,000-character drafts (original
paragraphs, fresh genre-like text and 4 planted corpus passages each) and report p50/p95 wall time.
In the same run a naive baseline — ``difflib.SequenceMatcher`` of the draft against every document —
is timed on a random sample of documents and scaled to the corpus size.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.evaluation import plant
from bench.synthetic import Generator
from speechdraft.text import normalise, tokenizer
from speechdraft.text.fingerprints import FingerprintIndex
from speechdraft.text.similarity import check

DRAFT_CHARS = 5000


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def _dir_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file())


def make_draft(
    rng: random.Random, texts: dict[int, str], generator: Generator, sources: set[int] | None = None
) -> tuple[str, float]:
    """A ≈ 5,000-character draft: original paragraphs with 4 planted passages plus fresh genre text.

    Returns the draft and the share of it planted (countable characters); adds the ids of the planted
    sources to ``sources`` when given.
    """
    sample_ids = rng.sample(sorted(texts), 40)
    planted = plant(
        {i: texts[i] for i in sample_ids},
        rng,
        obfuscation=rng.choice(["verbatim", "light_edits", "word_swaps", "reordered"]),
        passages=4,
        paragraphs=18,
        min_chars=150,
        max_chars=350,
    )
    fresh_id, fresh = next(generator.documents(1, chars=DRAFT_CHARS, first_id=-1))
    body = fresh.split("\n", 2)[-1]
    text = planted.text + "\n" + body
    cut = DRAFT_CHARS
    text = text[:cut]
    planted_chars = sum(
        normalise.countable_chars(text[c.start : min(c.end, cut)]) for c in planted.cases if c.start < cut
    )
    if sources is not None:
        sources.update(c.source_id for c in planted.cases if c.end <= cut)
    return text, planted_chars / max(1, normalise.countable_chars(text))


def run_size(size: int, runs: int, baseline_sample: int, seed: int) -> dict:
    generator = Generator(seed=seed, pool_size=min(2_000_000, max(50_000, 10 * size)))
    started = time.perf_counter()
    texts = dict(generator.documents(size))
    generate_s = time.perf_counter() - started
    chars = sum(len(t) for t in texts.values())

    started = time.perf_counter()
    index = FingerprintIndex.build(texts.items())
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="sd-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        index.save(directory)
        save_s = time.perf_counter() - started
        disk = _dir_size(directory)
        started = time.perf_counter()
        index = FingerprintIndex.load(directory, mmap=True)
        load_s = time.perf_counter() - started

        rng = random.Random(seed)
        drafts = [make_draft(rng, texts, generator) for _ in range(runs + 1)]
        # As the server does after its warm-up (speechdraft/wsgi.py): what is loaded for good is kept
        # out of the collector's walks, which would otherwise also walk the bench's generated corpus.
        gc.freeze()
        # The first check pays one-off costs (page faults of the mapped index, jieba's first cuts).
        check(drafts[0][0], index=index, source_text=texts.get, source_title=str)
        wall: list[float] = []
        cpu: list[float] = []
        retrieval: list[float] = []
        reported: list[float] = []
        planted_share: list[float] = []
        for text, true_ratio in drafts[1:]:
            t0, c0 = time.perf_counter(), time.process_time()
            report = check(text, index=index, source_text=texts.get, source_title=str)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            reported.append(report.copy_ratio)
            planted_share.append(true_ratio)
            t0 = time.perf_counter()
            index.candidates(text, limit=30)
            retrieval.append((time.perf_counter() - t0) * 1000)

        # One 200,000-character draft (40 drafts end to end): the edge case of a whole collection.
        planted_sources: set[int] = set()
        long_draft = "\n".join(make_draft(rng, texts, generator, planted_sources)[0] for _ in range(40))[
            :200_000
        ]
        t0, c0 = time.perf_counter(), time.process_time()
        long_report = check(long_draft, index=index, source_text=texts.get, source_title=str)
        long_ms = (time.perf_counter() - t0) * 1000
        long_cpu_ms = (time.process_time() - c0) * 1000
        found = {s.source_id for s in long_report.sources if s.copied_chars}
        long_found = len(found & planted_sources)
        long_planted = len(planted_sources)

        # A draft made of 70 whole corpus documents (a speech file assembled from last years' speeches):
        # every character lies in a long copied passage, the costliest case for the alignment.
        whole_ids = rng.sample(sorted(texts), 70)
        whole_draft = "\n".join(texts[i] for i in whole_ids)
        t0, c0 = time.perf_counter(), time.process_time()
        whole_report = check(whole_draft, index=index, source_text=texts.get, source_title=str)
        whole_ms = (time.perf_counter() - t0) * 1000
        whole_cpu_ms = (time.process_time() - c0) * 1000
        whole_found = len({s.source_id for s in whole_report.sources if s.copied_chars} & set(whole_ids))

        # Naive baseline: difflib against every document, timed on a sample and scaled.
        sample = random.Random(seed + 1).sample(sorted(texts), min(baseline_sample, size))
        draft = drafts[1][0]
        started = time.perf_counter()
        for doc_id in sample:
            difflib.SequenceMatcher(None, draft, texts[doc_id]).get_matching_blocks()
        per_doc_ms = (time.perf_counter() - started) * 1000 / len(sample)
    gc.unfreeze()
    baseline_ms = per_doc_ms * size
    p50 = statistics.median(wall)
    return {
        "size": size,
        "chars": chars,
        "generate_s": generate_s,
        "build_s": build_s,
        "save_s": save_s,
        "load_s": load_s,
        "disk_mb": disk / 1e6,
        "fingerprints": index.fingerprint_count,
        "p50": p50,
        "p95": _percentile(wall, 95),
        "cpu_p50": statistics.median(cpu),
        "retrieval_p50": statistics.median(retrieval),
        "reported": statistics.mean(reported),
        "planted": statistics.mean(planted_share),
        "baseline_per_doc_ms": per_doc_ms,
        "baseline_s": baseline_ms / 1000,
        "speedup": baseline_ms / p50,
        "runs": runs,
        "long_ms": long_ms,
        "long_cpu_ms": long_cpu_ms,
        "long_found": long_found,
        "long_planted": long_planted,
        "whole_chars": len(whole_draft),
        "whole_ms": whole_ms,
        "whole_cpu_ms": whole_cpu_ms,
        "whole_found": whole_found,
        "whole_ratio": whole_report.copy_ratio,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline-sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    sum(range(10**8))
    reference_s = time.perf_counter() - started
    started = time.perf_counter()
    tokenizer.warm_up()
    normalise.warm_up()
    print(f"warm-up (jieba + translation tables): {time.perf_counter() - started:.2f} s")
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}; speed reference: sum(range(10**8)) in {reference_s:.2f} s"
    )
    print()
    print(
        "| documents | characters | generate | build index | save / load (mmap) | on disk | fingerprints "
        "| check p50 | check p95 | CPU p50 | retrieval p50 | difflib per doc | difflib, whole corpus "
        "| speed-up | copy ratio reported / planted | 200k-char draft wall / CPU | its planted sources found "
        "| 70 whole documents: characters, wall / CPU, sources found, copy ratio |"
    )
    print("|" + " ---: |" * 18)
    for size in (int(s) for s in args.sizes.split(",")):
        r = run_size(size, args.runs, args.baseline_sample, args.seed)
        print(
            f"| {r['size']:,} | {r['chars'] / 1e6:.1f} M | {r['generate_s']:.1f} s | {r['build_s']:.1f} s "
            f"| {r['save_s']:.2f} / {r['load_s']:.3f} s | {r['disk_mb']:.0f} MB | {r['fingerprints'] / 1e6:.1f} M "
            f"| {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['cpu_p50']:.1f} ms | {r['retrieval_p50']:.2f} ms "
            f"| {r['baseline_per_doc_ms']:.1f} ms | {r['baseline_s']:.1f} s | {r['speedup']:,.0f}× "
            f"| {100 * r['reported']:.1f} % / {100 * r['planted']:.1f} % | {r['long_ms']:.0f} / {r['long_cpu_ms']:.0f} ms "
            f"| {r['long_found']} / {r['long_planted']} "
            f"| {r['whole_chars']:,}, {r['whole_ms']:.0f} / {r['whole_cpu_ms']:.0f} ms, {r['whole_found']} / 70, "
            f"{100 * r['whole_ratio']:.2f} % |",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak RSS {peak:.0f} MB; load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

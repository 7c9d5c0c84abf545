"""Benchmark corpus import end to end (target ≥ 300,000 characters/s, DESIGN §9).

    .venv/bin/python -m bench.bench_import [--files 300] [--no-write]

"End to end" is what `import_corpus` does for a folder of files: read, decode (UTF-8 and GBK files
mixed), clean, parse, dedupe, store in the database (SQLite, WAL) with a journal entry per document;
then the 查重 index catches up from that journal before the next check (timed: the first check after
the import, which rebuilds once more than ``checks.index.REBUILD_BATCH`` documents arrived at once). The files are genre-like speeches from bench/synthetic.py,
written to a temporary folder; the database and index live in a temporary directory too.
Also times `rebuild_index` over what was imported. Writes docs/bench/import.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.common import load_average, machine

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="speechdraft-bench-import-"))
    os.environ["SPEECHDRAFT_VAR_DIR"] = str(work / "var")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speechdraft.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.synthetic import Generator
    from speechdraft.checks.index import current_index, rebuild_index, warm_up
    from speechdraft.library.services import corpus_import_paths

    call_command("migrate", verbosity=0)
    warm_up()
    folder = work / "corpus"
    folder.mkdir()
    total_chars = 0
    for doc_id, text in Generator(seed=7, pool_size=20_000).documents(args.files, chars=3000):
        encoding = "gbk" if doc_id % 3 == 0 else "utf-8"
        (folder / f"讲话{doc_id:05d}.txt").write_bytes(text.encode(encoding, errors="ignore"))
        total_chars += len(text)

    started = time.perf_counter()
    outcomes = corpus_import_paths(paths=[str(folder)])
    current_index()  # the index follows the journal before the next check
    elapsed = time.perf_counter() - started
    imported = sum(o.status == "imported" for o in outcomes)
    errors = [o for o in outcomes if o.status == "error"]

    started = time.perf_counter()
    index = rebuild_index()
    rebuild = time.perf_counter() - started

    rate = total_chars / elapsed
    load = load_average()
    lines = [
        "# Corpus import benchmark",
        "",
        f"Command: `.venv/bin/python -m bench.bench_import --files {args.files}`  ",
        f"Run: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}  ",
        f"Machine: {machine('Django')}  ",
        f"Load average at start (1/5/15 min): {load}",
        "",
        f"Input: {args.files} genre-like speeches (bench/synthetic.py), {total_chars:,} characters, one "
        "file in three GBK-encoded, the rest UTF-8, in one folder.",
        "",
        "| what | figure | target |",
        "| --- | ---: | --- |",
        f"| import end to end (read, decode, clean, parse, store and journal, index catch-up) | {rate:,.0f} characters/s "
        f"({elapsed:.2f} s, {imported} imported, {len(errors)} errors) | ≥ 300,000 characters/s |",
        f"| rebuild_index over the imported documents | {rebuild * 1000:.0f} ms for {len(index)} documents | — |",
        "",
        "The 查重 index rebuild at 10k and 100k documents is measured in the similarity section.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        (ROOT / "docs" / "bench").mkdir(parents=True, exist_ok=True)
        (ROOT / "docs" / "bench" / "import.md").write_text(report, encoding="utf-8")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

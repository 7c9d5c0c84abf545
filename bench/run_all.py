"""`make bench`: every benchmark in turn, each writing its figures to docs/bench/<area>.md, then one
docs/benchmarks.md assembled from those files so the figures and the machine stay in one place.

    .venv/bin/python -m bench.run_all [--quick]

--quick skips the 100k-document corpus (minutes of generation) for a fast look.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ["similarity", "import", "editor", "history", "load", "export", "review", "recommend", "hostile"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = [
        [sys.executable, "-m", "bench.bench_similarity"] + (["--sizes", "1000,10000"] if args.quick else []),
        # Quality of 查重 on planted passages; prints its tables (docs/bench/similarity.md quotes them).
        [sys.executable, "-m", "bench.eval_similarity"]
        + (["--drafts", "6", "--controls", "6"] if args.quick else []),
        [sys.executable, "-m", "bench.bench_import"],
        [sys.executable, "-m", "bench.bench_editor"],
        [sys.executable, "-m", "bench.bench_history"],
        # Needs PostgreSQL (BENCH_DATABASE_URL, default the local server's speechdraft_bench database).
        [sys.executable, "-m", "bench.bench_load"],
        [sys.executable, "-m", "bench.bench_export"],
        [sys.executable, "-m", "bench.bench_review"],
        [sys.executable, "-m", "bench.bench_recommend"] + (["--docs", "1000"] if args.quick else []),
        [sys.executable, "-m", "bench.bench_hostile"],
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "speechdraft.settings"}
    failed = []
    for command in runs:
        print("==>", " ".join(command[1:]), flush=True)
        if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
            failed.append(command[2])
    assemble()
    if failed:
        print("失败的基准：", ", ".join(failed), file=sys.stderr)
        return 1
    return 0


def assemble() -> None:
    sections = []
    for part in PARTS:
        path = ROOT / "docs" / "bench" / f"{part}.md"
        if path.exists():
            text = path.read_text(encoding="utf-8").strip()
            # Each part is a page of its own; nest all its headings one level under the combined page.
            sections.append(re.sub(r"^(#+) ", r"#\1 ", text, flags=re.MULTILINE))
    header = (
        "# Benchmarks\n\n"
        "Targets are DESIGN §9's. Each section below is written by its script under `bench/` "
        "(`make bench` runs them all and rebuilds this page); every section names its command, "
        "the machine and the load at the time.\n"
    )
    (ROOT / "docs" / "benchmarks.md").write_text(
        header + "\n" + "\n\n".join(sections) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())

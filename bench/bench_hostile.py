"""Peak memory of reading each hostile upload of issue #11, in a fresh process per file.

    .venv/bin/python -m bench.bench_hostile

The files are built on the fly by tests/security/hostile.py (never committed). Each is read by
load_document in its own subprocess, which reports resource.getrusage's ru_maxrss; the tests assert
the same cases stay under 400 MB (DESIGN §9). The table goes to docs/bench/hostile.md.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import load_average, machine
from tests.security.hostile import inflating_docx, long_docx, numbered_docx
from tests.security.test_hostile_files import _LOAD_AND_MEASURE

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cases = {
            "zip directory says 1,000 B, document.xml really 400 MB": inflating_docx(
                d / "a.docx", 400 * 1024 * 1024, declared_bytes=1000
            ),
            "honest 190 MB document.xml": inflating_docx(d / "b.docx", 190 * 1024 * 1024),
            "10 MB part at a ~290:1 ratio": inflating_docx(d / "c.docx", 10 * 1024 * 1024, compresslevel=9),
        }
        (d / "d.docx").write_bytes(numbered_docx("260000000"))
        cases["w:start=260000000 in upperLetter"] = d / "d.docx"
        (d / "e.docx").write_bytes(long_docx(310_000))
        cases["310,000 characters"] = d / "e.docx"
        lines = [
            "# Hostile upload benchmark",
            "",
            f"`.venv/bin/python -m bench.bench_hostile` on {machine()}; load {load_average()}.",
            "Target (DESIGN §9): peak memory of the importing process ≤ 400 MB for any file under the upload limit.",
            "",
            "| file | size | peak RSS | outcome |",
            "| --- | ---: | ---: | --- |",
        ]
        for name, path in cases.items():
            done = subprocess.run(
                [sys.executable, "-c", _LOAD_AND_MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True
            )
            result = json.loads(done.stdout)
            outcome = result.get("error") or f"read, {result['chars']} characters"
            lines.append(
                f"| {name} | {path.stat().st_size // 1024} KB | {result['peak_mb']:.0f} MB | {outcome[:40]} |"
            )
    page = "\n".join(lines) + "\n"
    print(page)
    (ROOT / "docs" / "bench" / "hostile.md").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()

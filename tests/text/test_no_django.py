"""The text engine must stay usable without Django (scripts, workers, benchmarks)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

TEXT_PACKAGE = Path(__file__).resolve().parents[2] / "speechdraft" / "text"


def _modules() -> list[str]:
    return sorted(
        "speechdraft.text" + ("" if path.stem == "__init__" else "." + path.stem)
        for path in TEXT_PACKAGE.glob("*.py")
    )


def test_every_text_module_imports_without_loading_django():
    modules = _modules()
    assert "speechdraft.text.parser" in modules and "speechdraft.text.loading" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=TEXT_PACKAGE.parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(TEXT_PACKAGE.parents[1])},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_no_text_module_mentions_a_django_import():
    pattern = re.compile(r"^\s*(import\s+django\b|from\s+django\b)", re.MULTILINE)
    offenders = [path.name for path in TEXT_PACKAGE.rglob("*.py") if pattern.search(path.read_text("utf-8"))]
    assert offenders == []

"""The layer contracts of `.importlinter` (run by `make lint`) hold, and a back-edge breaks them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_copy(tmp_path) -> Path:
    shutil.copytree(
        ROOT / "speechdraft",
        tmp_path / "speechdraft",
        ignore=shutil.ignore_patterns("__pycache__", "seeds", "data", "*.txt"),
    )
    return tmp_path


def test_the_project_keeps_its_layers(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("library/services.py", "from speechdraft.checks import index"),  # the old hidden cycle
        ("checks/report_docx.py", "from speechdraft.export import builder"),  # siblings stay apart
        ("text/genre.py", "import django.conf"),  # the text engine stays pure
    ],
)
def test_a_back_edge_makes_the_contracts_fail(project_copy, module, bad_import):
    path = project_copy / "speechdraft" / module
    # Inside a function, where a cycle used to hide: import-linter sees it all the same.
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _sneaky():\n    {bad_import}\n")
    result = lint_imports(project_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout

"""Run tests/review/uno_office.py with Debian's python3-uno, as a subprocess that can be killed."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "uno_office.py"
SYSTEM_PYTHON = "/usr/bin/python3"


def office_available() -> bool:
    if not shutil.which("soffice") or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


# A developer without LibreOffice skips these; CI installs it (scripts/install-system-packages.sh), so
# there a missing office fails the tests instead of hiding them.
needs_office = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not office_available(),
    reason="LibreOffice with python3-uno is not installed",
)


def _run(args: list[str], timeout: float = 120) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "DJANGO"))}
    process = subprocess.Popen(
        [SYSTEM_PYTHON, str(SCRIPT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError("LibreOffice (UNO) timed out") from None
    assert process.returncode == 0, stderr.decode("utf-8", "replace")[-2000:]


def inspect_docx(data: bytes) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        source, result = Path(tmp) / "in.docx", Path(tmp) / "out.json"
        source.write_bytes(data)
        _run(["inspect", str(source), str(result)])
        return json.loads(result.read_text(encoding="utf-8"))


def edit_docx(data: bytes, spec: dict) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        source, target, spec_path = Path(tmp) / "in.docx", Path(tmp) / "out.docx", Path(tmp) / "spec.json"
        source.write_bytes(data)
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        _run(["edit", str(source), str(target), str(spec_path)])
        return target.read_bytes()

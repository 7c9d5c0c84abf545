"""The one way the app runs LibreOffice: legacy .doc import and the print preview both go through here.

Each call gets its own temporary directory that holds the input, a private user profile
(``-env:UserInstallation``) and ``HOME``: LibreOffice refuses to start a second instance on a profile
in use, writes caches under HOME even with a custom profile, and a profile left behind by a killed
process can block every later start. The process leads its own session so that a timeout kills the
wrapper script, ``oosplash`` and ``soffice.bin`` together.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path


class OfficeError(Exception):
    """LibreOffice could not produce the output; callers turn this into their own Chinese message."""


class OfficeUnavailable(OfficeError):
    """No LibreOffice executable was found."""


class OfficeTimeout(OfficeError):
    """The conversion took longer than allowed and was killed."""


def soffice_command() -> str:
    """The executable to run: ``SPEECHDRAFT_SOFFICE`` when set (a path or a name on PATH), else soffice."""
    return os.environ.get("SPEECHDRAFT_SOFFICE") or "soffice"


def convert(
    data: bytes,
    *,
    source_name: str,
    convert_to: str,
    output_suffix: str,
    timeout: float,
    soffice: str | None = None,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Run ``soffice --convert-to convert_to`` on ``data`` and return the output file's bytes.

    ``source_name`` names the input inside the private directory (its suffix tells LibreOffice the
    format); ``output_suffix`` is the suffix of the file LibreOffice writes. Raises OfficeUnavailable,
    OfficeTimeout, or OfficeError whose message is LibreOffice's last line of stderr.
    """
    executable = shutil.which(soffice or soffice_command())
    if executable is None:
        raise OfficeUnavailable(soffice or soffice_command())
    with tempfile.TemporaryDirectory(prefix="speechdraft-office-") as tmp:
        workdir = Path(tmp)
        source = workdir / source_name
        source.write_bytes(data)
        outdir = workdir / "out"
        command = [
            executable,
            f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            convert_to,
            "--outdir",
            str(outdir),
            str(source),
        ]
        process_env = dict(os.environ)
        process_env.update(env or {})
        process_env["HOME"] = str(workdir)
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=process_env,
            start_new_session=True,
        )
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise OfficeTimeout(f"{timeout:g}") from None
        finally:
            # Also on success: soffice.bin can outlive the wrapper script that we waited for.
            _kill_group(process)
        target = outdir / (Path(source_name).stem + output_suffix)
        if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            raise OfficeError(lines[-1][:200] if lines else f"退出码 {process.returncode}")
        return target.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)

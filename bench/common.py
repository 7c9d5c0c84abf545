"""What every benchmark reports besides its figures: the machine, the load, percentiles."""

import importlib.metadata
import os
import platform
from pathlib import Path


def machine(*packages: str) -> str:
    """CPU model and cores, Python, the versions of ``packages`` that matter to the figures, the OS."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = "".join(f"; {name} {importlib.metadata.version(name)}" for name in packages)
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}{versions}; {platform.platform()}"
    )


def load_average() -> str:
    """1/5/15-minute load: figures taken while other work ran are slower, and the reader should know."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

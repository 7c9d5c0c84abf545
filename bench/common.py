"""What every benchmark reports besides its figures: the machine, the load, percentiles."""

import importlib.metadata
import os
import platform
import time
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


def time_ms(fn, runs: int, warmup: int = 0) -> list[float]:
    """Wall-clock milliseconds of ``runs`` calls of ``fn``, after ``warmup`` uncounted ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def write_report(path: Path, lines: list[str]) -> None:
    """A benchmark's page under docs/bench/, which `make bench` assembles into docs/benchmarks.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    print(f"figures written to {path.relative_to(path.parents[2])}")


def make_drafter(username: str, **fields):
    """A user with the 起草人 role: one without a role only ever sees "请联系管理员分配角色"."""
    from django.contrib.auth.models import Group, User

    from speechdraft.roles import DRAFTER_GROUP

    user = User.objects.create_user(username, **fields)
    user.groups.add(Group.objects.get_or_create(name=DRAFTER_GROUP)[0])
    return user

"""What every benchmark shares: timing, the machine description and the JSON result file."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def best_of(repeat: int, action: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs in seconds: the least disturbed by other work on a shared machine."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def best_of_each(repeat: int, actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The fastest of ``repeat`` runs of each action in seconds, the actions taking turns: a shared machine
    whose speed drifts during the measurement slows them alike, so their ratio stays what it is."""
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            timings[name].append(time.perf_counter() - start)
    return {name: min(times) for name, times in timings.items()}


def report(benchmark_id: str, figures: dict[str, Any], *, target: str, met: bool) -> None:
    RESULTS.mkdir(exist_ok=True)
    body = {"id": benchmark_id, "target": target, "met": met, "figures": figures, "machine": machine()}
    (RESULTS / f"{benchmark_id}.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    print(f"{benchmark_id}: {'met' if met else 'NOT met'} ({target})")
    for name, value in figures.items():
        print(f"    {name}: {value}")


def peak_memory_mb() -> float:
    """The process's peak resident memory in MB since it started its program.

    Linux's ``VmHWM`` is reset when a process executes a new program; ``ru_maxrss`` is not, so a child
    started by fork and exec (multiprocessing's "spawn") would report its parent's size at the fork as its
    own. Elsewhere ``ru_maxrss`` is what there is."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

"""P5: `kooperativet --help` starts in under half a second (heavy modules are imported lazily)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import best_of, report

TARGET_SECONDS = 0.5


def run() -> None:
    command = [str(Path(sys.executable).parent / "kooperativet"), "--help"]
    python_only = best_of(5, lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))
    help_time = best_of(5, lambda: subprocess.run(command, check=True, capture_output=True))
    report(
        "P5-startup",
        {"kooperativet --help (s)": round(help_time, 3), "bare python start (s)": round(python_only, 3)},
        target=f"kooperativet --help under {TARGET_SECONDS} s",
        met=help_time < TARGET_SECONDS,
    )

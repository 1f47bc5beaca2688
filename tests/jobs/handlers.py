"""Test-only job kinds: each records its effect as one line in a file named by its payload, so that a
test can count how often the work was done, across processes."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kooperativet.jobs import JobContext, handler

RECORD = "test_record"
BLOCK = "test_block"
FAIL = "test_fail"
PERIODIC = "test_periodic"


def record_effect(path: str, line: str) -> None:
    """Append one line (O_APPEND: lines from several processes never interleave)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, f"{line}\n".encode())
    finally:
        os.close(descriptor)


def effects(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@handler(RECORD)
def record(context: JobContext, payload: Mapping[str, Any]) -> None:
    time.sleep(payload.get("seconds", 0))
    record_effect(payload["effects"], f"{context.job_id} {context.worker}")


@handler(BLOCK)
def block_until_released(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Say it started, then wait for the release file (a test kills the worker meanwhile)."""
    record_effect(payload["started"], f"{context.job_id} {context.worker}")
    deadline = time.monotonic() + 30
    while not Path(payload["release"]).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.02)
    record_effect(payload["effects"], f"{context.job_id} {context.worker}")


@handler(FAIL)
def fail(context: JobContext, payload: Mapping[str, Any]) -> None:
    raise RuntimeError(payload.get("message", "the printer is on fire"))


#: The slots the periodic test job ran for, in this process.
PERIODIC_SLOTS: list[str] = []


@handler(PERIODIC)
def periodic(context: JobContext, payload: Mapping[str, Any]) -> None:
    PERIODIC_SLOTS.append(payload["slot"])

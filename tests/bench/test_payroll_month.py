"""The P1/P4 benchmark's harness runs (``make bench`` is not part of the suite, and a harness nobody runs
rots unseen: the P2 benchmark once stopped on keys the demo had moved): the month of a few payouts through
the same steps, the floor, the figures the README is made from."""

from __future__ import annotations

import os

import pytest

from bench import payroll_month
from tests.conftest import TEST_DATABASE_ENV


def kinds() -> list[str]:
    """SQLite always; PostgreSQL too when the suite runs against a server (the harness makes and drops a
    database of its own there)."""
    return ["sqlite", "postgresql"] if os.environ.get(TEST_DATABASE_ENV) else ["sqlite"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", kinds())
def test_a_small_month_is_measured_step_by_step_against_its_floor(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # The harness configures fixed keys of its own in the environment; monkeypatch gives the suite's back.
    for name in ("KOOPERATIVET_DATA_KEY", "KOOPERATIVET_BLIND_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KOOPERATIVET_ENV", "development")
    if kind == "postgresql":
        monkeypatch.setenv("KOOPERATIVET_BENCH_POSTGRES", os.environ[TEST_DATABASE_ENV])

    figures = payroll_month.measure(kind, 40)

    assert set(figures["steps"]) == {"create", "approve", "mark_paid", "agi", "sie", "pain001"}
    assert figures["lines"] == 40  # one payslip line per payout
    assert figures["payslips"] == round(40 / payroll_month.PAYOUTS_PER_MEMBER)  # one payslip per member
    assert len(figures["floors_s"]) == payroll_month.FLOOR_REPEATS
    assert figures["floor_s"] > 0
    assert figures["ratio"] == round(figures["month_s"] / figures["floor_s"], 2)  # seconds, not money
    assert 0 < figures["peak_mb"] < 400

"""quality.md R4 for payslip numbers: they come from the same gap-free counter as invoice numbers
(``kooperativet.numbering``), so eight parallel approvers, some rolling back, leave no gap and no duplicate.

Real commits from several connections are needed, so this uses a throw-away database of its own (SQLite file
or a new PostgreSQL database) like ``tests/invoices/test_numbering_concurrency.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.payroll.models import PayslipNumberCounter
from kooperativet.payroll.service import payslip_number, take_payslip_number
from tests.conftest import TEST_AUDIT_KEY

APPROVERS = 8
ATTEMPTS_PER_APPROVER = 3
YEAR = 2026


class Rollback(Exception):
    """Raised inside a transaction after the number was taken, to roll it back."""


@pytest.fixture
def committed_factory(committed_url: str) -> Iterator[sessionmaker[Session]]:
    pool = {"pool_size": APPROVERS + 2} if committed_url.startswith("postgresql") else {}
    engine = make_engine(committed_url, **pool)
    try:
        yield make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    finally:
        engine.dispose()


def test_parallel_payslip_numbers_with_rollbacks_leave_no_gap_and_no_duplicate(
    committed_factory: sessionmaker[Session],
) -> None:
    start = threading.Barrier(APPROVERS)
    committed: list[int] = []
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def approver(worker: int) -> None:
        start.wait()  # all take the first number of the year at once: one creates the counter row
        for attempt in range(ATTEMPTS_PER_APPROVER):
            try:
                with transaction(committed_factory) as session:
                    sequence = take_payslip_number(session, year=YEAR)
                    if (worker + attempt) % 3 == 0:
                        with lock:
                            rolled_back.append(sequence)
                        raise Rollback
                with lock:
                    committed.append(sequence)
            except Rollback:
                pass
            except BaseException as exc:  # reported by the main thread
                with lock:
                    errors.append(exc)

    threads = [threading.Thread(target=approver, args=(worker,)) for worker in range(APPROVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert rolled_back, "some transactions must have rolled back"
    assert len(committed) + len(rolled_back) == APPROVERS * ATTEMPTS_PER_APPROVER
    assert sorted(committed) == list(range(1, len(committed) + 1))
    with transaction(committed_factory) as session:
        assert session.get_one(PayslipNumberCounter, YEAR).last_sequence == len(committed)
    assert payslip_number(YEAR, max(committed)) == f"L2026-{len(committed):05d}"

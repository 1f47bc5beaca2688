"""The one gap-free counter: invoice numbers (``invoices.numbering``) and payslip numbers (payroll) both take
their next sequence here.

A number is taken in the caller's transaction from a counter row locked for update (PostgreSQL
``SELECT … FOR UPDATE``; on SQLite every write transaction already holds the write lock from ``BEGIN
IMMEDIATE``). A rolled-back transaction rolls the counter back with it, so no number is lost and none is
given twice; sequences or ``max() + 1`` cannot promise both. Each caller keeps its own counter table (one row
per series and year, or per year) and its own number format.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kooperativet.db import fetch_locked


class CounterRow(Protocol):
    """A mapped counter row: its key columns and the last sequence taken."""

    last_sequence: int

    def __init__(self, **kwargs: Any) -> None: ...


CounterT = TypeVar("CounterT", bound=CounterRow)


def take_next_sequence(session: Session, counter: type[CounterT], **key: object) -> int:
    """The next sequence of the counter row ``key`` (e.g. ``year=2026``), reserved until the caller's
    transaction ends. The first number of a key creates its row."""
    return take_sequences(session, counter, 1, **key).start


def take_sequences(session: Session, counter: type[CounterT], count: int, **key: object) -> range:
    """The next ``count`` sequences of the counter row ``key`` at once, under the same lock and in the same
    transaction as one number: a batch (a payroll run's payslips) takes its block in one step, and a rollback
    returns the whole block, so the series stays gap-free."""
    if count < 1:
        raise ValueError(f"a block of sequences needs at least one, not {count}")
    row = _locked_row(session, counter, key)
    if row is None:
        try:
            with session.begin_nested():
                session.add(counter(**key, last_sequence=0))
        except IntegrityError:
            pass  # a concurrent first number of this key created the row; lock that one below
        row = _locked_row(session, counter, key)
        assert row is not None
    first = row.last_sequence + 1
    row.last_sequence += count
    session.flush()
    return range(first, first + count)


def _locked_row(session: Session, counter: type[CounterT], key: dict[str, object]) -> CounterT | None:
    return fetch_locked(session, select(counter).filter_by(**key))

"""Gap-free invoice numbers per series and year (invoicing.md, "Numbering and immutability").

The number is taken in the issuing transaction from a counter row locked for update (PostgreSQL
``SELECT … FOR UPDATE``; on SQLite every write transaction already holds the write lock from ``BEGIN
IMMEDIATE``). A rolled-back issue rolls the counter back with it, so no number is lost and none is given
twice; sequences or ``max() + 1`` cannot promise both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kooperativet.invoices.models import InvoiceNumberCounter

#: Invoices and credit notes share one series (invoicing.md: "Credit notes take numbers from the same
#: series").
DEFAULT_SERIES: Final = "F"


@dataclass(frozen=True, slots=True)
class InvoiceNumber:
    series: str
    year: int
    sequence: int

    @property
    def text(self) -> str:
        """``2026-0001``: the year and the sequence, which also give the digits of the OCR reference."""
        return f"{self.year}-{self.sequence:04d}"


def take_number(session: Session, *, year: int, series: str = DEFAULT_SERIES) -> InvoiceNumber:
    """The next number of ``series`` in ``year``, reserved until the caller's transaction ends."""
    counter = _locked_counter(session, series=series, year=year)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(InvoiceNumberCounter(series=series, year=year, last_sequence=0))
        except IntegrityError:
            pass  # a concurrent first issue of the year created the row; lock that one below
        counter = _locked_counter(session, series=series, year=year)
        assert counter is not None
    counter.last_sequence += 1
    session.flush()
    return InvoiceNumber(series=series, year=year, sequence=counter.last_sequence)


def _locked_counter(session: Session, *, series: str, year: int) -> InvoiceNumberCounter | None:
    return session.scalar(
        select(InvoiceNumberCounter)
        .where(InvoiceNumberCounter.series == series, InvoiceNumberCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )

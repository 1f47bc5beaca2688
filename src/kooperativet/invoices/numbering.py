"""Gap-free invoice numbers per series and year (invoicing.md, "Numbering and immutability").

The number is taken in the issuing transaction from the shared gap-free counter (``kooperativet.numbering``:
a counter row locked for update), one row per series and year; a rolled-back issue gives its number back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from kooperativet.invoices.models import InvoiceNumberCounter
from kooperativet.numbering import take_next_sequence

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
    sequence = take_next_sequence(session, InvoiceNumberCounter, series=series, year=year)
    return InvoiceNumber(series=series, year=year, sequence=sequence)

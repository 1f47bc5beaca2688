"""Late-payment interest and the reminder fee (docs/reminders.md), from the dated parameters.

Interest (dröjsmålsränta) is the reference rate plus the margin (räntelagen (1975:635) 6 §), a yearly rate
that changes each half-year with Riksbanken's reference rate (9 §). It runs from the day after the due date
(a payment on the due date is in time) up to and including the day it is computed for, on the amount still
outstanding, each day at the rate in force on that day, as days/365; the sum is rounded to whole öre once,
at the end. The terms are all Decimal, so the same dates and amounts always give the same öre.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.errors import RuleViolation
from kooperativet.parameters.models import ParameterValue

DAYS_IN_YEAR = Decimal(365)
ORE = Decimal("0.01")
KEYS = (
    "reference_rate",
    "late_interest_margin",
    "reminder_fee",
    "reminder_fee_max",
    "reminder_first_days",
    "reminder_interval_days",
    "reminder_max_count",
)


@dataclass(frozen=True, slots=True)
class Dated:
    valid_from: date
    value: str
    source: str


@dataclass(frozen=True, slots=True)
class ReminderFee:
    """The cooperative's fee and the law's cap on the day of a reminder.

    A fee set within the cap (the parameters refuse more) can still be above a cap lowered after it was set.
    The reminder then charges the cap, not nothing and not the fee: the client agreed to a fee, and the law
    (lag (1981:739) 4 §, "med högst") limits what may be claimed, not whether; refusing would hold back the
    reminder, and the interest it states, for every client with an agreed fee until an admin lowers the fee.
    The reminder records the fee it did not charge (``capped``), so the treasurer sees why."""

    set: Decimal
    cap: Dated

    @property
    def charged(self) -> Decimal:
        return min(self.set, Decimal(self.cap.value))

    @property
    def capped(self) -> bool:
        return self.charged < self.set


@dataclass(frozen=True, slots=True)
class ReminderParameters:
    """Every dated value the reminders use, read once for a whole batch (``load``)."""

    values: dict[str, tuple[Dated, ...]]

    @classmethod
    def load(cls, session: Session) -> ReminderParameters:
        rows = session.scalars(
            select(ParameterValue).where(ParameterValue.key.in_(KEYS)).order_by(ParameterValue.valid_from)
        )
        values: dict[str, list[Dated]] = {key: [] for key in KEYS}
        for row in rows:
            values[row.key].append(Dated(row.valid_from, row.value, row.source))
        return cls({key: tuple(found) for key, found in values.items()})

    def on(self, key: str, day: date) -> Dated:
        """The value of ``key`` in force on ``day`` (the latest valid from that day or earlier)."""
        in_force = [value for value in self.values[key] if value.valid_from <= day]
        if not in_force:
            raise RuleViolation(
                f"no value of {key} is in force on {day}; an admin must add one", code="missing_parameter"
            )
        return in_force[-1]

    def integer(self, key: str, day: date) -> int:
        return int(self.on(key, day).value)

    def decimal(self, key: str, day: date) -> Decimal:
        return Decimal(self.on(key, day).value)

    def reminder_fee(self, day: date) -> ReminderFee:
        """The fee a written reminder made on ``day`` charges: ``reminder_fee`` in force then, at most the
        law's cap in force then (``reminder_fee_max``)."""
        return ReminderFee(set=self.decimal("reminder_fee", day), cap=self.on("reminder_fee_max", day))

    def interest_rates(self, start: date, end: date) -> list[tuple[date, Decimal]]:
        """(first day, yearly rate) for each stretch of ``start``…``end`` with one rate: reference rate plus
        margin, as each stood on that day."""
        changes = {start} | {
            value.valid_from
            for key in ("reference_rate", "late_interest_margin")
            for value in self.values[key]
            if start < value.valid_from <= end
        }
        return [
            (day, self.decimal("reference_rate", day) + self.decimal("late_interest_margin", day))
            for day in sorted(changes)
        ]


def late_interest(
    amount: Decimal, *, due_date: date, until: date, rates: Sequence[tuple[date, Decimal]]
) -> Decimal:
    """Interest on ``amount`` for the days after ``due_date`` up to and including ``until``.

    ``rates`` are (first day, yearly rate) from the day after the due date on, in date order."""
    start = due_date + timedelta(days=1)
    if until < start or amount <= 0:
        return Decimal("0.00")
    total = Decimal(0)
    for (first, rate), following in zip(rates, _next_starts(rates, until), strict=True):
        first = max(first, start)
        days = (following - first).days
        if days > 0:
            total += amount * rate * days / DAYS_IN_YEAR
    return total.quantize(ORE, rounding=ROUND_HALF_UP)


def _next_starts(rates: Sequence[tuple[date, Decimal]], until: date) -> Iterable[date]:
    """Where each stretch ends (exclusive): the next stretch's first day, the last one the day after
    ``until``."""
    yield from (first for first, _ in rates[1:])
    yield until + timedelta(days=1)

"""The month an export or the overview is about (``YYYY-MM``), and when its AGI is due."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kooperativet.core.calendar import is_bank_day
from kooperativet.errors import RuleViolation
from kooperativet.exports.formats import agi

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


def parse_period(period: str) -> tuple[date, date]:
    """``2026-11`` → the first day of that month and of the next; anything else is a 422."""
    match = _PERIOD.fullmatch(period)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise RuleViolation(f"a period is YYYY-MM, not {period!r}", code="period_format", field="period")
    year, month = int(match.group(1)), int(match.group(2))
    try:
        return date(year, month, 1), date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    except ValueError as exc:  # year 0000, or 9999-12 whose next month has no date
        raise RuleViolation(
            f"{period!r} is outside the calendar", code="period_format", field="period"
        ) from exc


@dataclass(frozen=True, slots=True)
class Month:
    """A month of payment (``YYYY-MM``): its first day and the first day of the next."""

    text: str
    start: date
    end: date

    @classmethod
    def of(cls, text: str, *, field: str = "period") -> Month:
        try:
            start, end = parse_period(text)
        except RuleViolation as exc:
            raise RuleViolation(exc.detail, code=exc.code, field=field) from exc
        return cls(text, start, end)

    @property
    def agi_period(self) -> str:
        return self.text.replace("-", "")


def agi_due_date(period: str, *, vat_base_above_40_million: bool = False) -> date:
    """When the AGI for a month (``YYYY-MM``) must reach Skatteverket (26 kap. 26 and 30 §§ SFL, moved to a
    bank day); the 26th for an employer whose VAT base is above 40 million kronor."""
    return agi.agi_due_date(
        period=period.replace("-", ""),
        is_bank_day=is_bank_day,
        vat_base_above_40_million=vat_base_above_40_million,
    )


def tax_payment_due_date(period: str, *, vat_base_above_40_million: bool = False) -> date:
    """When the tax and contributions declared for a month (``YYYY-MM``) must be paid (62 kap. 3 § SFL)."""
    return agi.tax_payment_due_date(
        period=period.replace("-", ""),
        is_bank_day=is_bank_day,
        vat_base_above_40_million=vat_base_above_40_million,
    )


def require_not_future(month: Month, *, today: date) -> None:
    if month.start > today:
        raise RuleViolation(
            f"{month.text} lies in the future; it can be exported from its first day",
            code="month_in_future",
            field="period",
        )

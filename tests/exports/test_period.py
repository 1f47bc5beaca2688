"""A month of payment as ``YYYY-MM``: anything that is not a month in the calendar is a 422, never a crash."""

from __future__ import annotations

from datetime import date

import pytest

from kooperativet.errors import RuleViolation
from kooperativet.exports.service.period import parse_period


def test_a_month_gives_its_first_day_and_the_next_months() -> None:
    assert parse_period("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    assert parse_period("2026-02") == (date(2026, 2, 1), date(2026, 3, 1))


@pytest.mark.parametrize("period", ["0000-01", "9999-12", "2026-13", "2026-1", "26-11"])
def test_a_period_outside_the_calendar_is_refused_by_its_field(period: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_period(period)
    assert refused.value.extra["field"] == "period"

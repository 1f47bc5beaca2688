"""Swedish bank days, checked against the 2026 calendar (Riksbanken's list of bank holidays)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.core.calendar import (
    add_days_to_bank_day,
    is_bank_day,
    next_bank_day,
    previous_bank_day,
)

BANK_DAYS_2026 = [
    (date(2026, 1, 1), False, "nyårsdagen"),
    (date(2026, 1, 2), True, "the Friday after nyårsdagen"),
    (date(2026, 1, 5), True, "trettondagsafton is a half day, still a bank day"),
    (date(2026, 1, 6), False, "trettondedag jul"),
    (date(2026, 4, 2), True, "skärtorsdag"),
    (date(2026, 4, 3), False, "långfredagen"),
    (date(2026, 4, 6), False, "annandag påsk"),
    (date(2026, 4, 7), True, "the Tuesday after Easter"),
    (date(2026, 4, 30), True, "valborgsmässoafton"),
    (date(2026, 5, 1), False, "första maj"),
    (date(2026, 5, 14), False, "Kristi himmelsfärdsdag"),
    (date(2026, 5, 15), True, "the squeeze day after Ascension is a bank day"),
    (date(2026, 6, 5), True, "the Friday before the national day"),
    (date(2026, 6, 6), False, "nationaldagen on a Saturday"),
    (date(2026, 6, 18), True, "the day before midsommarafton"),
    (date(2026, 6, 19), False, "midsommarafton"),
    (date(2026, 6, 20), False, "midsommardagen"),
    (date(2026, 6, 22), True, "the Monday after midsummer"),
    (date(2026, 11, 21), False, "a Saturday"),
    (date(2026, 11, 22), False, "a Sunday"),
    (date(2026, 11, 23), True, "an ordinary Monday"),
    (date(2026, 12, 23), True, "the day before julafton"),
    (date(2026, 12, 24), False, "julafton"),
    (date(2026, 12, 25), False, "juldagen"),
    (date(2026, 12, 26), False, "annandag jul on a Saturday"),
    (date(2026, 12, 28), True, "the Monday after Christmas"),
    (date(2026, 12, 31), False, "nyårsafton"),
]


@pytest.mark.parametrize(("day", "expected", "why"), BANK_DAYS_2026)
def test_is_bank_day_follows_the_swedish_calendar(day: date, expected: bool, why: str) -> None:
    assert is_bank_day(day) is expected, why


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),  # a bank day is its own next bank day
        (date(2026, 11, 21), date(2026, 11, 23)),  # weekend -> Monday
        (date(2026, 6, 19), date(2026, 6, 22)),  # midsommarafton -> Monday after midsummer
        (date(2026, 12, 24), date(2026, 12, 28)),  # julafton -> Monday 28th
        (date(2026, 12, 31), date(2027, 1, 4)),  # nyårsafton, nyårsdagen, weekend -> Monday
        (date(2026, 4, 3), date(2026, 4, 7)),  # Easter weekend
    ],
)
def test_next_bank_day_moves_forward_to_a_bank_day(day: date, expected: date) -> None:
    assert next_bank_day(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),  # a bank day is its own previous bank day
        (date(2026, 11, 22), date(2026, 11, 20)),  # Sunday -> Friday
        (date(2026, 6, 21), date(2026, 6, 18)),  # midsummer weekend -> Thursday before
        (date(2026, 12, 27), date(2026, 12, 23)),  # Christmas -> the day before julafton
        (date(2026, 1, 1), date(2025, 12, 30)),  # nyårsdagen -> before nyårsafton 2025
    ],
)
def test_previous_bank_day_moves_back_to_a_bank_day(day: date, expected: date) -> None:
    assert previous_bank_day(day) == expected


@pytest.mark.parametrize(
    ("issue_date", "days", "due_date"),
    [
        (date(2026, 3, 2), 30, date(2026, 4, 1)),  # lands on a bank day
        (date(2026, 1, 15), 30, date(2026, 2, 16)),  # Saturday -> Monday
        (date(2026, 11, 24), 30, date(2026, 12, 28)),  # julafton -> after Christmas
        (date(2026, 12, 1), 30, date(2027, 1, 4)),  # nyårsafton -> first bank day of 2027
        (date(2026, 5, 20), 30, date(2026, 6, 22)),  # midsommarafton -> Monday
        (date(2026, 12, 14), 10, date(2026, 12, 28)),  # short terms over Christmas
    ],
)
def test_due_date_is_issue_date_plus_terms_moved_to_a_bank_day(
    issue_date: date, days: int, due_date: date
) -> None:
    assert add_days_to_bank_day(issue_date, days=days) == due_date


def test_a_datetime_is_refused_rather_than_compared_wrongly() -> None:
    with pytest.raises(TypeError):
        is_bank_day(datetime(2026, 12, 25, 12, 0))  # noqa: DTZ001 - the point is that it is refused


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
def test_next_bank_day_is_the_first_bank_day_on_or_after(day: date) -> None:
    result = next_bank_day(day)
    assert is_bank_day(result)
    assert result >= day
    assert not any(is_bank_day(day + timedelta(days=n)) for n in range((result - day).days))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
def test_previous_bank_day_is_the_last_bank_day_on_or_before(day: date) -> None:
    result = previous_bank_day(day)
    assert is_bank_day(result)
    assert result <= day
    assert not any(is_bank_day(day - timedelta(days=n)) for n in range((day - result).days))

"""The Swedish calendar: the day a moment falls on in Sweden, and the bank days when a payment can be due and
money moves.

Swedish law counts days in Swedish time: a pay date, a deadline, the day a meeting is held on, the day an
export covers or a member was erased are calendar days in Stockholm. A moment is stored in UTC, so it is put
on that calendar in the zone ``SWEDEN`` (``Europe/Stockholm``, summer time included): 23:30 UTC on a summer
evening is already the next day in Sweden. Every module that needs the zone or a moment's Swedish day takes it
from here, so that no two places draw the day's boundary differently.

A bank day (bankdag) is Monday to Friday, except the public holidays of lag (1989:253) om allmänna helgdagar
and the three eves that banks and Bankgirot treat as holidays: midsommarafton, julafton and nyårsafton
(Riksbanken, "Helgdagar"; they are also equated with Sundays in semesterlagen 7 §). The half days
(trettondagsafton, skärtorsdag, valborgsmässoafton …) are bank days.

Holidays come from the ``holidays`` package, categories ``public`` and ``de_facto`` (the three eves); weekends
are handled here, so the package's optional "every Sunday is a holiday" rule is switched off.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import holidays

#: Swedish time, in which the cooperative's days begin and end: midnight in Stockholm is 23:00 UTC the
#: evening before in winter (CET) and 22:00 UTC in summer (CEST).
SWEDEN: Final = ZoneInfo("Europe/Stockholm")

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def swedish_day(moment: datetime) -> date:
    """The calendar day in Sweden at ``moment``: 23:30 UTC on 19 December is 20 December, 22:30 UTC on
    30 June is 1 July.

    ``moment`` is aware, as the clock and the database columns give it. A naive one is not taken as UTC here
    (Python reads it as the server's local time); a moment that may come without its zone goes through
    :func:`in_swedish_time`, which takes it as UTC."""
    return moment.astimezone(SWEDEN).date()


def in_swedish_time(moment: datetime) -> datetime:
    """``moment`` on the Swedish clock (an aware datetime in ``SWEDEN``), to show it or to take its day.

    A moment without a zone is UTC: moments are stored in UTC, and SQLite hands them back without one."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(SWEDEN)


@functools.cache
def _holidays_in(year: int) -> frozenset[date]:
    """The dates in ``year`` that are holidays for Swedish banks (weekends aside)."""
    calendar = holidays.country_holidays(
        "SE", years=year, categories=("public", "de_facto"), include_sundays=False
    )
    return frozenset(calendar.keys())


def _require_date(day: date) -> None:
    # datetime is a subclass of date but never equals one; refuse it instead of silently missing holidays.
    if isinstance(day, datetime):
        raise TypeError("bank-day functions take a date, not a datetime")


def is_bank_day(day: date) -> bool:
    """True if ``day`` is a Swedish bank day: a weekday that is no public holiday, midsommarafton, julafton
    or nyårsafton (lag 1989:253; Riksbanken's list of bank holidays)."""
    _require_date(day)
    return day.weekday() < _SATURDAY and day not in _holidays_in(day.year)


def next_bank_day(day: date) -> date:
    """``day`` itself if it is a bank day, otherwise the first bank day after it.

    A deadline that falls on a weekend, a holiday or one of the three eves moves forward to the next weekday
    (lag 1930:173 om beräkning av lagstadgad tid; the same practice applies to invoice due dates, since
    Bankgirot settles payments on bank days only).
    """
    _require_date(day)
    while not is_bank_day(day):
        day += _ONE_DAY
    return day


def previous_bank_day(day: date) -> date:
    """``day`` itself if it is a bank day, otherwise the last bank day before it (e.g. the pay date when the
    25th falls on a weekend or holiday)."""
    _require_date(day)
    while not is_bank_day(day):
        day -= _ONE_DAY
    return day


def add_days_to_bank_day(day: date, *, days: int) -> date:
    """The due date ``days`` calendar days after ``day`` (issue date + payment terms), moved forward to the
    next bank day when it falls on a weekend or holiday (invoicing.md: default terms 30 days)."""
    _require_date(day)
    return next_bank_day(day + timedelta(days=days))

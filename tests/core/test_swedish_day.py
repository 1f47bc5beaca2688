"""The Swedish day of a moment (``core.calendar``): days are counted in Stockholm time, summer time included.

Midnight in Stockholm is 23:00 UTC the evening before in winter (CET) and 22:00 UTC in summer (CEST). In 2026
summer time begins on 29 March and ends on 25 October, at 01:00 UTC both times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.core.calendar import SWEDEN, in_swedish_time, swedish_day


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


DAYS = [
    (utc(2026, 6, 30, 23, 30), date(2026, 7, 1), "23:30 UTC on a summer evening is 01:30 CEST"),
    (utc(2026, 6, 30, 21, 59), date(2026, 6, 30), "23:59 CEST, the last minute of the day"),
    (utc(2026, 6, 30, 22, 0), date(2026, 7, 1), "midnight CEST begins the next day"),
    (utc(2026, 12, 19, 22, 59), date(2026, 12, 19), "23:59 CET, the last minute of the day"),
    (utc(2026, 12, 19, 23, 0), date(2026, 12, 20), "midnight CET begins the next day"),
    (utc(2026, 12, 31, 23, 30), date(2027, 1, 1), "a new year begins an hour before UTC's"),
    (utc(2026, 3, 28, 22, 30), date(2026, 3, 28), "the evening before summer time: 23:30 CET"),
    (utc(2026, 3, 28, 23, 0), date(2026, 3, 29), "29 March begins at 23:00 UTC, still CET"),
    (utc(2026, 3, 29, 0, 59), date(2026, 3, 29), "01:59 CET, just before the clocks go forward"),
    (utc(2026, 3, 29, 1, 0), date(2026, 3, 29), "03:00 CEST, the hour 02-03 never happens"),
    (utc(2026, 3, 29, 22, 0), date(2026, 3, 30), "30 March already begins at 22:00 UTC"),
    (utc(2026, 10, 24, 22, 0), date(2026, 10, 25), "25 October begins at 22:00 UTC, still CEST"),
    (utc(2026, 10, 25, 0, 30), date(2026, 10, 25), "02:30 CEST, the first time round"),
    (utc(2026, 10, 25, 1, 30), date(2026, 10, 25), "02:30 CET, the same hour again"),
    (utc(2026, 10, 25, 22, 30), date(2026, 10, 25), "23:30 CET: the 25-hour day is not over"),
    (utc(2026, 10, 25, 23, 0), date(2026, 10, 26), "26 October begins at 23:00 UTC"),
]


def test_the_zone_is_stockholms() -> None:
    assert SWEDEN.key == "Europe/Stockholm"


@pytest.mark.parametrize(("moment", "day", "why"), DAYS, ids=[why for _, _, why in DAYS])
def test_a_moment_falls_on_its_day_in_sweden(moment: datetime, day: date, why: str) -> None:
    assert swedish_day(moment) == day, why
    assert in_swedish_time(moment).date() == day, why


def test_a_moment_in_another_zone_falls_on_the_same_swedish_day_as_in_utc() -> None:
    in_new_york = datetime(2026, 6, 30, 19, 30, tzinfo=timezone(timedelta(hours=-4)))  # 23:30 UTC
    assert swedish_day(in_new_york) == date(2026, 7, 1)


def test_in_swedish_time_shows_the_swedish_clock() -> None:
    local = in_swedish_time(utc(2026, 6, 30, 23, 30))
    assert (local.tzinfo, local.hour, local.minute, local.date()) == (SWEDEN, 1, 30, date(2026, 7, 1))
    assert local.utcoffset() == timedelta(hours=2)
    assert in_swedish_time(utc(2026, 12, 19, 23, 30)).utcoffset() == timedelta(hours=1)


def test_in_swedish_time_takes_a_moment_without_its_zone_as_utc_as_sqlite_hands_it_back() -> None:
    naive = datetime(2026, 6, 30, 23, 30)  # noqa: DTZ001 - the point is a moment without its zone
    assert in_swedish_time(naive) == datetime(2026, 7, 1, 1, 30, tzinfo=SWEDEN)
    assert in_swedish_time(naive).date() == date(2026, 7, 1)


# Hypothesis bounds are naive; the moments it draws are UTC.
EARLIEST, LATEST = (datetime(1990, 1, 1), datetime(2100, 1, 1))  # noqa: DTZ001


@given(st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC)))
def test_the_day_and_the_clock_agree_on_every_aware_moment(moment: datetime) -> None:
    local = in_swedish_time(moment)
    assert local == moment
    assert swedish_day(moment) == local.date()
    assert local.utcoffset() in (timedelta(hours=1), timedelta(hours=2))

"""The SÄVA day counter: which days count, in which window, and when the member passes a LAS threshold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.employments.counter import (
    EmploymentPeriod,
    SaveThreshold,
    SaveThresholds,
    SaveWarning,
    counted_days,
    days_in_successive_run,
    days_in_window,
    save_warnings,
    successive_runs,
    window_start,
)


def period(start: str, end: str) -> EmploymentPeriod:
    return EmploymentPeriod(start=date.fromisoformat(start), end=date.fromisoformat(end))


def run(start: date, days: int) -> EmploymentPeriod:
    """An employment of ``days`` days from ``start``."""
    return EmploymentPeriod(start=start, end=start + timedelta(days=days - 1))


def days_between(start: str, end: str) -> set[date]:
    return set(period(start, end).days())


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        pytest.param([period("2025-01-01", "2025-01-10")], 10, id="single-period"),
        pytest.param([period("2025-01-01", "2025-01-01")], 1, id="single-day"),
        pytest.param(
            [period("2025-01-01", "2025-01-10"), period("2025-01-05", "2025-01-15")], 15, id="overlapping"
        ),
        pytest.param(
            [period("2025-01-01", "2025-01-10"), period("2025-01-01", "2025-01-10")], 10, id="identical"
        ),
        pytest.param([period("2025-01-01", "2025-01-05"), period("2025-01-11", "2025-01-15")], 10, id="gap"),
        pytest.param(
            [period("2025-01-02", "2025-01-03"), period("2025-01-20", "2025-01-21")],
            4,
            id="two-in-a-month-no-fill",
        ),
        pytest.param(
            [
                period("2025-01-02", "2025-01-03"),
                period("2025-01-10", "2025-01-11"),
                period("2025-01-20", "2025-01-21"),
            ],
            20,
            id="three-in-a-month-fill-2nd-to-21st",
        ),
        pytest.param(
            [
                period("2025-01-02", "2025-01-02"),
                period("2025-01-05", "2025-01-05"),
                period("2025-01-09", "2025-01-09"),
                period("2025-01-31", "2025-01-31"),
            ],
            30,
            id="four-in-a-month-fill-2nd-to-31st",
        ),
        pytest.param(
            [
                period("2025-01-25", "2025-02-03"),
                period("2025-02-10", "2025-02-12"),
                period("2025-02-20", "2025-02-22"),
            ],
            7 + 22,
            id="three-in-february-one-started-in-january",
        ),
        pytest.param(
            [
                period("2025-01-30", "2025-01-31"),
                period("2025-02-10", "2025-02-10"),
                period("2025-02-20", "2025-02-20"),
            ],
            4,
            id="three-but-two-months",
        ),
        pytest.param(
            [
                period("2025-01-01", "2025-01-05"),
                period("2025-01-03", "2025-01-04"),
                period("2025-01-20", "2025-01-20"),
            ],
            20,
            id="overlapping-employments-are-still-three",
        ),
        pytest.param(
            [
                period("2024-12-30", "2025-01-02"),
                period("2025-01-10", "2025-01-10"),
                period("2025-01-28", "2025-02-02"),
            ],
            2 + 31 + 2,
            id="fill-stops-at-the-month-edges",
        ),
    ],
)
def test_counted_days(periods: list[EmploymentPeriod], expected: int) -> None:
    assert len(counted_days(periods=periods)) == expected


def test_three_in_a_month_fill_from_the_first_day_of_the_first_to_the_last_day_of_the_last() -> None:
    periods = [
        period("2025-03-04", "2025-03-05"),
        period("2025-03-12", "2025-03-12"),
        period("2025-03-25", "2025-03-27"),
    ]
    assert counted_days(periods=periods) == days_between("2025-03-04", "2025-03-27")


def test_fill_in_one_month_leaves_the_next_month_alone() -> None:
    periods = [
        period("2025-01-25", "2025-02-03"),
        period("2025-02-10", "2025-02-12"),
        period("2025-02-20", "2025-02-22"),
        period("2025-03-15", "2025-03-16"),
    ]
    expected = days_between("2025-01-25", "2025-01-31") | days_between("2025-02-01", "2025-02-22")
    assert counted_days(periods=periods) == expected | days_between("2025-03-15", "2025-03-16")


def test_an_employment_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        period("2025-01-02", "2025-01-01")


@pytest.mark.parametrize(
    ("window_end", "years", "first"),
    [
        pytest.param(date(2025, 6, 30), 5, date(2020, 7, 1), id="five-years"),
        pytest.param(date(2025, 6, 30), 3, date(2022, 7, 1), id="three-years"),
        pytest.param(date(2025, 12, 31), 1, date(2025, 1, 1), id="calendar-year"),
        pytest.param(date(2024, 2, 29), 1, date(2023, 3, 1), id="leap-day-to-plain-year"),
        pytest.param(date(2024, 2, 29), 4, date(2020, 3, 1), id="leap-day-to-leap-year"),
    ],
)
def test_window_start(window_end: date, years: int, first: date) -> None:
    assert window_start(window_end=window_end, years=years) == first


@pytest.mark.parametrize(
    ("window_end", "years", "expected"),
    [
        pytest.param(date(2025, 6, 30), 5, 10 + 20 + 30, id="five-years-all"),
        pytest.param(date(2025, 6, 30), 3, 20 + 30, id="three-years-drops-2021"),
        pytest.param(date(2023, 1, 15), 3, 10 + 14, id="mid-filled-month"),
        pytest.param(date(2025, 6, 30), 1, 30, id="one-year"),
        pytest.param(date(2019, 12, 31), 5, 0, id="before-everything"),
    ],
)
def test_days_in_window(window_end: date, years: int, expected: int) -> None:
    periods = [
        period("2021-03-01", "2021-03-10"),  # 10 days
        period("2023-01-02", "2023-01-03"),  # three in January 2023: 2nd to 21st, 20 days
        period("2023-01-10", "2023-01-11"),
        period("2023-01-20", "2023-01-21"),
        period("2025-04-01", "2025-04-30"),  # 30 days
    ]
    assert days_in_window(periods=periods, window_end=window_end, years=years) == expected


def test_a_window_cuts_a_filled_month_only_after_filling_it() -> None:
    periods = [
        period("2023-01-02", "2023-01-02"),
        period("2023-01-10", "2023-01-10"),
        period("2023-01-20", "2023-01-20"),
    ]
    # The window 2020-01-16 .. 2023-01-15 sees the filled days 2–15 January, not only the employed 2 and 10.
    assert days_in_window(periods=periods, window_end=date(2023, 1, 15), years=3) == 14


# --- thresholds ---------------------------------------------------------------------------------------------

EARLIER = date(2024, 1, 1)
NEW_START = date(2024, 11, 1)


def kinds(warnings: tuple[SaveWarning, ...]) -> list[SaveThreshold]:
    return [warning.threshold for warning in warnings]


@pytest.mark.parametrize(
    ("existing_days", "new_days", "expected", "passed_on"),
    [
        pytest.param(268, 1, [], None, id="9-months-below-269"),
        pytest.param(269, 1, [], None, id="9-months-at-270"),
        pytest.param(269, 2, [SaveThreshold.PREFERENTIAL_RIGHT], 1, id="9-months-above-271"),
        pytest.param(270, 1, [SaveThreshold.PREFERENTIAL_RIGHT], 0, id="9-months-passed-on-first-new-day"),
        pytest.param(300, 59, [SaveThreshold.PREFERENTIAL_RIGHT], None, id="12-months-below-359"),
        pytest.param(300, 60, [SaveThreshold.PREFERENTIAL_RIGHT], None, id="12-months-at-360"),
        pytest.param(
            300,
            61,
            [SaveThreshold.PREFERENTIAL_RIGHT, SaveThreshold.CONVERSION],
            60,
            id="12-months-above-361",
        ),
    ],
)
def test_save_warnings_at_the_thresholds(
    existing_days: int, new_days: int, expected: list[SaveThreshold], passed_on: int | None
) -> None:
    existing = [run(EARLIER, existing_days)]
    new = run(NEW_START, new_days)
    warnings = save_warnings(existing_periods=existing, new_period=new)
    assert kinds(warnings) == expected
    if passed_on is not None:
        last = warnings[-1]
        assert last.passed_on == NEW_START + timedelta(days=passed_on)
        assert last.days == last.limit_days + 1


def test_warning_records_the_limit_window_and_whether_it_was_already_passed() -> None:
    warnings = save_warnings(existing_periods=[run(EARLIER, 300)], new_period=run(NEW_START, 61))
    preferential, conversion = warnings
    assert (preferential.limit_days, preferential.years) == (270, 3)
    assert preferential.already_passed
    assert preferential.passed_on == NEW_START
    assert preferential.days == 301
    assert (conversion.limit_days, conversion.years) == (360, 5)
    assert not conversion.already_passed
    assert conversion.passed_on == date(2024, 12, 31)
    assert conversion.days == 361


@pytest.mark.parametrize(
    ("thresholds", "new_days", "conversion"),
    [
        pytest.param(SaveThresholds(), 61, True, id="30-day-months-361"),
        pytest.param(SaveThresholds(conversion_days=365), 61, False, id="365-days-reading-361"),
        pytest.param(SaveThresholds(conversion_days=365), 65, False, id="365-days-reading-365"),
        pytest.param(SaveThresholds(conversion_days=365), 66, True, id="365-days-reading-366"),
    ],
)
def test_month_length_is_a_parameter(thresholds: SaveThresholds, new_days: int, conversion: bool) -> None:
    warnings = save_warnings(
        existing_periods=[run(EARLIER, 300)], new_period=run(NEW_START, new_days), thresholds=thresholds
    )
    assert (SaveThreshold.CONVERSION in kinds(warnings)) is conversion


def test_days_older_than_the_window_do_not_count() -> None:
    old = run(date(2018, 1, 1), 400)
    warnings = save_warnings(existing_periods=[old], new_period=run(date(2025, 6, 1), 30))
    assert warnings == ()


def test_the_window_slides_during_a_long_new_employment() -> None:
    # 100 days from 2021-06-01 and 270 new days from 2024-05-01 add up to 370, but the old days leave the
    # three-year window as the new ones come in, so 9 months are never passed in 3 years; all stay in the
    # five-year window, where the 261st new day passes 12 months.
    existing = [run(date(2021, 6, 1), 100)]
    warnings = save_warnings(existing_periods=existing, new_period=run(date(2024, 5, 1), 270))
    assert kinds(warnings) == [SaveThreshold.CONVERSION]
    assert warnings[0].passed_on == date(2024, 5, 1) + timedelta(days=260)
    assert warnings[0].days == 361


def test_a_third_employment_in_the_month_fills_the_gap_before_it() -> None:
    existing = [
        run(date(2024, 1, 1), 355),
        period("2025-01-02", "2025-01-02"),
        period("2025-01-30", "2025-01-30"),
    ]
    assert kinds(save_warnings(existing_periods=existing, new_period=period("2025-02-15", "2025-02-15"))) == [
        SaveThreshold.PREFERENTIAL_RIGHT
    ]
    warnings = save_warnings(existing_periods=existing, new_period=period("2025-01-15", "2025-01-15"))
    conversion = warnings[-1]
    assert conversion.threshold is SaveThreshold.CONVERSION
    assert conversion.passed_on == date(2025, 1, 15)
    assert conversion.days == 355 + 14
    assert not conversion.already_passed


# --- employments that followed each other (LAS 5 a § first paragraph 2) -----------------------------------


def monthly(
    first: date, months: int, *, days: int = 5, skip: frozenset[date] = frozenset()
) -> list[EmploymentPeriod]:
    """``days`` days from the first of each of ``months`` months from ``first``, leaving out the months in
    ``skip``: a member who works a little every month."""
    starts = [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(months)
    ]
    return [run(start, days) for start in starts if start not in skip]


def test_a_little_work_every_month_for_six_years_passes_twelve_months_in_employments_that_followed() -> None:
    # Five days a month from January 2020: 300 days in any five years, never more than 12 months there, but
    # the 361st day of the unbroken run is 1 January 2026.
    existing = monthly(date(2020, 1, 1), 72)
    assert days_in_window(periods=existing, window_end=date(2025, 12, 31), years=5) == 300
    assert days_in_successive_run(periods=existing, on=date(2025, 12, 31)) == 360
    warnings = save_warnings(existing_periods=existing, new_period=run(date(2026, 1, 1), 5))
    assert kinds(warnings) == [SaveThreshold.CONVERSION_SUCCESSIVE]
    (successive,) = warnings
    assert (successive.passed_on, successive.days, successive.limit_days) == (date(2026, 1, 1), 361, 360)
    assert not successive.already_passed


def test_a_break_of_more_than_six_months_starts_the_count_again() -> None:
    # No work from January to July 2023: August begins more than six months after 5 December 2022.
    gap = frozenset(date(2023, month, 1) for month in range(1, 8))
    existing = monthly(date(2020, 1, 1), 72, skip=gap)
    assert len(successive_runs(existing)) == 2
    assert days_in_successive_run(periods=existing, on=date(2025, 12, 31)) == 29 * 5
    assert save_warnings(existing_periods=existing, new_period=run(date(2026, 1, 1), 5)) == ()


@pytest.mark.parametrize(
    ("next_start", "followed"),
    [
        pytest.param("2025-07-10", True, id="six-months-after-the-last-day"),
        pytest.param("2025-07-11", False, id="six-months-and-a-day"),
    ],
)
def test_an_employment_follows_when_it_begins_within_six_months_of_the_last_day(
    next_start: str, followed: bool
) -> None:
    first, following = period("2025-01-01", "2025-01-10"), period(next_start, next_start)
    assert (len(successive_runs([first, following])) == 1) is followed
    assert days_in_successive_run(periods=[first, following], on=following.start) == (11 if followed else 1)


def test_after_six_months_without_work_no_run_is_under_way() -> None:
    assert days_in_successive_run(periods=[period("2025-01-01", "2025-01-10")], on=date(2025, 7, 10)) == 10
    assert days_in_successive_run(periods=[period("2025-01-01", "2025-01-10")], on=date(2025, 7, 11)) == 0
    assert days_in_successive_run(periods=[period("2025-01-01", "2025-01-10")], on=date(2024, 12, 31)) == 0


def test_the_five_year_rule_is_warned_alone_when_it_passes_first() -> None:
    # Both ways pass on the same day here (the run lies within five years): the five-year warning says it.
    warnings = save_warnings(existing_periods=[run(EARLIER, 300)], new_period=run(NEW_START, 61))
    assert SaveThreshold.CONVERSION_SUCCESSIVE not in kinds(warnings)


def test_a_run_already_past_twelve_months_is_said_to_be_passed() -> None:
    existing = monthly(date(2019, 1, 1), 84)  # 420 days, 300 in the last five years
    (successive,) = save_warnings(existing_periods=existing, new_period=run(date(2026, 1, 1), 5))
    assert successive.threshold is SaveThreshold.CONVERSION_SUCCESSIVE
    assert successive.already_passed
    assert (successive.passed_on, successive.days) == (date(2026, 1, 1), 421)


# --- properties ---------------------------------------------------------------------------------------------

periods_strategy = st.lists(
    st.builds(
        run,
        st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)),
        st.integers(min_value=1, max_value=20),
    ),
    max_size=8,
)


@given(periods=periods_strategy)
def test_counted_days_cover_every_employed_day_and_stay_in_the_months_employed(
    periods: list[EmploymentPeriod],
) -> None:
    counted = counted_days(periods=periods)
    employed = {day for p in periods for day in p.days()}
    months = {(day.year, day.month) for day in employed}
    assert employed <= counted
    assert {(day.year, day.month) for day in counted} == months
    assert counted_days(periods=list(reversed(periods))) == counted


@given(periods=periods_strategy, extra=periods_strategy)
def test_more_employment_never_counts_fewer_days(
    periods: list[EmploymentPeriod], extra: list[EmploymentPeriod]
) -> None:
    assert counted_days(periods=periods) <= counted_days(periods=periods + extra)

"""The SÄVA day counter: how long a member has been employed in särskild visstidsanställning.

Pure rules (``docs/employment.md``), for one member and one employer (the cooperative):

- every calendar day inside a SÄVA counts, however short the working day; overlapping employments count a
  day once;
- LAS 3 § second paragraph (as of SFS 2022:835): when the member has had three or more SÄVA in the same
  calendar month, the time between them counts as well: in that month, every day from the first day employed
  to the last;
- a SÄVA becomes permanent (tillsvidareanställning) when the member has been employed in SÄVA more than
  12 months during a five-year period (LAS 5 a §); the preferential right to re-employment needs more than
  9 months during the last three years (LAS 25 §);
- the same happens after more than 12 months of SÄVA in employments that followed each other, each begun
  within six months of the last day of the one before, however many years they took (LAS 5 a § first
  paragraph 2): ``successive_runs``, ``days_in_successive_run``.

Months as days. LAS counts in months and years without saying how many days they hold. The förarbeten count
a month as 30 days, and AD 2019 nr 56 kept that for periods stated in months while holding that a period
stated in years is 365 days per year. The thresholds here are stated in months, so the default is
30 days a month: "more than 9 months" is passed on day 271, "more than 12 months" on day 361. That is also
the cautious reading: it warns five days before the "12 months = 365 days" reading, which a cooperative can
choose through :class:`SaveThresholds`. The windows ("five years up to a date") are calendar years.
The transition rules for employments before 2022-10-01 are not modelled.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kooperativet.assignments.rules import add_months

#: Days in a month when LAS thresholds stated in months are counted in days (förarbeten, AD 2019 nr 56).
DAYS_PER_MONTH = 30

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class EmploymentPeriod:
    """One SÄVA: its first and last day, both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"an employment cannot end ({self.end}) before it starts ({self.start})")

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += ONE_DAY


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month_start(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def counted_days(*, periods: Collection[EmploymentPeriod]) -> frozenset[date]:
    """Every day that counts as time in SÄVA.

    The days of all periods (a day in two overlapping periods once), plus, in each calendar month in which
    three or more of the periods fall (wholly or partly), every day from the first to the last day employed
    in that month (LAS 3 § second paragraph). Each period is one employment, even when two overlap.
    """
    days: set[date] = set()
    in_month: defaultdict[date, list[tuple[date, date]]] = defaultdict(list)
    for period in periods:
        days.update(period.days())
        month = _month_start(period.start)
        while month <= period.end:
            following = _next_month_start(month)
            in_month[month].append((max(period.start, month), min(period.end, following - ONE_DAY)))
            month = following
    for spans in in_month.values():
        if len(spans) >= 3:
            first = min(start for start, _ in spans)
            last = max(end for _, end in spans)
            days.update(EmploymentPeriod(start=first, end=last).days())
    return frozenset(days)


def window_start(*, window_end: date, years: int) -> date:
    """The first day of the ``years`` calendar years that end on ``window_end`` (2025-06-30, 5 → 2020-07-01).

    A 29 February end steps back to 28 February before adding the day.
    """
    try:
        same_day = window_end.replace(year=window_end.year - years)
    except ValueError:  # 29 February in a year that has none
        same_day = date(window_end.year - years, 2, 28)
    return same_day + ONE_DAY


def days_in_window(*, periods: Collection[EmploymentPeriod], window_end: date, years: int) -> int:
    """Counted SÄVA days in the ``years`` years up to and including ``window_end``.

    The month rule is applied to whole months first; only then are the days cut to the window.
    """
    first = window_start(window_end=window_end, years=years)
    return sum(1 for day in counted_days(periods=periods) if first <= day <= window_end)


#: An employment "has followed" the one before when it began within this many months of that one's last day
#: (LAS 5 a § second paragraph, as of SFS 2022:835).
FOLLOWS_WITHIN_MONTHS = 6


def successive_runs(periods: Collection[EmploymentPeriod]) -> list[list[EmploymentPeriod]]:
    """The employments in runs that followed each other: each began within ``FOLLOWS_WITHIN_MONTHS`` of the
    last day of the employments before it (the latest such day), in order of their first day."""
    runs: list[list[EmploymentPeriod]] = []
    last_day: date | None = None
    for period in sorted(periods, key=lambda p: (p.start, p.end)):
        if last_day is None or period.start > add_months(last_day, FOLLOWS_WITHIN_MONTHS):
            runs.append([])
            last_day = period.end
        runs[-1].append(period)
        last_day = max(last_day, period.end)
    return runs


def days_in_successive_run(*, periods: Collection[EmploymentPeriod], on: date) -> int:
    """Counted SÄVA days up to ``on`` in the run of employments that followed each other and that an
    employment beginning on ``on`` would still follow (none when the last one ended more than six months
    before).

    LAS 5 a § first paragraph 2: more than twelve months of SÄVA in such a run make the SÄVA permanent
    however many years the run took; the five-year window of the first point does not limit it."""
    begun = [period for period in periods if period.start <= on]
    if not begun:
        return 0
    run = successive_runs(begun)[-1]
    if on > add_months(max(period.end for period in run), FOLLOWS_WITHIN_MONTHS):
        return 0
    return sum(1 for day in counted_days(periods=run) if day <= on)


class SaveThreshold(StrEnum):
    #: More than 9 months in the last 3 years: preferential right to re-employment (LAS 25 §).
    PREFERENTIAL_RIGHT = "preferential_right"
    #: More than 12 months in 5 years: the SÄVA becomes a permanent employment (LAS 5 a § first paragraph 1).
    CONVERSION = "conversion"
    #: More than 12 months in employments that followed each other, over any span of years: the same
    #: (LAS 5 a § first paragraph 2). Warned only where it comes before the five-year rule.
    CONVERSION_SUCCESSIVE = "conversion_successive"


@dataclass(frozen=True)
class SaveThresholds:
    """The limits in days; a threshold is passed when the count is *more than* the limit."""

    preferential_right_days: int = 9 * DAYS_PER_MONTH
    preferential_right_years: int = 3
    conversion_days: int = 12 * DAYS_PER_MONTH
    conversion_years: int = 5

    def limits(self) -> tuple[tuple[SaveThreshold, int, int], ...]:
        """(threshold, limit in days, window in years) for each threshold."""
        return (
            (SaveThreshold.PREFERENTIAL_RIGHT, self.preferential_right_days, self.preferential_right_years),
            (SaveThreshold.CONVERSION, self.conversion_days, self.conversion_years),
        )


@dataclass(frozen=True)
class SaveWarning:
    """The member passes ``threshold`` on ``passed_on`` if the new employment is made.

    ``days`` is the count in the window ending that day (``limit_days`` + 1 when passed during the new
    employment). ``already_passed``: the existing employments alone had passed it before the new one starts.
    """

    threshold: SaveThreshold
    limit_days: int
    years: int
    passed_on: date
    days: int
    already_passed: bool


def _count_up_to(sorted_days: list[date], *, day: date, years: int) -> int:
    first = window_start(window_end=day, years=years)
    return bisect.bisect_right(sorted_days, day) - bisect.bisect_left(sorted_days, first)


def save_warnings(
    *,
    existing_periods: Collection[EmploymentPeriod],
    new_period: EmploymentPeriod,
    thresholds: SaveThresholds = SaveThresholds(),
) -> tuple[SaveWarning, ...]:
    """Warnings to show before a new SÄVA is approved; nothing is refused, the cooperative decides.

    For each threshold, the first day from the new employment's start on which the counted days in the
    window ending that day pass the limit, counting the existing employments and the new one (the new one can
    also fill a month's gaps before its start, or push a later, already approved employment over the limit).
    Then the same for the employments that followed each other (``CONVERSION_SUCCESSIVE``), when that passes
    the conversion limit before the five-year window does, or without it. No warning when no limit is passed.
    """
    with_new = sorted(counted_days(periods=[*existing_periods, new_period]))
    existing = sorted(counted_days(periods=existing_periods))
    day_before = new_period.start - ONE_DAY
    warnings: list[SaveWarning] = []
    for threshold, limit, years in thresholds.limits():
        for day in (d for d in with_new if d >= new_period.start):
            count = _count_up_to(with_new, day=day, years=years)
            if count > limit:
                warnings.append(
                    SaveWarning(
                        threshold=threshold,
                        limit_days=limit,
                        years=years,
                        passed_on=day,
                        days=count,
                        already_passed=_count_up_to(existing, day=day_before, years=years) > limit,
                    )
                )
                break
    successive = _successive_warning(
        existing_periods=existing_periods, new_period=new_period, limit=thresholds.conversion_days
    )
    five_years = next((w for w in warnings if w.threshold is SaveThreshold.CONVERSION), None)
    if successive is not None and (five_years is None or successive.passed_on < five_years.passed_on):
        warnings.append(successive)
    return tuple(warnings)


def _successive_warning(
    *, existing_periods: Collection[EmploymentPeriod], new_period: EmploymentPeriod, limit: int
) -> SaveWarning | None:
    """The first day from the new employment's start on which the run of employments that followed each
    other, the new one included, holds more than ``limit`` counted days (LAS 5 a § first paragraph 2)."""
    periods = [*existing_periods, new_period]
    run = next(run for run in successive_runs(periods) if new_period in run)
    days = sorted(counted_days(periods=run))
    first = bisect.bisect_left(days, new_period.start)
    if len(days) <= limit:
        return None
    # The run's (limit + 1)-th counted day; the new employment's first day when the run passed before it.
    passed_on = days[max(first, limit)]
    return SaveWarning(
        threshold=SaveThreshold.CONVERSION_SUCCESSIVE,
        limit_days=limit,
        years=0,
        passed_on=passed_on,
        days=bisect.bisect_right(days, passed_on),
        already_passed=days_in_successive_run(periods=existing_periods, on=new_period.start - ONE_DAY)
        > limit,
    )

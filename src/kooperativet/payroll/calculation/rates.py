"""The values a payout is computed with: rates, the yearly threshold and the employer-contribution rules.

Each is an input carrying its ``source`` (``docs/payroll.md``), never a constant in code; the service reads
them from the dated parameters (``payroll.parameters``) in force on the pay date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from kooperativet.payroll.calculation.amounts import HUNDRED, plain, require_amount


class ContributionCategory(StrEnum):
    """Employer-contribution category of one payout (payroll.md §2; exports.md ``contribution_category``)."""

    FULL = "full"
    PENSION_ONLY = "pension_only"
    YOUTH = "youth"
    NONE = "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """A rate as a decimal fraction (``0.3142`` for 31.42 %) and where its value comes from."""

    value: Decimal
    source: str

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.value <= 1:
            raise ValueError(f"a rate is a fraction between 0 and 1, not {self.value}")
        if not self.source.strip():
            raise ValueError("a rate needs a source")

    @property
    def percent(self) -> Decimal:
        """The rate in percent, without trailing zeros (``22.5``, ``30``)."""
        return plain(self.value * HUNDRED)


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """An amount in kronor set by law and where its value comes from (the 1 000 kr a year, payroll.md §2)."""

    value: Decimal
    source: str

    def __post_init__(self) -> None:
        require_amount("threshold", self.value)
        if not self.source.strip():
            raise ValueError("a threshold needs a source")


@dataclass(frozen=True, slots=True, kw_only=True)
class YearBound:
    """A birth-year bound: absolute (``1959``) or relative to the income year Y (``-68`` means Y − 68)."""

    year: int
    relative_to_income_year: bool = False

    def resolve(self, *, income_year: int) -> int:
        return income_year + self.year if self.relative_to_income_year else self.year


@dataclass(frozen=True, slots=True, kw_only=True)
class ContributionRule:
    """Who pays which employer-contribution rate, as data (payroll.md §2).

    The rule applies when the pay date lies in ``paid_from … paid_to`` (inclusive, ``None`` = open) and the
    birth year lies in ``born_from … born_to`` (inclusive, ``None`` = unbounded), the bounds resolved against
    the income year Y = the pay date's year. A rule with ``monthly_cap`` (youth) applies ``rate`` to the
    person's contribution base up to the cap per calendar month of payment and ``rate_above_cap`` above it.
    """

    category: ContributionCategory
    rate: Rate
    paid_from: date
    paid_to: date | None = None
    born_from: YearBound | None = None
    born_to: YearBound | None = None
    monthly_cap: Decimal | None = None
    rate_above_cap: Rate | None = None

    def __post_init__(self) -> None:
        if (self.monthly_cap is None) != (self.rate_above_cap is None):
            raise ValueError("a monthly cap and the rate above it go together")
        if self.monthly_cap is not None:
            require_amount("monthly_cap", self.monthly_cap)
        if self.paid_to is not None and self.paid_to < self.paid_from:
            raise ValueError("paid_to is before paid_from")

    def applies(self, *, birth_date: date, pay_date: date) -> bool:
        if pay_date < self.paid_from or (self.paid_to is not None and pay_date > self.paid_to):
            return False
        income_year = pay_date.year
        if self.born_from is not None and birth_date.year < self.born_from.resolve(income_year=income_year):
            return False
        return not (
            self.born_to is not None and birth_date.year > self.born_to.resolve(income_year=income_year)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollParameters:
    """The parameter values in force for one payout, each with its source (payroll.md §1–§3).

    ``contribution_rules`` are tried in order and the first that applies wins, so a narrower rule (youth)
    comes before the broader one it overrides (full). ``contribution_threshold`` is the yearly amount below
    which a person's pay from the cooperative carries no contributions (SFS 2000:980 2 kap. 14 §); ``None``
    leaves it out, as the worked examples of payroll.md §4 do.
    """

    fee_rate: Rate
    holiday_pay_rate: Rate
    contribution_rules: tuple[ContributionRule, ...]
    sink_rate: Rate
    asink_rate: Rate
    table_surcharge_rate: Rate
    contribution_threshold: Threshold | None = None

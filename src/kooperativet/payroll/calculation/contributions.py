"""Employer contributions (payroll.md §2): which rule applies to a person on a pay date, and what it costs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kooperativet.core.money import ZERO, round_half_up
from kooperativet.payroll.calculation.earlier_pay import MonthToDate
from kooperativet.payroll.calculation.rates import ContributionCategory, ContributionRule, Rate


class NoContributionRule(ValueError):
    """No employer-contribution rule covers this birth date and pay date."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContributionPart:
    """A part of the contribution base and the rate applied to it (youth splits at the monthly cap)."""

    base: Decimal
    rate: Rate


def contribution_rule(
    *, birth_date: date, pay_date: date, rules: Sequence[ContributionRule]
) -> ContributionRule:
    """The first rule that applies to this birth date on this pay date (payroll.md §2).

    The category follows the birth date and the date the pay is given out, never the work date.
    """
    for rule in rules:
        if rule.applies(birth_date=birth_date, pay_date=pay_date):
            return rule
    raise NoContributionRule(
        f"no employer-contribution rule for a person born {birth_date.isoformat()} "
        f"paid on {pay_date.isoformat()}"
    )


def contribution_category(
    *, birth_date: date, pay_date: date, rules: Sequence[ContributionRule]
) -> ContributionCategory:
    """The employer-contribution category for this birth date on this pay date (payroll.md §2)."""
    return contribution_rule(birth_date=birth_date, pay_date=pay_date, rules=rules).category


@dataclass(frozen=True, slots=True)
class Contributions:
    """Employer contributions as a function of the contribution base, for one rule and month-to-date."""

    rate: Rate
    cap_left: Decimal | None  # base still at ``rate`` this month; None = no cap
    rate_above_cap: Rate | None

    def amount(self, base: Decimal) -> Decimal:
        if self.cap_left is None or self.rate_above_cap is None:
            return round_half_up(base * self.rate.value)
        low = min(base, self.cap_left)
        # One rounding of the sum (payroll.md §1 "round_half_up of the rate(s) applied to the base").
        return round_half_up(low * self.rate.value + (base - low) * self.rate_above_cap.value)

    def parts(self, base: Decimal) -> tuple[ContributionPart, ...]:
        if self.cap_left is None or self.rate_above_cap is None:
            return (ContributionPart(base=base, rate=self.rate),)
        low = min(base, self.cap_left)
        return (
            ContributionPart(base=low, rate=self.rate),
            ContributionPart(base=base - low, rate=self.rate_above_cap),
        )

    def base_for_cost(self, cost: Decimal) -> Decimal:
        """The base B with B + contributions(B) ≈ cost, ignoring rounding: a starting guess for the search."""
        low_rate = 1 + self.rate.value
        if self.cap_left is None or self.rate_above_cap is None or cost <= self.cap_left * low_rate:
            return cost / low_rate
        return self.cap_left + (cost - self.cap_left * low_rate) / (1 + self.rate_above_cap.value)


def contributions_for(*, rule: ContributionRule, month_to_date: MonthToDate) -> Contributions:
    """The contributions under ``rule`` this month: a youth rule's cap less what this month already used."""
    if rule.monthly_cap is None:
        return Contributions(rule.rate, None, None)
    cap_left = max(ZERO, rule.monthly_cap - month_to_date.contribution_base_youth_used)
    return Contributions(rule.rate, cap_left, rule.rate_above_cap)

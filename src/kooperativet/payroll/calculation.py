"""One payout: invoiced amount → fee, gross salary, holiday pay, employer contributions, tax and net pay.

Pure: plain values in, a frozen ``Payout`` out; no ORM, no settings, no clock. Every number that changes by
law is an input carrying its ``source`` (``docs/payroll.md``), so a payslip can store what it used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from kooperativet.core.money import ORE, ZERO, floor_to_krona, round_half_up

_HUNDRED = Decimal(100)


def _require_amount(name: str, amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise TypeError(f"{name} must be a finite Decimal, not {amount!r}")
    if amount < 0 or amount != amount.quantize(ORE):
        raise ValueError(f"{name} must be a non-negative amount in whole öre, not {amount}")


def _from_ore(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def _plain(value: Decimal) -> Decimal:
    """A percent without trailing zeros and without exponent notation (``30``, ``22.5``)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized


class ContributionCategory(StrEnum):
    """Employer-contribution category of one payout (payroll.md §2; exports.md ``contribution_category``)."""

    FULL = "full"
    PENSION_ONLY = "pension_only"
    YOUTH = "youth"
    NONE = "none"


class TaxMode(StrEnum):
    """How tax is withheld for a member (payroll.md §3; exports.md ``tax_mode``)."""

    FLAT = "flat"
    TABLE = "table"
    SINK = "sink"
    ASINK = "asink"


class MissingTaxTable(ValueError):
    """Table mode needs a tax table that has not been imported; payroll.md §3 forbids guessing one."""

    def __init__(self, table_number: int, year: int) -> None:
        self.table_number = table_number
        self.year = year
        super().__init__(
            f"tax table {table_number} for {year} has not been imported; "
            f"import Skatteverket's monthly tables for {year} before paying table tax"
        )


class NoContributionRule(ValueError):
    """No employer-contribution rule covers this birth date and pay date."""


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
        return _plain(self.value * _HUNDRED)


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """An amount in kronor set by law and where its value comes from (the 1 000 kr a year, payroll.md §2)."""

    value: Decimal
    source: str

    def __post_init__(self) -> None:
        _require_amount("threshold", self.value)
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
            _require_amount("monthly_cap", self.monthly_cap)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxSetting:
    """A member's tax setting in force on the pay date (payroll.md §3).

    ``percent`` is used in ``flat`` mode (30 by default, or a jämkning decision). ``table`` mode needs the
    table number and column; ``tax_information_missing`` adds the table surcharge ("table + 10 %") for a
    member who has not handed in tax information when asked.
    """

    mode: TaxMode = TaxMode.FLAT
    percent: Decimal = Decimal("30")
    table_number: int | None = None
    column: int | None = None
    tax_information_missing: bool = False

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.percent <= _HUNDRED:
            raise ValueError(f"a tax percent is between 0 and 100, not {self.percent}")
        if self.mode is TaxMode.TABLE and (self.table_number is None or self.column is None):
            raise ValueError("table tax needs a table number and a column")


class TaxTableLookup(Protocol):
    """One imported monthly tax table (Skatteverket, one year and table number)."""

    @property
    def year(self) -> int: ...

    @property
    def table_number(self) -> int: ...

    def tax_for(self, monthly_income: Decimal, column: int) -> Decimal:
        """Tax in whole kronor for a month's taxable income in the given column."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthToDate:
    """What the same person has already been paid in the same calendar month of payment.

    ``contribution_base_youth_used`` is the contribution base already paid this month; it uses up the youth
    cap first (payroll.md §2, case D). ``taxable_pay`` and ``tax_withheld`` feed table tax (§3).
    """

    contribution_base_youth_used: Decimal = ZERO
    taxable_pay: Decimal = ZERO
    tax_withheld: Decimal = ZERO

    def __post_init__(self) -> None:
        _require_amount("contribution_base_youth_used", self.contribution_base_youth_used)
        _require_amount("taxable_pay", self.taxable_pay)
        _require_amount("tax_withheld", self.tax_withheld)


@dataclass(frozen=True, slots=True, kw_only=True)
class YearToDatePay:
    """What the same person was paid by the cooperative earlier in the same calendar year (payroll.md §2).

    ``pay`` is all taxable pay so far; ``deferred_base`` the part of it that carried no contributions because
    the year's pay was still below the threshold. When a payout brings the year to the threshold, the
    deferred base joins that payout's contribution base (SFS 2000:980 2 kap. 24 § fourth paragraph).
    """

    pay: Decimal = ZERO
    deferred_base: Decimal = ZERO

    def __post_init__(self) -> None:
        _require_amount("pay", self.pay)
        _require_amount("deferred_base", self.deferred_base)
        if self.deferred_base > self.pay:
            raise ValueError("the deferred base is part of the year's pay")


@dataclass(frozen=True, slots=True, kw_only=True)
class ContributionPart:
    """A part of the contribution base and the rate applied to it (youth splits at the monthly cap)."""

    base: Decimal
    rate: Rate


@dataclass(frozen=True, slots=True, kw_only=True)
class PayoutInput:
    """One assignment's money for a payslip: invoiced amount for work and tax-free expense reimbursement."""

    invoiced_amount: Decimal
    expense_reimbursement: Decimal = ZERO


@dataclass(frozen=True, slots=True, kw_only=True)
class Payout:
    """The result of one payout; ``N = F + G + H + C + R`` holds to the öre (payroll.md §1)."""

    invoiced_amount: Decimal  # N
    fee_rate: Rate
    fee: Decimal  # F
    pool: Decimal  # P
    gross_salary: Decimal  # G
    holiday_pay_rate: Rate
    holiday_pay: Decimal  # H
    contribution_category: ContributionCategory
    contribution_rule: ContributionRule
    contribution_parts: tuple[ContributionPart, ...]
    employer_contributions: Decimal  # C
    residue: Decimal  # R
    taxable_pay: Decimal  # B
    tax_mode: TaxMode
    tax_percent: Decimal | None  # None in table mode
    tax_table_number: int | None
    tax_column: int | None
    tax_information_missing: bool
    tax: Decimal  # T
    expense_reimbursement: Decimal  # E
    net_pay: Decimal
    month_to_date_before: MonthToDate
    year_to_date_before: YearToDatePay = YearToDatePay()
    below_threshold: bool = False  # the year's pay is still below the threshold: no contributions (§2)
    deferred_base_settled: Decimal = ZERO  # earlier pay of the year whose contributions fall due now (§2)

    def __post_init__(self) -> None:
        # The payslip invariant is a property of the object, not a hope about the caller.
        parts = self.fee + self.gross_salary + self.holiday_pay + self.employer_contributions + self.residue
        if parts != self.invoiced_amount:
            raise ValueError(f"N = F + G + H + C + R does not hold: {self.invoiced_amount} != {parts}")

    @property
    def month_to_date_after(self) -> MonthToDate:
        """The month-to-date values the next payout to the same person in the same month starts from."""
        before = self.month_to_date_before
        return MonthToDate(
            contribution_base_youth_used=before.contribution_base_youth_used + self.taxable_pay,
            taxable_pay=before.taxable_pay + self.taxable_pay,
            tax_withheld=before.tax_withheld + self.tax,
        )

    @property
    def year_to_date_after(self) -> YearToDatePay:
        """The year-to-date pay the next payout to the same person in the same year starts from."""
        before = self.year_to_date_before
        return YearToDatePay(
            pay=before.pay + self.taxable_pay,
            deferred_base=before.deferred_base + self.taxable_pay if self.below_threshold else ZERO,
        )


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


def calculate_payout(
    *,
    invoiced_amount: Decimal,
    birth_date: date,
    pay_date: date,
    parameters: PayrollParameters,
    tax: TaxSetting,
    month_to_date: MonthToDate = MonthToDate(),
    expense_reimbursement: Decimal = ZERO,
    tax_table: TaxTableLookup | None = None,
    year_to_date: YearToDatePay = YearToDatePay(),
) -> Payout:
    """Turn the invoiced amount for one assignment into salary (payroll.md §1).

    F = round_half_up(N × fee rate); P = N − F; G is the largest amount in öre with G + H + C ≤ P, where
    H = round_half_up(G × holiday pay rate) and C = round_half_up of the rates applied to B = G + H (§2, one
    rounding of the sum of the parts when youth splits at the monthly cap); R = P − G − H − C; T per §3;
    net pay = B − T + E. ``month_to_date`` is what the same person was already paid in the same calendar
    month; ``tax_table`` is the imported table for the pay date's year, needed in table mode only.

    ``year_to_date`` is what the person was paid earlier in the year. With a ``contribution_threshold``, a
    payout that leaves the year's pay below it carries no contributions (C = 0), and the payout that brings
    the year to it pays contributions on its own base plus the year's deferred base (§2). Crossing the
    threshold costs contributions on all of it, so in a narrow band of pools the largest G stays just below
    the threshold and R is larger than a few öre.
    """
    _require_amount("invoiced_amount", invoiced_amount)
    _require_amount("expense_reimbursement", expense_reimbursement)
    rule = contribution_rule(birth_date=birth_date, pay_date=pay_date, rules=parameters.contribution_rules)
    contributions = _contributions_for(rule=rule, month_to_date=month_to_date)
    holiday_rate = parameters.holiday_pay_rate.value
    threshold = parameters.contribution_threshold
    deferred = year_to_date.deferred_base if threshold is not None else ZERO

    def below_threshold(base: Decimal) -> bool:
        return threshold is not None and year_to_date.pay + base < threshold.value

    def contributions_on(base: Decimal) -> Decimal:
        return ZERO if below_threshold(base) else contributions.amount(base + deferred)

    fee = round_half_up(invoiced_amount * parameters.fee_rate.value)
    pool = invoiced_amount - fee

    def cost_of(gross: Decimal) -> Decimal:
        holiday_pay = round_half_up(gross * holiday_rate)
        return gross + holiday_pay + contributions_on(gross + holiday_pay)

    gross = _largest_gross(
        pool=pool,
        cost_of=cost_of,
        guess=contributions.base_for_cost(pool) / (1 + holiday_rate),
    )
    holiday_pay = round_half_up(gross * holiday_rate)
    taxable_pay = gross + holiday_pay
    employer_contributions = contributions_on(taxable_pay)
    residue = pool - gross - holiday_pay - employer_contributions
    below = below_threshold(taxable_pay)

    tax_percent, withheld = _tax(
        setting=tax,
        taxable_pay=taxable_pay,
        pay_date=pay_date,
        parameters=parameters,
        month_to_date=month_to_date,
        tax_table=tax_table,
    )
    return Payout(
        invoiced_amount=invoiced_amount,
        fee_rate=parameters.fee_rate,
        fee=fee,
        pool=pool,
        gross_salary=gross,
        holiday_pay_rate=parameters.holiday_pay_rate,
        holiday_pay=holiday_pay,
        contribution_category=rule.category,
        contribution_rule=rule,
        contribution_parts=() if below else contributions.parts(taxable_pay + deferred),
        employer_contributions=employer_contributions,
        residue=residue,
        taxable_pay=taxable_pay,
        tax_mode=tax.mode,
        tax_percent=tax_percent,
        tax_table_number=tax.table_number if tax.mode is TaxMode.TABLE else None,
        tax_column=tax.column if tax.mode is TaxMode.TABLE else None,
        tax_information_missing=tax.tax_information_missing and tax.mode is TaxMode.TABLE,
        tax=withheld,
        expense_reimbursement=expense_reimbursement,
        net_pay=taxable_pay - withheld + expense_reimbursement,
        month_to_date_before=month_to_date,
        year_to_date_before=year_to_date,
        below_threshold=below,
        deferred_base_settled=ZERO if below else deferred,
    )


def calculate_payouts_in_order(
    *,
    payouts: Sequence[PayoutInput],
    birth_date: date,
    pay_date: date,
    parameters: PayrollParameters,
    tax: TaxSetting,
    month_to_date: MonthToDate = MonthToDate(),
    tax_table: TaxTableLookup | None = None,
    year_to_date: YearToDatePay = YearToDatePay(),
) -> tuple[Payout, ...]:
    """Several payouts to one member on one pay date, in order (payroll.md §5, one payslip).

    Each payout starts from the month-to-date and year-to-date values the previous one left, so the youth
    cap, table tax and the yearly contribution threshold are applied in order.
    """
    results: list[Payout] = []
    for payout in payouts:
        result = calculate_payout(
            invoiced_amount=payout.invoiced_amount,
            birth_date=birth_date,
            pay_date=pay_date,
            parameters=parameters,
            tax=tax,
            month_to_date=month_to_date,
            expense_reimbursement=payout.expense_reimbursement,
            tax_table=tax_table,
            year_to_date=year_to_date,
        )
        results.append(result)
        month_to_date = result.month_to_date_after
        year_to_date = result.year_to_date_after
    return tuple(results)


@dataclass(frozen=True, slots=True)
class _Contributions:
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


def _contributions_for(*, rule: ContributionRule, month_to_date: MonthToDate) -> _Contributions:
    if rule.monthly_cap is None:
        return _Contributions(rule.rate, None, None)
    cap_left = max(ZERO, rule.monthly_cap - month_to_date.contribution_base_youth_used)
    return _Contributions(rule.rate, cap_left, rule.rate_above_cap)


def _largest_gross(*, pool: Decimal, cost_of: Callable[[Decimal], Decimal], guess: Decimal) -> Decimal:
    """The largest G in whole öre with cost_of(G) ≤ pool (payroll.md §1).

    cost_of is non-decreasing and cost_of(0) = 0 ≤ pool, so an exponential search from the closed-form
    guess brackets the answer and a binary search over integer öre finishes it exactly; the guess only
    makes it fast.
    """
    upper = int(pool.scaleb(2))  # G ≤ G + H + C ≤ P

    def fits(ore: int) -> bool:
        return cost_of(_from_ore(ore)) <= pool

    start = min(max(int(guess.scaleb(2)), 0), upper)
    step = 1
    if fits(start):
        low, high = start, start + step
        while high <= upper and fits(high):
            low, step = high, step * 2
            high = low + step
        high = min(high, upper + 1)  # upper + 1 stands for "does not fit"
    else:
        high, low = start, start - step
        while low > 0 and not fits(low):
            high, step = low, step * 2
            low = high - step
        low = max(low, 0)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return _from_ore(low)


def _tax(
    *,
    setting: TaxSetting,
    taxable_pay: Decimal,
    pay_date: date,
    parameters: PayrollParameters,
    month_to_date: MonthToDate,
    tax_table: TaxTableLookup | None,
) -> tuple[Decimal | None, Decimal]:
    """(percent shown on the payslip, tax withheld) per payroll.md §3; öre are dropped from tax."""
    if setting.mode is TaxMode.FLAT:
        return _plain(setting.percent), floor_to_krona(taxable_pay * setting.percent / _HUNDRED)
    if setting.mode is TaxMode.SINK:
        return parameters.sink_rate.percent, floor_to_krona(taxable_pay * parameters.sink_rate.value)
    if setting.mode is TaxMode.ASINK:
        return parameters.asink_rate.percent, floor_to_krona(taxable_pay * parameters.asink_rate.value)
    assert setting.table_number is not None  # TaxSetting checks both for table mode
    assert setting.column is not None
    year = pay_date.year
    if tax_table is None or tax_table.year != year or tax_table.table_number != setting.table_number:
        raise MissingTaxTable(setting.table_number, year)
    month_income = month_to_date.taxable_pay + taxable_pay
    month_tax = tax_table.tax_for(month_income, setting.column)
    if setting.tax_information_missing:
        month_tax += month_income * parameters.table_surcharge_rate.value
    return None, max(ZERO, floor_to_krona(month_tax) - month_to_date.tax_withheld)

"""One payout: invoiced amount → fee, gross salary, holiday pay, employer contributions, tax and net pay.

The invariant N = F + G + H + C + R (payroll.md §1) is checked by ``Payout`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kooperativet.core.money import ZERO, round_half_up
from kooperativet.payroll.calculation.amounts import from_ore, require_amount
from kooperativet.payroll.calculation.contributions import (
    ContributionPart,
    contribution_rule,
    contributions_for,
)
from kooperativet.payroll.calculation.earlier_pay import MonthToDate, YearToDatePay
from kooperativet.payroll.calculation.rates import (
    ContributionCategory,
    ContributionRule,
    PayrollParameters,
    Rate,
)
from kooperativet.payroll.calculation.tax import TaxMode, TaxSetting, TaxTableLookup, extra_tax, withheld_tax


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
    tax: Decimal  # T, the extra tax included
    expense_reimbursement: Decimal  # E
    net_pay: Decimal
    month_to_date_before: MonthToDate
    year_to_date_before: YearToDatePay = field(default_factory=YearToDatePay)
    below_threshold: bool = False  # the year's pay is still below the threshold: no contributions (§2)
    deferred_base_settled: Decimal = ZERO  # earlier pay of the year whose contributions fall due now (§2)
    extra_tax: Decimal = ZERO  # the part of T the member asked for on top of the preliminary tax (§3)

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
            tax_withheld=before.tax_withheld + self.tax - self.extra_tax,
            extra_tax_withheld=before.extra_tax_withheld + self.extra_tax,
        )

    @property
    def year_to_date_after(self) -> YearToDatePay:
        """The year-to-date pay the next payout to the same person in the same year starts from."""
        before = self.year_to_date_before
        return YearToDatePay(
            pay=before.pay + self.taxable_pay,
            deferred_base=before.deferred_base + self.taxable_pay if self.below_threshold else ZERO,
        )


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
    rounding of the sum of the parts when youth splits at the monthly cap); R = P − G − H − C; T per §3,
    with the part of the member's extra tax for the month that this payout withholds; net pay = B − T + E.
    ``month_to_date`` is what the same person was already paid in the same calendar month; ``tax_table`` is
    the imported table for the pay date's year, needed in table mode only.

    ``year_to_date`` is what the person was paid earlier in the year. With a ``contribution_threshold``, a
    payout that leaves the year's pay below it carries no contributions (C = 0), and the payout that brings
    the year to it pays contributions on its own base plus the year's deferred base (§2). Crossing the
    threshold costs contributions on all of it, so in a narrow band of pools the largest G stays just below
    the threshold and R is larger than a few öre.
    """
    require_amount("invoiced_amount", invoiced_amount)
    require_amount("expense_reimbursement", expense_reimbursement)
    rule = contribution_rule(birth_date=birth_date, pay_date=pay_date, rules=parameters.contribution_rules)
    contributions = contributions_for(rule=rule, month_to_date=month_to_date)
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

    tax_percent, withheld = withheld_tax(
        setting=tax,
        taxable_pay=taxable_pay,
        pay_date=pay_date,
        parameters=parameters,
        month_to_date=month_to_date,
        tax_table=tax_table,
    )
    extra = extra_tax(setting=tax, taxable_pay=taxable_pay, tax=withheld, month_to_date=month_to_date)
    withheld += extra
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
        extra_tax=extra,
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


def _largest_gross(*, pool: Decimal, cost_of: Callable[[Decimal], Decimal], guess: Decimal) -> Decimal:
    """The largest G in whole öre with cost_of(G) ≤ pool (payroll.md §1).

    cost_of is non-decreasing and cost_of(0) = 0 ≤ pool, so an exponential search from the closed-form
    guess brackets the answer and a binary search over integer öre finishes it exactly; the guess only
    makes it fast.
    """
    upper = int(pool.scaleb(2))  # G ≤ G + H + C ≤ P

    def fits(ore: int) -> bool:
        return cost_of(from_ore(ore)) <= pool

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
    return from_ore(low)

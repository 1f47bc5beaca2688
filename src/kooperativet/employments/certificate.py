"""What the anställningsbevis says about pay and holiday, from the employment's terms (pure rules).

Lagen om anställningsskydd (SFS 1982:80) 6 c § asks the written terms to state the pay and each pay component,
and the holiday the employee has. Semesterlagen (SFS 1977:480) 5 § första stycket lets holiday pay
(semesterersättning) be paid with each salary instead of paid leave only for an employment meant to last at
most three months, when that is agreed (the anställningsbevis says so); the amount follows the percentage rule
of 16 b §.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kooperativet.assignments.rules import HOLIDAY_PAY_WITH_SALARY_MONTHS, add_months
from kooperativet.core.money import round_half_up, round_to_krona


@dataclass(frozen=True, slots=True)
class PayEstimate:
    """The pay the fee gives, in whole kronor: what is left after the cooperative's fee is shared between
    gross salary, holiday pay (a rate of the gross) and employer contributions (a rate of both)."""

    fee: Decimal
    pool: Decimal
    gross_salary: Decimal
    holiday_pay: Decimal
    employer_contributions: Decimal


def pay_estimate(
    *, fee_total: Decimal, fee_rate: Decimal, holiday_pay_rate: Decimal, contribution_rate: Decimal
) -> PayEstimate:
    """The payout rule of the lönekalkyl solved for the whole fee: pool = fee total − fee;
    gross × (1 + holiday rate) × (1 + contribution rate) = pool. The payslip computes the exact amounts at
    each payout (with the member's own contribution rate, and the öre the rounding leaves with the
    cooperative)."""
    fee = round_half_up(fee_total * fee_rate)
    pool = fee_total - fee
    gross = round_to_krona(pool / ((1 + holiday_pay_rate) * (1 + contribution_rate)))
    holiday_pay = round_to_krona(gross * holiday_pay_rate)
    return PayEstimate(
        fee=fee,
        pool=pool,
        gross_salary=gross,
        holiday_pay=holiday_pay,
        employer_contributions=round_to_krona(pool) - gross - holiday_pay,
    )


def holiday_pay_with_each_salary(*, start: date, end: date) -> bool:
    """Whether semesterersättning may be paid with each salary instead of paid leave: only when the employment
    lasts at most three months (semesterlagen, SFS 1977:480, 5 § första stycket)."""
    return end <= add_months(start, HOLIDAY_PAY_WITH_SALARY_MONTHS) - timedelta(days=1)

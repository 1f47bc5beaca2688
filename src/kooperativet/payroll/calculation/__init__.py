"""The payout calculation: invoiced amount → fee, gross salary, holiday pay, employer contributions, tax and
net pay (``docs/payroll.md``).

Pure: plain values in, a frozen ``Payout`` out; no ORM, no settings, no clock. Every number that changes by
law is an input carrying its ``source``, so a payslip can store what it used. The parts, one file each:

- ``rates``: rates, the yearly threshold and the employer-contribution rules (the inputs set by law);
- ``earlier_pay``: what the person was already paid this month and this year;
- ``contributions``: which contribution rule applies, and the contributions on a base (§2);
- ``tax``: the member's tax setting and the tax withheld (§3);
- ``payout``: one payout and several in order (§1, §5).

The names below are the calculation's public face; import them from here.
"""

from kooperativet.payroll.calculation.contributions import (
    ContributionPart,
    NoContributionRule,
    contribution_category,
    contribution_rule,
)
from kooperativet.payroll.calculation.earlier_pay import MonthToDate, YearToDatePay
from kooperativet.payroll.calculation.payout import (
    Payout,
    PayoutInput,
    calculate_payout,
    calculate_payouts_in_order,
)
from kooperativet.payroll.calculation.rates import (
    ContributionCategory,
    ContributionRule,
    PayrollParameters,
    Rate,
    Threshold,
    YearBound,
)
from kooperativet.payroll.calculation.tax import MissingTaxTable, TaxMode, TaxSetting, TaxTableLookup

__all__ = [
    "ContributionCategory",
    "ContributionPart",
    "ContributionRule",
    "MissingTaxTable",
    "MonthToDate",
    "NoContributionRule",
    "Payout",
    "PayoutInput",
    "PayrollParameters",
    "Rate",
    "TaxMode",
    "TaxSetting",
    "TaxTableLookup",
    "Threshold",
    "YearBound",
    "YearToDatePay",
    "calculate_payout",
    "calculate_payouts_in_order",
    "contribution_category",
    "contribution_rule",
]

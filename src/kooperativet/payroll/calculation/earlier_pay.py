"""What the same person was already paid: earlier in the calendar month of payment and in the calendar year.

A payout starts from these and leaves the next payout its own (``Payout.month_to_date_after``,
``Payout.year_to_date_after``), so the youth cap, table tax and the yearly threshold apply in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kooperativet.core.money import ZERO
from kooperativet.payroll.calculation.amounts import require_amount


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthToDate:
    """What the same person has already been paid in the same calendar month of payment.

    ``contribution_base_youth_used`` is the contribution base already paid this month; it uses up the youth
    cap first (payroll.md §2, case D). ``taxable_pay`` and ``tax_withheld`` feed table tax (§3):
    ``tax_withheld`` is the preliminary tax alone. The extra tax the member asked for is
    ``extra_tax_withheld``, kept apart: counted in with the table's tax, the table would pay it back on the
    month's next payout.
    """

    contribution_base_youth_used: Decimal = ZERO
    taxable_pay: Decimal = ZERO
    tax_withheld: Decimal = ZERO
    extra_tax_withheld: Decimal = ZERO

    def __post_init__(self) -> None:
        require_amount("contribution_base_youth_used", self.contribution_base_youth_used)
        require_amount("taxable_pay", self.taxable_pay)
        require_amount("tax_withheld", self.tax_withheld)
        require_amount("extra_tax_withheld", self.extra_tax_withheld)


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
        require_amount("pay", self.pay)
        require_amount("deferred_base", self.deferred_base)
        if self.deferred_base > self.pay:
            raise ValueError("the deferred base is part of the year's pay")

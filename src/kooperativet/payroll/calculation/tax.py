"""Tax withheld from a payout (payroll.md §3): flat percent, Skatteverket's monthly table, SINK or A-SINK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from kooperativet.core.money import ZERO, floor_to_krona
from kooperativet.payroll.calculation.amounts import HUNDRED, plain
from kooperativet.payroll.calculation.earlier_pay import MonthToDate
from kooperativet.payroll.calculation.rates import PayrollParameters


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


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxSetting:
    """A member's tax setting in force on the pay date (payroll.md §3).

    ``percent`` is used in ``flat`` mode (30 by default, or a jämkning decision). ``table`` mode needs the
    table number and column; ``tax_information_missing`` adds the table surcharge ("table + 10 %") for a
    member who has not handed in tax information when asked.

    ``extra_per_month`` is an amount in whole kronor the member has asked to have withheld on top of the
    preliminary tax each calendar month (payroll.md §3, "Extra tax"); SINK and A-SINK are final taxes and
    take none.
    """

    mode: TaxMode = TaxMode.FLAT
    percent: Decimal = Decimal("30")
    table_number: int | None = None
    column: int | None = None
    tax_information_missing: bool = False
    extra_per_month: Decimal = ZERO

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.percent <= HUNDRED:
            raise ValueError(f"a tax percent is between 0 and 100, not {self.percent}")
        if self.mode is TaxMode.TABLE and (self.table_number is None or self.column is None):
            raise ValueError("table tax needs a table number and a column")
        if self.extra_per_month < 0 or self.extra_per_month != self.extra_per_month.to_integral_value():
            raise ValueError(f"extra tax is a whole number of kronor, not {self.extra_per_month}")
        if self.extra_per_month and self.mode in (TaxMode.SINK, TaxMode.ASINK):
            raise ValueError(f"{self.mode} is a final tax; no extra tax is withheld with it")


class TaxTableLookup(Protocol):
    """One imported monthly tax table (Skatteverket, one year and table number)."""

    @property
    def year(self) -> int: ...

    @property
    def table_number(self) -> int: ...

    def tax_for(self, monthly_income: Decimal, column: int) -> Decimal:
        """Tax in whole kronor for a month's taxable income in the given column."""
        ...


def withheld_tax(
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
        return plain(setting.percent), floor_to_krona(taxable_pay * setting.percent / HUNDRED)
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


def extra_tax(
    *, setting: TaxSetting, taxable_pay: Decimal, tax: Decimal, month_to_date: MonthToDate
) -> Decimal:
    """The part of the member's extra tax for the month that this payout withholds (payroll.md §3).

    The month's amount is withheld from the first payouts of the month until it is reached, never more than
    the pay left after the preliminary tax ``tax``, in whole kronor; a payout with nothing left withholds
    nothing and the rest waits for the month's next payout. Nothing carries over into the next month.
    """
    still_due = setting.extra_per_month - month_to_date.extra_tax_withheld
    room = floor_to_krona(taxable_pay - tax)
    return max(ZERO, min(still_due, room))

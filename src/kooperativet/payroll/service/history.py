"""What issued payslips already paid a member: in the month, in the year, below the threshold (§2–§3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from kooperativet.core.money import ZERO
from kooperativet.payroll.calculation import MonthToDate, YearToDatePay
from kooperativet.payroll.models import Payslip

#: A subquery of member ids (a run's members) that a batch query reads instead of a list of bound ids: the
#: same statement for ten members or ten thousand, and no list long enough to hit SQLite's variable limit.
Among = Select[Any]


def _of_members(member_ids: Sequence[int], among: Among | None) -> ColumnElement[bool]:
    return Payslip.member_id.in_(among if among is not None else member_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class YearToDate:
    gross: Decimal
    taxable: Decimal
    tax: Decimal


def year_pay_before(
    session: Session,
    *,
    member_ids: Sequence[int],
    year: int,
    threshold: Decimal | None,
    among: Among | None = None,
) -> dict[int, YearToDatePay]:
    """Each member's pay from issued payslips of ``year`` and the part still without contributions (§2).

    One query for the whole batch. The deferred base is the pay of the payslips that carried no employer
    contributions, and only while the year's pay is below the threshold: the payslip that reached it paid
    the contributions on all of it.
    """
    if not member_ids:
        return {}
    without_contributions = case((Payslip.employer_contributions == 0, Payslip.taxable_pay), else_=0)
    rows = session.execute(
        select(
            Payslip.member_id,
            func.coalesce(func.sum(Payslip.taxable_pay), 0),
            func.coalesce(func.sum(without_contributions), 0),
        )
        .where(_of_members(member_ids, among), Payslip.year == year)
        .group_by(Payslip.member_id)
    ).all()
    result = {}
    for member_id, pay, deferred in rows:
        pay = _amount(pay)
        below = threshold is not None and pay < threshold
        result[member_id] = YearToDatePay(pay=pay, deferred_base=_amount(deferred) if below else ZERO)
    return result


def months_to_date(
    session: Session, *, member_ids: Sequence[int], pay_date: date, among: Among | None = None
) -> dict[int, MonthToDate]:
    """What issued payslips already paid each of ``member_ids`` in the calendar month of ``pay_date``
    (§2–§3), in one query for a run's members at once: the preliminary tax apart from the extra tax the
    member asked for, which the table must not pay back."""
    found = {member_id: MonthToDate() for member_id in member_ids}
    if not member_ids:
        return found
    rows = session.execute(
        select(
            Payslip.member_id,
            func.coalesce(func.sum(Payslip.taxable_pay), 0),
            func.coalesce(func.sum(Payslip.tax - Payslip.extra_tax), 0),
            func.coalesce(func.sum(Payslip.extra_tax), 0),
        )
        .where(
            _of_members(member_ids, among),
            Payslip.pay_date >= pay_date.replace(day=1),
            Payslip.pay_date < _next_month(pay_date),
        )
        .group_by(Payslip.member_id)
    )
    for member_id, taxable, tax, extra in rows:
        taxable = _amount(taxable)
        found[member_id] = MonthToDate(
            contribution_base_youth_used=taxable,
            taxable_pay=taxable,
            tax_withheld=_amount(tax),
            extra_tax_withheld=_amount(extra),
        )
    return found


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def year_to_date(session: Session, *, member_id: int, pay_date: date) -> YearToDate:
    """Totals of the member's issued payslips in the year of ``pay_date`` (gross incl. holiday pay)."""
    gross, taxable, tax = session.execute(
        select(
            func.coalesce(func.sum(Payslip.gross_salary + Payslip.holiday_pay), 0),
            func.coalesce(func.sum(Payslip.taxable_pay), 0),
            func.coalesce(func.sum(Payslip.tax), 0),
        ).where(Payslip.member_id == member_id, Payslip.year == pay_date.year)
    ).one()
    return YearToDate(gross=_amount(gross), taxable=_amount(taxable), tax=_amount(tax))


def years_to_date(
    session: Session, *, member_ids: Sequence[int], pay_date: date, among: Among | None = None
) -> dict[int, YearToDate]:
    """``year_to_date`` for each of ``member_ids`` in one query (a run's members at once)."""
    found = {member_id: YearToDate(gross=ZERO, taxable=ZERO, tax=ZERO) for member_id in member_ids}
    if not member_ids:
        return found
    rows = session.execute(
        select(
            Payslip.member_id,
            func.coalesce(func.sum(Payslip.gross_salary + Payslip.holiday_pay), 0),
            func.coalesce(func.sum(Payslip.taxable_pay), 0),
            func.coalesce(func.sum(Payslip.tax), 0),
        )
        .where(_of_members(member_ids, among), Payslip.year == pay_date.year)
        .group_by(Payslip.member_id)
    )
    for member_id, gross, taxable, tax in rows:
        found[member_id] = YearToDate(gross=_amount(gross), taxable=_amount(taxable), tax=_amount(tax))
    return found


def year_totals(session: Session, *, member_id: int, year: int) -> tuple[YearToDate, int]:
    """A member's totals of issued payslips in ``year`` and how many payslips they come from."""
    count = session.scalar(
        select(func.count(Payslip.id)).where(Payslip.member_id == member_id, Payslip.year == year)
    )
    return year_to_date(session, member_id=member_id, pay_date=date(year, 1, 1)), count or 0


def _amount(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))

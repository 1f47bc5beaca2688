"""The treasurer's months: what was invoiced, paid in, paid out as salary, and owed to Skatteverket, month by
month. Three statements (invoices, payments, payslips), each summed by month in the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from kooperativet.core.calendar import in_swedish_time
from kooperativet.core.money import ZERO
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.invoices.models import Invoice, InvoiceKind, Payment
from kooperativet.payroll.models import PayrollRun, Payslip


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: str  # YYYY-MM
    invoiced: Decimal  # invoices less credit notes, VAT included (what clients owe)
    paid: Decimal  # payments received
    payroll: Decimal  # gross salary and holiday pay on issued payslips paid out in the month
    contributions: Decimal  # employer contributions on them
    tax: Decimal  # tax withheld on them


def months_ending(last: date, count: int) -> list[date]:
    """The first days of ``count`` months up to and including ``last``'s month, oldest first."""
    year, month = last.year, last.month
    firsts = []
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return firsts[::-1]


def treasurer_months(session: Session, *, last: date, count: int = 12) -> list[MonthFigures]:
    firsts = months_ending(last, count)
    start = firsts[0]
    end = date(last.year + 1, 1, 1) if last.month == 12 else date(last.year, last.month + 1, 1)
    invoiced = _by_month(
        session,
        Invoice.issue_date,
        [func.sum(Invoice.payable)],
        start,
        end,
        group=[Invoice.kind],
    )
    paid = _by_month(session, Payment.paid_on, [func.sum(Payment.amount)], start, end)
    payroll = _by_month(
        session,
        Payslip.pay_date,
        [
            func.sum(Payslip.gross_salary + Payslip.holiday_pay),
            func.sum(Payslip.employer_contributions),
            func.sum(Payslip.tax),
        ],
        start,
        end,
    )
    figures = []
    for first in firsts:
        key = (first.year, first.month)
        issued = _amount(invoiced.get((*key, InvoiceKind.invoice.value), [None])[0])
        credited = _amount(invoiced.get((*key, InvoiceKind.credit_note.value), [None])[0])
        salaries = payroll.get(key, [None, None, None])
        figures.append(
            MonthFigures(
                month=f"{first.year:04d}-{first.month:02d}",
                invoiced=issued - credited,
                paid=_amount(paid.get(key, [None])[0]),
                payroll=_amount(salaries[0]),
                contributions=_amount(salaries[1]),
                tax=_amount(salaries[2]),
            )
        )
    return figures


def agi_file_made(session: Session, *, month: str) -> date | None:
    """The day (Swedish time) the latest AGI file of ``month`` (YYYY-MM) was made, or None. Making the file
    is not declaring: the treasurer still submits it at Skatteverket, so the page says when it was made."""
    made: datetime | None = session.scalar(
        select(func.max(ExportBatch.created_at)).where(
            ExportBatch.kind == ExportKind.agi, ExportBatch.period == month
        )
    )
    if made is None:
        return None
    # A moment stored without its zone is UTC (SQLite), as the templates read it.
    return in_swedish_time(made).date()


def run_pay_dates(session: Session, run_ids: Iterable[int | None]) -> dict[int, date]:
    """The pay date of each payroll run named, in one statement: a run is known by its pay date, not its
    id."""
    wanted = sorted({run_id for run_id in run_ids if run_id is not None})
    if not wanted:
        return {}
    rows = session.execute(select(PayrollRun.id, PayrollRun.pay_date).where(PayrollRun.id.in_(wanted)))
    return {row.id: row.pay_date for row in rows}


def _by_month(
    session: Session,
    day: Any,
    sums: list[Any],
    start: date,
    end: date,
    *,
    group: list[Any] | None = None,
) -> dict[tuple[Any, ...], list[Any]]:
    year, month = extract("year", day), extract("month", day)
    columns = [year, month, *(group or [])]
    rows = session.execute(select(*columns, *sums).where(day >= start, day < end).group_by(*columns))
    width = len(columns)
    return {
        (int(row[0]), int(row[1]), *(str(value) for value in row[2:width])): list(row[width:]) for row in rows
    }


def _amount(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(str(value)).quantize(ZERO)

"""The payroll summary of issued payslips, per run or per period (exports.md, "Payroll summary").

Rows come from the payslip lines as issued; the member's name and personnummer from the payslip's snapshot,
so the summary of a run never changes after approval — except that a member purged after the retention
period (``privacy.purge``) is named by her pseudonym, with personnummer and birth date empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from kooperativet.core.identifiers import parse_personal_identity
from kooperativet.db import in_chunks
from kooperativet.encryption import decrypted, stored
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.payroll_summary import (
    PayrollSummaryRow,
    render_csv,
    render_csv_sv,
    render_xlsx,
)
from kooperativet.exports.service.period import parse_period
from kooperativet.exports.service.sources import plain_rows
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine


class SummaryFormat(StrEnum):
    """``csv`` for programs (exports.md's column keys, comma, decimal point); ``xlsx`` and ``csv-sv`` for the
    treasurer (Swedish headers; the CSV with ``;`` and decimal comma, as Swedish Excel opens it)."""

    csv = "csv"
    xlsx = "xlsx"
    csv_sv = "csv-sv"


def summary_rows(
    session: Session, *, run_id: int | None = None, period: str | None = None
) -> list[PayrollSummaryRow]:
    """One row per payout on the issued payslips of a run, or of every run paid out in a period (YYYY-MM).

    Read as plain rows in two statements, the payslips (their numbers too) and their lines, whatever the
    number of payslips. Whom each payslip was issued to is its own columns (name and personnummer, decrypted
    together; the date of birth is the personnummer's), not its snapshot: decrypting and parsing several
    kilobytes per payslip, and building ORM objects for them and their lines, took the summary of a month of
    ten thousand payslips to over three seconds before its file was written. A payslip without those
    columns (issued before they existed, or of a member purged after the retention period) is read from its
    snapshot."""
    conditions = []
    if run_id is not None:
        if session.get(PayrollRun, run_id) is None:
            raise NotFound(f"payroll run {run_id} does not exist")
        conditions.append(Payslip.run_id == run_id)
    if period is not None:
        start, end = parse_period(period)
        conditions += [Payslip.pay_date >= start, Payslip.pay_date < end]
    payslips = plain_rows(
        session,
        select(
            Payslip.id,
            Payslip.number,
            Payslip.run_id,
            Payslip.pay_date,
            Payslip.member_id,
            stored(Payslip.employee_name),
            stored(Payslip.employee_personal_identity_number),
        )
        .where(*conditions)
        .order_by(Payslip.pay_date, Payslip.year, Payslip.sequence),
    )
    employees = _employees(session, payslips)
    lines = _lines_by_payslip(session, conditions)
    return [
        _row(payslip, employees[payslip.id], line)
        for payslip in payslips
        for line in lines.get(payslip.id, ())
    ]


@dataclass(frozen=True, slots=True)
class _Employee:
    """Whom a payslip was issued to, as it states it."""

    name: str
    personal_identity_number: str | None
    birth_date: date | None


def _employees(session: Session, payslips: Sequence[Row[Any]]) -> dict[int, _Employee]:
    names = decrypted((payslip.employee_name for payslip in payslips), Payslip.employee_name)
    numbers = decrypted(
        (payslip.employee_personal_identity_number for payslip in payslips),
        Payslip.employee_personal_identity_number,
    )
    employees: dict[int, _Employee] = {}
    from_snapshot = []
    for payslip, name, number in zip(payslips, names, numbers, strict=True):
        if name is None or number is None:
            from_snapshot.append(payslip.id)
        else:
            birth_date = parse_personal_identity(number).birth_date  # how the member's own was derived
            employees[payslip.id] = _Employee(name, number, birth_date)
    for chunk in in_chunks(from_snapshot):
        for payslip_id, snapshot in session.execute(
            select(Payslip.id, Payslip.snapshot).where(Payslip.id.in_(chunk))
        ):
            employee = snapshot["employee"]
            employees[payslip_id] = _Employee(
                employee["name"], employee["personal_identity_number"], _day(employee["birth_date"])
            )
    return employees


#: The columns of a payslip line the summary shows, besides its payslip.
_LINE_COLUMNS: Final = (
    PayslipLine.assignment_id,
    PayslipLine.invoice_numbers,
    PayslipLine.invoiced_amount,
    PayslipLine.fee_rate,
    PayslipLine.fee,
    PayslipLine.pool,
    PayslipLine.gross_salary,
    PayslipLine.holiday_pay,
    PayslipLine.contribution_category,
    PayslipLine.contribution_base_month_to_date_before,
    PayslipLine.employer_contributions,
    PayslipLine.residue,
    PayslipLine.taxable_pay,
    PayslipLine.tax_mode,
    PayslipLine.tax_percent,
    PayslipLine.tax,
    PayslipLine.extra_tax,
    PayslipLine.expense_reimbursement,
    PayslipLine.net_pay,
)


def _lines_by_payslip(session: Session, conditions: list[ColumnElement[bool]]) -> dict[int, list[Any]]:
    """The lines of the payslips ``conditions`` select, each payslip's in order, by payslip id."""
    query = (
        select(PayslipLine.payslip_id, *_LINE_COLUMNS)
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .where(*conditions)
        .order_by(PayslipLine.payslip_id, PayslipLine.position)
    )
    lines: dict[int, list[Any]] = {}
    for line in plain_rows(session, query):
        lines.setdefault(line.payslip_id, []).append(line)
    return lines


def _row(payslip: Row[Any], employee: _Employee, line: Row[Any]) -> PayrollSummaryRow:
    return PayrollSummaryRow(
        payslip_id=payslip.id,
        payslip_number=payslip.number,
        run_id=payslip.run_id,
        pay_date=payslip.pay_date,
        member_id=payslip.member_id,
        member_name=employee.name,
        personal_identity_number=employee.personal_identity_number,
        birth_date=employee.birth_date,
        assignment_id=line.assignment_id,
        invoice_number=" ".join(line.invoice_numbers),
        invoiced_amount=line.invoiced_amount,
        fee_rate=line.fee_rate,
        fee=line.fee,
        pool=line.pool,
        gross_salary=line.gross_salary,
        holiday_pay=line.holiday_pay,
        contribution_category=line.contribution_category,
        contribution_base_month_to_date_before=line.contribution_base_month_to_date_before,
        employer_contributions=line.employer_contributions,
        residue=line.residue,
        taxable_pay=line.taxable_pay,
        tax_mode=line.tax_mode,
        tax_percent=None if line.tax_percent is None else Decimal(line.tax_percent),
        tax=line.tax,
        extra_tax=line.extra_tax,
        expense_reimbursement=line.expense_reimbursement,
        net_pay=line.net_pay,
    )


def _day(value: str | None) -> date | None:
    """The snapshot's birth date; empty once the member was purged after the retention period."""
    return None if value is None else date.fromisoformat(value)


def payroll_summary(
    session: Session,
    *,
    summary_format: SummaryFormat,
    created_at: datetime,
    run_id: int | None = None,
    period: str | None = None,
) -> ExportFile:
    """The summary of one run (``run_id``) or one period (``period``) as CSV, XLSX or Swedish CSV."""
    if (run_id is None) == (period is None):
        raise RuleViolation("give either a run or a period", code="run_or_period", field="period")
    rows = summary_rows(session, run_id=run_id, period=period)
    # Swedish, as the treasurer reads it ("lönesammanställning, körning"), in ASCII as other downloads are.
    stem = f"lonesammanstallning-korning-{run_id}" if run_id is not None else f"lonesammanstallning-{period}"
    if summary_format is SummaryFormat.csv:
        return render_csv(rows, filename=f"{stem}.csv")
    if summary_format is SummaryFormat.csv_sv:
        return render_csv_sv(rows, filename=f"{stem}-sv.csv")
    return render_xlsx(rows, filename=f"{stem}.xlsx", created_at=created_at)

"""The payroll summary of issued payslips, per run or per period (exports.md, "Payroll summary").

Rows come from the payslip lines as issued; the member's name and personnummer from the payslip's snapshot,
so the summary of a run never changes after approval — except that a member purged after the retention
period (``privacy.purge``) is named by her pseudonym, with personnummer and birth date empty.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.errors import NotFound, RuleViolation
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.formats.payroll_summary import (
    PayrollSummaryRow,
    render_csv,
    render_csv_sv,
    render_xlsx,
)
from kooperativet.exports.service.period import parse_period
from kooperativet.payroll.models import PayrollRun, Payslip


class SummaryFormat(StrEnum):
    """``csv`` for programs (exports.md's column keys, comma, decimal point); ``xlsx`` and ``csv-sv`` for the
    treasurer (Swedish headers; the CSV with ``;`` and decimal comma, as Swedish Excel opens it)."""

    csv = "csv"
    xlsx = "xlsx"
    csv_sv = "csv-sv"


def summary_rows(
    session: Session, *, run_id: int | None = None, period: str | None = None
) -> list[PayrollSummaryRow]:
    """One row per payout on the issued payslips of a run, or of every run paid out in a period (YYYY-MM)."""
    query = select(Payslip)
    if run_id is not None:
        if session.get(PayrollRun, run_id) is None:
            raise NotFound(f"payroll run {run_id} does not exist")
        query = query.where(Payslip.run_id == run_id)
    if period is not None:
        start, end = parse_period(period)
        query = query.where(Payslip.pay_date >= start, Payslip.pay_date < end)
    rows = []
    for payslip in session.scalars(query.order_by(Payslip.pay_date, Payslip.year, Payslip.sequence)):
        employee = payslip.snapshot["employee"]
        for line in payslip.lines:
            rows.append(
                PayrollSummaryRow(
                    payslip_id=payslip.id,
                    run_id=payslip.run_id,
                    pay_date=payslip.pay_date,
                    member_id=payslip.member_id,
                    member_name=employee["name"],
                    personal_identity_number=employee["personal_identity_number"],
                    birth_date=_day(employee["birth_date"]),
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
                    expense_reimbursement=line.expense_reimbursement,
                    net_pay=line.net_pay,
                )
            )
    return rows


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
    stem = f"payroll-summary-run-{run_id}" if run_id is not None else f"payroll-summary-{period}"
    if summary_format is SummaryFormat.csv:
        return render_csv(rows, filename=f"{stem}.csv")
    if summary_format is SummaryFormat.csv_sv:
        return render_csv_sv(rows, filename=f"{stem}-sv.csv")
    return render_xlsx(rows, filename=f"{stem}.xlsx", created_at=created_at)

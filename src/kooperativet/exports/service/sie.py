"""The SIE 4I file of a date range: the vouchers of invoices, credit notes, payments, approved payroll runs
and the expenses paid back with them that no SIE batch holds yet. The vouchers are made by
``exports.entries`` with the ``account_map`` parameter; the file is written by ``exports.formats.sie``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from kooperativet import __version__
from kooperativet.assignments.models import Expense
from kooperativet.core.money import ZERO
from kooperativet.core.vat import VatCategory
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.exports import entries
from kooperativet.exports.formats import sie
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportKind
from kooperativet.exports.service.batches import earlier_batches_hint, exported_ids, store_batch
from kooperativet.exports.service.sources import PROGRAM_NAME, SWEDEN, in_chunks, require_filled
from kooperativet.invoices.models import Invoice, InvoiceKind, Payment
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client
from kooperativet.parties.service import get_cooperative
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine, RunStatus


def export_sie(
    session: Session,
    *,
    date_from: date,
    date_to: date,
    today: date,
    created_at: datetime,
    created_by_id: int | None,
) -> ExportBatch:
    """A SIE 4I file with the vouchers of the documents dated in the range that no SIE batch has covered.

    Invoices and credit notes by issue date, payments by payment date, approved runs and the expense
    reimbursements paid with them by pay date. Draft runs are left out and named in the notes.
    """
    if date_to < date_from:
        raise RuleViolation("the range ends before it starts", field="to")
    if date_from > today:
        raise RuleViolation(f"{date_from} lies in the future; nothing can be booked yet", field="from")
    cooperative = get_cooperative(session)
    require_filled(cooperative, ("organisation_number",), what="the SIE file")
    accounts = account_map(session, on=date_to)
    earlier = {kind: exported_ids(session, ExportKind.sie, kind) for kind in DocumentKind}
    dated: list[tuple[date, int, int, DocumentKind, sie.Voucher]] = []

    def add(day: date, kind: DocumentKind, document_id: int, voucher: sie.Voucher) -> None:
        if document_id not in earlier[kind]:
            dated.append((day, _VOUCHER_ORDER[kind], document_id, kind, voucher))

    in_range = (date_from, date_to)
    for invoice, client_name in session.execute(
        select(Invoice, Client.name)
        .join(Client, Client.id == Invoice.client_id)
        .where(Invoice.issue_date.between(*in_range))
    ):
        kind = DocumentKind.credit_note if invoice.kind == InvoiceKind.credit_note else DocumentKind.invoice
        add(
            invoice.issue_date,
            kind,
            invoice.id,
            entries.invoice_voucher(_invoice(invoice, client_name), accounts=accounts),
        )
    for payment, number in session.execute(
        select(Payment, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.paid_on.between(*in_range))
    ):
        snapshot = entries.PaymentSnapshot(
            invoice_number=number, paid_on=payment.paid_on, amount=payment.amount
        )
        add(
            payment.paid_on,
            DocumentKind.payment,
            payment.id,
            entries.payment_voucher(snapshot, accounts=accounts),
        )
    runs = list(
        session.scalars(
            select(PayrollRun).where(
                PayrollRun.pay_date.between(*in_range), PayrollRun.status != RunStatus.draft
            )
        )
    )
    amounts_of = _payslip_amounts_by_run(session, [run.id for run in runs])
    reimbursed = _reimbursed_expenses(session, [run.id for run in runs])
    for run in runs:
        payslips = amounts_of[run.id]
        add(
            run.pay_date,
            DocumentKind.payroll_run,
            run.id,
            entries.payroll_run_voucher(_run(run, payslips), accounts=accounts),
        )
        for expense in reimbursed.get(run.id, []):
            add(
                run.pay_date,
                DocumentKind.expense,
                expense.expense_id,
                entries.expense_voucher(expense, accounts=accounts),
            )
    if not dated:
        raise Conflict(
            f"nothing dated {date_from} … {date_to} is left to book"
            + earlier_batches_hint(session, ExportKind.sie),
            code="nothing_to_export",
        )
    dated.sort(key=lambda item: item[:3])
    vouchers = [item[4] for item in dated]
    try:
        file = sie.render(
            program_name=PROGRAM_NAME,
            program_version=__version__,
            generated_on=created_at.astimezone(SWEDEN).date(),
            company_name=cooperative.name,
            organisation_number=cooperative.organisation_number or "",
            account_names=entries.account_names(vouchers),
            vouchers=vouchers,
        )
    except sie.SieError as exc:
        raise RuleViolation(str(exc), code="invalid_sie", field="from") from exc
    notes = [
        f"payroll run {run_id} ({pay_date}) is not approved and was left out"
        for run_id, pay_date in session.execute(
            select(PayrollRun.id, PayrollRun.pay_date)
            .where(PayrollRun.pay_date.between(*in_range), PayrollRun.status == RunStatus.draft)
            .order_by(PayrollRun.id)
        )
    ]
    return store_batch(
        session,
        kind=ExportKind.sie,
        file=file,
        covered=[(kind, document_id) for _, _, document_id, kind, _ in dated],
        notes=notes,
        created_at=created_at,
        created_by_id=created_by_id,
        date_from=date_from,
        date_to=date_to,
    )


_VOUCHER_ORDER: Final = {
    DocumentKind.invoice: 1,
    DocumentKind.credit_note: 2,
    DocumentKind.payment: 3,
    DocumentKind.payroll_run: 4,
    DocumentKind.expense: 5,
    DocumentKind.payslip: 6,
}


def account_map(session: Session, *, on: date) -> entries.AccountMap:
    """The ``account_map`` parameter in force on ``on``; a broken one is a 422 naming what is wrong."""
    value = parameters_service.value_in_force(session, key="account_map", on=on).value
    try:
        return entries.AccountMap.of(json.loads(value))
    except entries.InvalidAccountMap as exc:
        raise RuleViolation(f"account_map: {exc}", code="invalid_account_map", field="account_map") from exc


def _invoice(invoice: Invoice, client_name: str) -> entries.InvoiceSnapshot:
    return entries.InvoiceSnapshot(
        number=invoice.number,
        issue_date=invoice.issue_date,
        client_name=client_name,
        is_credit_note=invoice.kind == InvoiceKind.credit_note,
        lines=tuple(
            entries.InvoiceLineAmount(
                vat_category=VatCategory(line.vat_category), vat_rate=line.vat_rate, amount=line.amount
            )
            for line in invoice.lines
        ),
        payable=invoice.payable,
    )


def _run(run: PayrollRun, payslips: Sequence[Row[Any]]) -> entries.PayrollRunSnapshot:
    def total(name: str) -> Decimal:
        return sum((getattr(payslip, name) for payslip in payslips), ZERO)

    return entries.PayrollRunSnapshot(
        run_id=run.id,
        pay_date=run.pay_date,
        gross_salary=total("gross_salary"),
        holiday_pay=total("holiday_pay"),
        employer_contributions=total("employer_contributions"),
        residue=total("residue"),
        tax=total("tax"),
    )


_AMOUNTS: Final = ("gross_salary", "holiday_pay", "employer_contributions", "residue", "tax")


def _payslip_amounts_by_run(session: Session, run_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    """The amounts of the runs' payslips, by run, as plain rows (summed in Python with Decimal: SQLite's SUM
    would go through floating point), one query per chunk of runs; no snapshot is decrypted."""
    amounts: dict[int, list[Row[Any]]] = {run_id: [] for run_id in run_ids}
    columns = [getattr(Payslip, name) for name in _AMOUNTS]
    for chunk in in_chunks(run_ids):
        for row in session.execute(select(Payslip.run_id, *columns).where(Payslip.run_id.in_(chunk))):
            amounts[row.run_id].append(row)
    return amounts


def _reimbursed_expenses(
    session: Session, run_ids: Sequence[int]
) -> dict[int, list[entries.ExpenseSnapshot]]:
    """The re-invoiced outlays paid back on the runs' payslip lines (the payout's E, payroll collector), by
    run: the lines that carry a reimbursement, then their expenses, one query each per chunk of runs."""
    paid_with: dict[int, Row[Any]] = {}
    for chunk in in_chunks(run_ids):
        lines = session.execute(
            select(PayslipLine.assignment_id, Payslip.run_id, Payslip.pay_date, Payslip.snapshot)
            .join(Payslip, Payslip.id == PayslipLine.payslip_id)
            .where(
                Payslip.run_id.in_(chunk),
                PayslipLine.expense_reimbursement != 0,
                PayslipLine.corrects_payslip_id.is_(None),
            )
        )
        paid_with.update((line.assignment_id, line) for line in lines)
    snapshots: dict[int, list[entries.ExpenseSnapshot]] = {}
    for chunk in in_chunks(paid_with):
        expenses = session.scalars(
            select(Expense)
            .where(Expense.assignment_id.in_(chunk), Expense.reinvoice.is_(True))
            .order_by(Expense.id)
        )
        for expense in expenses:
            line = paid_with[expense.assignment_id]
            snapshots.setdefault(line.run_id, []).append(
                entries.ExpenseSnapshot(
                    expense_id=expense.id,
                    paid_on=line.pay_date,
                    member_name=line.snapshot["employee"]["name"],
                    description=expense.description,
                    amount=expense.amount,
                    vat_rate=expense.vat_rate,
                )
            )
    return snapshots

"""The SIE 4I file of a date range: the vouchers of invoices, credit notes, payments, approved payroll runs
and the expenses paid back with them that no SIE batch holds yet. The vouchers are made by
``exports.entries`` with the ``account_map`` parameter; the file is written by ``exports.formats.sie``.

The range is read as plain rows, each kind of document in one statement joined on the range (no lists of
ids, no ORM objects): invoices and their lines, payments, the runs with their payslips' amounts, and the
lines that paid an outlay back with the expense and the name of the member it was paid to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import BigInteger, ColumnElement, ScalarSelect, Select, cast, func, select
from sqlalchemy.orm import Session, aliased

from kooperativet import __version__
from kooperativet.assignments.models import Expense
from kooperativet.core.batch import cyclic_collector_paused
from kooperativet.core.money import ORE
from kooperativet.core.vat import VatCategory
from kooperativet.encryption import decrypted, stored
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.exports import entries
from kooperativet.exports.formats import sie
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.service.batches import (
    CoveredIds,
    cooperative_taking_turns,
    earlier_batches_hint,
    exported_ids,
    store_batch,
)
from kooperativet.exports.service.sources import (
    PROGRAM_NAME,
    SWEDEN,
    as_issued,
    plain_rows,
    require_filled,
)
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord, Payment
from kooperativet.parameters import service as parameters_service
from kooperativet.parameters.catalog import check_json_with
from kooperativet.parties.models import Client
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine, RunStatus

#: A range of dates, both included.
Range = tuple[date, date]


@cyclic_collector_paused()  # a month's worth of rows at once (core/batch.py)
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
        raise RuleViolation("the range ends before it starts", code="date_range_reversed", field="to")
    if date_from > today:
        raise RuleViolation(
            f"{date_from} lies in the future; nothing can be booked yet", code="date_in_future", field="from"
        )
    cooperative = cooperative_taking_turns(session)  # before what is left to export is read
    require_filled(cooperative, ("organisation_number",), what="the SIE file")
    accounts = account_map(session, on=date_to)
    in_range = (date_from, date_to)
    candidates = _candidates(in_range)
    earlier = {
        kind: exported_ids(session, ExportKind.sie, kind, among=ids) for kind, ids in candidates.items()
    }
    dated: list[tuple[date, int, int, DocumentKind, sie.Voucher]] = []

    def add(day: date, kind: DocumentKind, document_id: int, voucher: sie.Voucher) -> None:
        dated.append((day, _VOUCHER_ORDER[kind], document_id, kind, voucher))

    for invoice_id, invoice in _invoices(session, in_range):
        kind = DocumentKind.credit_note if invoice.is_credit_note else DocumentKind.invoice
        if invoice_id not in earlier[kind]:
            add(invoice.issue_date, kind, invoice_id, entries.invoice_voucher(invoice, accounts=accounts))
    for payment_id, payment in _payments(session, in_range):
        if payment_id not in earlier[DocumentKind.payment]:
            add(
                payment.paid_on,
                DocumentKind.payment,
                payment_id,
                entries.payment_voucher(payment, accounts=accounts),
            )
    corrections_notes = []
    for run in _runs(session, in_range):
        voucher = entries.payroll_run_voucher(run, accounts=accounts)
        # A run that only paid outlays back books them on their own vouchers below and has no salary to
        # book: an empty voucher would say nothing.
        if run.run_id not in earlier[DocumentKind.payroll_run] and voucher.transactions:
            add(run.pay_date, DocumentKind.payroll_run, run.run_id, voucher)
            if run.corrections_reimbursed:
                corrections_notes.append(_corrections_note(run, accounts))
    for run_pay_date, expense in _reimbursed_expenses(session, in_range):
        if expense.expense_id not in earlier[DocumentKind.expense]:
            add(
                run_pay_date,
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
            period=(date_from, date_to),
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
    ] + corrections_notes
    return store_batch(
        session,
        kind=ExportKind.sie,
        file=file,
        # The documents booked, as the database finds them again: the candidates no SIE batch holds.
        covered=[CoveredIds(kind, _not_booked(kind, ids)) for kind, ids in candidates.items()],
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


def _approved(in_range: Range) -> tuple[ColumnElement[bool], ...]:
    """The approved (or paid) runs paid out in the range."""
    return (PayrollRun.pay_date.between(*in_range), PayrollRun.status != RunStatus.draft)


def _reimbursing_lines(in_range: Range, *columns: Any) -> Select[*tuple[Any, ...]]:
    """``columns`` of the payslip lines of the range's approved runs that paid an outlay back (the payout's
    E, payroll collector), corrections left out: their expense vouchers are those of the assignment's
    expense records, which the original line paid back. A correction's own E has no expense record and is
    booked with its run (``_runs``); taking its line here would book the original outlays a second time, or
    move them to the correction's pay date."""
    return (
        select(*columns)
        .select_from(PayslipLine)
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .join(PayrollRun, PayrollRun.id == Payslip.run_id)
        .where(
            *_approved(in_range),
            PayslipLine.expense_reimbursement != 0,
            PayslipLine.corrects_payslip_id.is_(None),
        )
    )


def _candidates(in_range: Range) -> dict[DocumentKind, Select[Any]]:
    """The ids of the range's documents of each kind that a voucher is made for, whether booked or not."""
    issued = Invoice.issue_date.between(*in_range)
    return {
        DocumentKind.invoice: select(Invoice.id).where(issued, Invoice.kind != InvoiceKind.credit_note),
        DocumentKind.credit_note: select(Invoice.id).where(issued, Invoice.kind == InvoiceKind.credit_note),
        DocumentKind.payment: select(Payment.id).where(Payment.paid_on.between(*in_range)),
        DocumentKind.payroll_run: select(PayrollRun.id).where(*_approved(in_range)),
        DocumentKind.expense: select(Expense.id).where(
            Expense.reinvoice.is_(True),
            Expense.assignment_id.in_(_reimbursing_lines(in_range, PayslipLine.assignment_id)),
        ),
    }


def _not_booked(kind: DocumentKind, ids: Select[Any]) -> Select[Any]:
    """The ids of ``ids`` that no SIE batch holds."""
    booked = select(ExportedDocument.document_id).where(
        ExportedDocument.export_kind == ExportKind.sie, ExportedDocument.document_kind == kind
    )
    return ids.where(ids.selected_columns[0].not_in(booked))


def _invoices(session: Session, in_range: Range) -> list[tuple[int, entries.InvoiceSnapshot]]:
    """The invoices and credit notes issued in the range, by id, with their lines: two statements."""
    in_range_ = Invoice.issue_date.between(*in_range)
    lines: dict[int, list[entries.InvoiceLineAmount]] = {}
    for line in session.execute(
        select(
            InvoiceLineRecord.invoice_id,
            InvoiceLineRecord.vat_category,
            InvoiceLineRecord.vat_rate,
            InvoiceLineRecord.amount,
        )
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(in_range_)
        .order_by(InvoiceLineRecord.invoice_id, InvoiceLineRecord.position)
    ):
        lines.setdefault(line.invoice_id, []).append(
            entries.InvoiceLineAmount(
                vat_category=VatCategory(line.vat_category), vat_rate=line.vat_rate, amount=line.amount
            )
        )
    invoices = session.execute(
        select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.payable, Client.name)
        .join(Client, Client.id == Invoice.client_id)
        .where(in_range_)
    )
    return [
        (
            invoice.id,
            entries.InvoiceSnapshot(
                number=invoice.number,
                issue_date=invoice.issue_date,
                client_name=invoice.name,
                is_credit_note=invoice.kind == InvoiceKind.credit_note,
                lines=tuple(lines.get(invoice.id, ())),
                payable=invoice.payable,
            ),
        )
        for invoice in invoices
    ]


def _payments(session: Session, in_range: Range) -> list[tuple[int, entries.PaymentSnapshot]]:
    """The payments received in the range, by id, with the number of the invoice they pay."""
    query = (
        select(Payment.id, Payment.paid_on, Payment.amount, Invoice.number)
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.paid_on.between(*in_range))
    )
    return [
        (row.id, entries.PaymentSnapshot(invoice_number=row.number, paid_on=row.paid_on, amount=row.amount))
        for row in session.execute(query)
    ]


_AMOUNTS: Final = ("gross_salary", "holiday_pay", "employer_contributions", "residue", "tax")


def _runs(session: Session, in_range: Range) -> list[entries.PayrollRunSnapshot]:
    """The range's approved runs with the totals of their payslips and the outlays their corrections paid
    back, summed by the database in one statement (``_in_ore``); no payslip row, snapshot or payout is
    read."""
    totals = (
        select(
            PayrollRun.id,
            PayrollRun.pay_date,
            *(_in_ore(getattr(Payslip, name)) for name in _AMOUNTS),
            _corrections_reimbursed_in_ore(),
        )
        .outerjoin(Payslip, Payslip.run_id == PayrollRun.id)
        .where(*_approved(in_range))
        .group_by(PayrollRun.id, PayrollRun.pay_date)
    )
    return [
        entries.PayrollRunSnapshot(
            run_id=run_id,
            pay_date=pay_date,
            **{
                name: _from_ore(ore)
                for name, ore in zip((*_AMOUNTS, "corrections_reimbursed"), sums, strict=True)
            },
        )
        for run_id, pay_date, *sums in session.execute(totals)
    ]


def _corrections_reimbursed_in_ore() -> ScalarSelect[Any]:
    """The outlays the run's correction lines paid back, in whole öre: a subquery per run, since joining
    the lines to the run's payslips would count each payslip's amounts once per line."""
    payslip = aliased(Payslip)
    return (
        select(_in_ore(PayslipLine.expense_reimbursement))
        .join(payslip, payslip.id == PayslipLine.payslip_id)
        .where(payslip.run_id == PayrollRun.id, PayslipLine.corrects_payslip_id.is_not(None))
        .correlate(PayrollRun)
        .scalar_subquery()
    )


def _from_ore(ore: int | None) -> Decimal:
    return (Decimal(ore or 0) / 100).quantize(ORE)


def _corrections_note(run: entries.PayrollRunSnapshot, accounts: entries.AccountMap) -> str:
    """Tells the accountant where a correction's outlay went: it has no receipt in the system, so no input
    VAT was taken from it."""
    return (
        f"payroll run {run.run_id} ({run.pay_date}): {run.corrections_reimbursed} kr of outlays paid back "
        f"by its corrections is booked on {accounts['reimbursed_expenses']} without input VAT (no receipt "
        "is recorded for a correction); move the VAT to input VAT if a receipt shows it"
    )


def _in_ore(amount: Any) -> ColumnElement[Any]:
    """The sum of an amount column in whole öre, an integer: exact on both databases, where a sum of the
    amounts themselves would go through floating point on SQLite (which keeps them as doubles)."""
    return func.sum(cast(func.round(amount * 100), BigInteger))


def _reimbursed_expenses(session: Session, in_range: Range) -> Iterable[tuple[date, entries.ExpenseSnapshot]]:
    """The re-invoiced outlays paid back on the lines of the range's approved runs, with their run's pay
    date; each names the member it was paid to as the payslip was issued. The lines, then their expenses:
    one statement each."""
    lines = _reimbursing_lines(
        in_range,
        PayslipLine.assignment_id,
        Payslip.id,
        Payslip.pay_date,
        PayrollRun.pay_date.label("run_pay_date"),
        stored(Payslip.employee_name),
    )
    # Each assignment's outlays were paid back on its last such line; the rows are unpacked, not read by
    # name, which costs more for thousands of rows than the rest of the work on them.
    paid_with = {
        assignment_id: (payslip_id, pay_date, run_pay_date, name)
        for assignment_id, payslip_id, pay_date, run_pay_date, name in plain_rows(
            session, lines.order_by(Payslip.run_id, PayslipLine.id)
        )
    }
    issued = decrypted((name for *_, name in paid_with.values()), Payslip.employee_name)
    names = as_issued(
        session, zip((payslip_id for payslip_id, *_ in paid_with.values()), issued, strict=True), field="name"
    )
    expenses = (
        select(Expense.id, Expense.assignment_id, Expense.description, Expense.amount, Expense.vat_rate)
        .where(
            Expense.reinvoice.is_(True),
            Expense.assignment_id.in_(_reimbursing_lines(in_range, PayslipLine.assignment_id)),
        )
        .order_by(Expense.id)
    )
    for expense_id, assignment_id, description, amount, vat_rate in plain_rows(session, expenses):
        payslip_id, pay_date, run_pay_date, _ = paid_with[assignment_id]
        yield (
            run_pay_date,
            entries.ExpenseSnapshot(
                expense_id=expense_id,
                paid_on=pay_date,
                member_name=names[payslip_id],
                description=description,
                amount=amount,
                vat_rate=vat_rate,
            ),
        )


# A new account map is read as the exports read it before it is stored (parameters.catalog.check_json_with).
check_json_with("account_map", lambda data, _valid_from: entries.AccountMap.of(data))

"""The treasurer's overview of a month (reads only): what is owed to Skatteverket and by when, the unpaid
client invoices, the month's payroll runs and their payouts, what is not yet exported, and the month's credit
notes that take back work already paid as salary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session, aliased, lazyload

from kooperativet.core.money import ZERO
from kooperativet.errors import Conflict
from kooperativet.exports.models import DocumentKind, ExportKind
from kooperativet.exports.service.agi import DeclaredSums, declared_sums
from kooperativet.exports.service.batches import exported_ids
from kooperativet.exports.service.period import Month, agi_due_date, tax_payment_due_date
from kooperativet.exports.service.sources import payslips_paid_in, payslips_paid_in_query
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from kooperativet.parties.models import Client, Cooperative, Member
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine, RunPayout, RunStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class OwedToSkatteverket:
    """``due_date`` is when the money must be on the tax account, ``declaration_due_date`` when the AGI must
    be in: the same day for most employers, the 12th and the 26th for one whose VAT base is above 40
    million kronor (docs/exports.md)."""

    period: str
    due_date: date
    declaration_due_date: date
    tax_withheld: Decimal
    employer_contributions: Decimal
    #: FK497 and FK487 of the month's AGI as it would be made now, in whole kronor: what Skatteverket debits
    #: the tax account, and so what is paid. The payslips' sums above are in öre, a krona or so more. None
    #: for a month whose personnummer were erased after the retention period: its AGI cannot be made again.
    declared_tax_withheld: Decimal | None
    declared_employer_contributions: Decimal | None
    declared: bool

    @property
    def total(self) -> Decimal:
        return self.tax_withheld + self.employer_contributions

    @property
    def to_pay(self) -> Decimal | None:
        if self.declared_tax_withheld is None or self.declared_employer_contributions is None:
            return None
        return self.declared_tax_withheld + self.declared_employer_contributions


@dataclass(frozen=True, slots=True, kw_only=True)
class UnpaidInvoice:
    id: int
    number: str
    client_name: str
    due_date: date | None
    outstanding: Decimal
    overdue: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RunPayouts:
    run_id: int
    pay_date: date
    status: str
    payslip_count: int
    net_pay: Decimal
    payment_file_exported: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class LeftToExport:
    agi_payslips: int
    sie_documents: int
    pain001_runs: list[int]


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditedAfterPay:
    """A credit note that takes back work a member was already paid for: the payslip that paid her counted
    the credited invoice and not this credit note (docs/invoicing.md, "Credit notes after the salary")."""

    credit_note_id: int
    credit_note_number: str
    credited_invoice_number: str
    issue_date: date
    member_id: int
    member_name: str
    payslip_id: int
    payslip_number: str
    work_amount: Decimal  # the work the credit note takes back, VAT and re-invoiced expenses excluded


@dataclass(frozen=True, slots=True, kw_only=True)
class TreasurerOverview:
    month: str
    skatteverket: OwedToSkatteverket
    unpaid_invoices: list[UnpaidInvoice]
    payouts: list[RunPayouts]
    left_to_export: LeftToExport
    credited_after_pay: list[CreditedAfterPay]


def treasurer_overview(session: Session, *, month: str, today: date) -> TreasurerOverview:
    """What the month asks of the treasurer (reads only): what is owed to Skatteverket and by when, which
    client invoices issued up to the month's end are unpaid (overdue as of today), the month's runs, and
    what is not yet exported."""
    span = Month.of(month, field="month")
    payslips = payslips_paid_in(
        session,
        span,
        Payslip.id,
        Payslip.run_id,
        Payslip.tax,
        Payslip.employer_contributions,
        Payslip.net_pay,
    )
    agi_done = exported_ids(
        session, ExportKind.agi, DocumentKind.payslip, among=payslips_paid_in_query(span, Payslip.id)
    )
    unpaid = session.execute(
        select(Invoice, Client.name)
        .options(lazyload(Invoice.lines))
        .join(Client, Client.id == Invoice.client_id)
        .where(
            Invoice.kind == InvoiceKind.invoice,
            Invoice.status.in_((InvoiceStatus.open, InvoiceStatus.partly_paid)),
            Invoice.issue_date < span.end,
        )
        .order_by(Invoice.due_date, Invoice.id)
    )
    in_month = (PayrollRun.pay_date >= span.start, PayrollRun.pay_date < span.end)
    pain_done = exported_ids(
        session, ExportKind.pain001, DocumentKind.payroll_run, among=select(PayrollRun.id).where(*in_month)
    )
    # The runs' columns, not the runs: a run object loads its payouts, of which a draft's are only counted.
    runs = list(
        session.execute(
            select(PayrollRun.id, PayrollRun.pay_date, PayrollRun.status)
            .where(*in_month)
            .order_by(PayrollRun.pay_date, PayrollRun.id)
        )
    )
    draft_payouts: dict[int, int] = dict(
        session.execute(
            select(RunPayout.run_id, func.count())
            .join(PayrollRun, PayrollRun.id == RunPayout.run_id)
            .where(*in_month, PayrollRun.status == RunStatus.draft)
            .group_by(RunPayout.run_id)
        ).all()
    )
    payouts = []
    for run in runs:
        run_payslips = [payslip for payslip in payslips if payslip.run_id == run.id]
        payouts.append(
            RunPayouts(
                run_id=run.id,
                pay_date=run.pay_date,
                status=str(run.status),
                payslip_count=(
                    len(run_payslips) if run.status != RunStatus.draft else draft_payouts.get(run.id, 0)
                ),
                net_pay=sum((payslip.net_pay for payslip in run_payslips), ZERO),
                payment_file_exported=run.id in pain_done,
            )
        )
    large = bool(
        session.scalar(select(Cooperative.vat_base_above_40_million).order_by(Cooperative.id).limit(1))
    )
    sums = _declared_sums(session, span)
    return TreasurerOverview(
        month=span.text,
        skatteverket=OwedToSkatteverket(
            period=span.text,
            due_date=tax_payment_due_date(span.text, vat_base_above_40_million=large),
            declaration_due_date=agi_due_date(span.text, vat_base_above_40_million=large),
            tax_withheld=sum((payslip.tax for payslip in payslips), ZERO),
            employer_contributions=sum((payslip.employer_contributions for payslip in payslips), ZERO),
            declared_tax_withheld=None if sums is None else Decimal(sums.tax_withheld),
            declared_employer_contributions=None if sums is None else Decimal(sums.employer_contributions),
            declared=bool(payslips) and all(payslip.id in agi_done for payslip in payslips),
        ),
        unpaid_invoices=[
            UnpaidInvoice(
                id=invoice.id,
                number=invoice.number,
                client_name=client_name,
                due_date=invoice.due_date,
                outstanding=invoice.outstanding,
                overdue=invoice.is_overdue_on(today),
            )
            for invoice, client_name in unpaid
        ],
        payouts=payouts,
        left_to_export=LeftToExport(
            agi_payslips=sum(1 for payslip in payslips if payslip.id not in agi_done),
            sie_documents=_sie_left(session, span),
            pain001_runs=[
                run.id for run in runs if run.status != RunStatus.draft and run.id not in pain_done
            ],
        ),
        credited_after_pay=credited_after_pay(session, span),
    )


def _declared_sums(session: Session, span: Month) -> DeclaredSums | None:
    """FK487 and FK497 of the month's AGI, or None when its personnummer were erased after the retention
    period (the AGI's IUs are per person, and that file cannot be made again)."""
    try:
        return declared_sums(session, span)
    except Conflict as exc:
        if exc.code != "erased_after_retention":
            raise
        return None


def credited_after_pay(session: Session, span: Month) -> list[CreditedAfterPay]:
    """The credit notes issued in ``span`` whose credited invoice a member was already paid for (two
    statements): an issued payslip line of the same assignment counted the invoice but not the credit note.

    A credit note issued before a run counts in that run (``payroll.service.collect``), and one issued
    while the run is a draft stops its approval until it is recalculated (``drafts.BASIS_PARTS``); so only
    a credit note issued after the payslip leaves the member paid for work the client no longer pays for.
    The payslip is never changed; what the cooperative does about the money is the treasurer's to agree
    with the member."""
    return _credited_after_pay(session, Invoice.issue_date >= span.start, Invoice.issue_date < span.end)


def credit_note_paid_as_salary(session: Session, *, credit_note_id: int) -> CreditedAfterPay | None:
    """The payslip that had already paid the work one credit note takes back, as ``credited_after_pay``
    finds it; None when no payslip had (the next run counts the credit note)."""
    found = _credited_after_pay(session, Invoice.id == credit_note_id)
    return found[0] if found else None


def _credited_after_pay(session: Session, *among: ColumnElement[bool]) -> list[CreditedAfterPay]:
    original = aliased(Invoice)
    credit_notes = session.execute(
        select(
            Invoice.id,
            Invoice.number,
            Invoice.issue_date,
            Invoice.assignment_id,
            Invoice.member_id,
            Invoice.work_amount,
            original.number,
            Member.first_name,
            Member.last_name,
        )
        .join(original, original.id == Invoice.refers_to_id)
        .join(Member, Member.id == Invoice.member_id)
        .where(Invoice.kind == InvoiceKind.credit_note, *among)
        .order_by(Invoice.issue_date, Invoice.id)
    ).all()
    if not credit_notes:
        return []
    paid_lines = session.execute(
        select(PayslipLine.assignment_id, PayslipLine.invoice_numbers, Payslip.id, Payslip.number)
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .where(
            PayslipLine.assignment_id.in_(sorted({note.assignment_id for note in credit_notes})),
            PayslipLine.corrects_payslip_id.is_(None),
        )
        .order_by(Payslip.id)
    ).all()
    found = []
    for note_id, number, issued, assignment_id, member_id, work, invoice_number, first, last in credit_notes:
        paid_by = _payslip_without(paid_lines, assignment_id, counted=invoice_number, left_out=number)
        if paid_by is not None:
            found.append(
                CreditedAfterPay(
                    credit_note_id=note_id,
                    credit_note_number=number,
                    credited_invoice_number=invoice_number,
                    issue_date=issued,
                    member_id=member_id,
                    member_name=f"{first} {last}",
                    payslip_id=paid_by[0],
                    payslip_number=paid_by[1],
                    work_amount=work,
                )
            )
    return found


def _payslip_without(
    paid_lines: Sequence[Row[int, list[str], int, str]], assignment_id: int, *, counted: str, left_out: str
) -> tuple[int, str] | None:
    """The first payslip (id, number) whose line for ``assignment_id`` counted invoice ``counted`` and not
    credit note ``left_out``."""
    for line_assignment, numbers, payslip_id, payslip_number in paid_lines:
        if line_assignment == assignment_id and counted in numbers and left_out not in numbers:
            return payslip_id, payslip_number
    return None


def _sie_left(session: Session, span: Month) -> int:
    """How many invoices, credit notes, payments and approved runs dated in the month no SIE batch holds."""
    invoices = select(Invoice.id).where(Invoice.issue_date >= span.start, Invoice.issue_date < span.end)
    payments = select(Payment.id).where(Payment.paid_on >= span.start, Payment.paid_on < span.end)
    runs = select(PayrollRun.id).where(
        PayrollRun.pay_date >= span.start,
        PayrollRun.pay_date < span.end,
        PayrollRun.status != RunStatus.draft,
    )
    done = {
        kind: exported_ids(session, ExportKind.sie, kind, among=among)
        for kind, among in (
            (DocumentKind.invoice, invoices),
            (DocumentKind.credit_note, invoices),
            (DocumentKind.payment, payments),
            (DocumentKind.payroll_run, runs),
        )
    }
    left = 0
    for invoice_id, kind in session.execute(invoices.add_columns(Invoice.kind)):
        document = DocumentKind.credit_note if kind == InvoiceKind.credit_note else DocumentKind.invoice
        left += invoice_id not in done[document]
    left += sum(payment_id not in done[DocumentKind.payment] for payment_id in session.scalars(payments))
    left += sum(run_id not in done[DocumentKind.payroll_run] for run_id in session.scalars(runs))
    return left

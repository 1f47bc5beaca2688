"""A member's commissions as her pages show them: each with its invoices, their payments and the payslips
that paid her for it, and the stage it has reached said in words.

The assignments come from the API's own list (``assignments.service.list_assignments``, so the same order,
window and access rule); what follows them (invoices, payments, payslip lines) is read for the whole page at
once: three statements more, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, load_only

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.schemas import AssignmentSort
from kooperativet.auth.models import Role, User
from kooperativet.invoices import service as invoices_service
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord, InvoiceStatus, Payment
from kooperativet.parties.models import Member
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine
from kooperativet.web.i18n import N_
from kooperativet.web.panel import Panel

S = AssignmentStatus

#: Each status of the lifecycle in words (message ids; the template translates them).
STAGES: dict[AssignmentStatus, str] = {
    S.draft: N_("Draft"),
    S.submitted: N_("Submitted, awaiting approval"),
    S.approved: N_("Approved, not invoiced yet"),
    S.rejected: N_("Rejected"),
    S.cancelled: N_("Withdrawn"),
    S.invoiced: N_("Invoiced, awaiting payment"),
    S.paid: N_("Paid by the client"),
    # Salaried: the payroll run is approved and her payslip issued; the money leaves the bank when the office
    # marks the run paid (``SALARY_PAID``), which the assignment's status does not record.
    S.salaried: N_("Payslip ready, salary not paid out yet"),
    S.closed: N_("Done: paid and salaried"),
}
SALARY_PAID = N_("Salary paid")
OVERDUE = N_("Invoiced, payment overdue")
PARTLY_PAID = N_("Invoiced, partly paid")

#: An invoice's payment state in words; ``overdue`` is not stored (``Invoice.is_overdue_on``).
INVOICE_STATES: dict[InvoiceStatus, str] = {
    InvoiceStatus.open: N_("Not paid"),
    InvoiceStatus.partly_paid: N_("Partly paid"),
    InvoiceStatus.paid: N_("Paid"),
    InvoiceStatus.credited: N_("Credited in full"),
}
INVOICE_OVERDUE = N_("Not paid, past due")

#: The warnings of the commission workflow (``workflows.commission_read``), said to the member by their code;
#: the service's English text carries the numbers, and is shown only for a code not listed here.
WARNINGS: dict[str, str] = {
    "period_over_three_months": N_(
        "The period is longer than three months: holiday pay cannot then be paid with each salary "
        "(semesterlagen 5 §). The treasurer sees this before approving."
    ),
    "below_minimum_day_rate": N_(
        "The fee per working day is below the cooperative's minimum day rate (hours count 8 to a day)."
    ),
    "buyer_reference_missing": N_(
        "The client is in the public sector and needs its reference (Er referens) on the invoice."
    ),
    "save_preferential_right": N_(
        "With this commission you pass 9 months of employment in 3 years: you gain a preferential right to "
        "re-employment (LAS 25 §)."
    ),
    "save_conversion": N_(
        "With this commission you pass 12 months of employment in 5 years: the employment turns into a "
        "permanent one (LAS 5 a §)."
    ),
    "save_conversion_successive": N_(
        "With this commission you pass 12 months of employment in commissions that followed each other, each "
        "begun within six months of the one before: the employment turns into a permanent one (LAS 5 a §)."
    ),
}


@dataclass(frozen=True, slots=True)
class PayslipPart:
    """What one payslip paid for one commission: the pay before tax is the gross salary plus holiday pay, and
    the net pay is that after tax plus the expenses reimbursed. ``pay_date`` is the day the run pays out,
    ``paid_on`` the day the office marked it paid (``None`` until then: issued, the money not sent)."""

    number: str
    pay_date: date
    gross_salary: Decimal
    holiday_pay: Decimal
    taxable_pay: Decimal
    tax: Decimal
    expense_reimbursement: Decimal
    net_pay: Decimal
    paid_on: date | None = None


@dataclass(slots=True)
class Money:
    """What followed a commission: its invoices (credit notes too), their payments and her payslips."""

    invoices: list[Invoice] = field(default_factory=list)
    payments: dict[int, list[Payment]] = field(default_factory=dict)
    payslips: list[PayslipPart] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CommissionRow:
    assignment: Assignment
    stage: str
    money: Money
    fee_total: Decimal


def member_of(session: Session, *, user: User) -> Member | None:
    return session.scalar(select(Member).where(Member.user_id == user.id))


def her_commissions(
    session: Session, *, user: User, member: Member, limit: int, offset: int, today: date
) -> tuple[list[CommissionRow], int]:
    """Her own commissions, latest period first as in the API's list, each with what followed it. Even for a
    treasurer who is also a member this is her own list: the office's view of everyone is another page."""
    rows, total = assignments_service.list_assignments(
        session,
        actor=user,
        limit=limit,
        offset=offset,
        member_id=member.id,
        sort=AssignmentSort.period_desc,
    )
    money = money_of(session, assignment_ids=[a.id for a in rows])
    found = [
        CommissionRow(a, stage(a, money[a.id], today=today), money[a.id], assignments_service.fee_total(a))
        for a in rows
    ]
    return found, total


def money_of(session: Session, *, assignment_ids: Sequence[int]) -> dict[int, Money]:
    """Invoices, payments and payslip lines (with whether their run is paid out) of these commissions: three
    statements for any number."""
    found: dict[int, Money] = defaultdict(Money)
    if not assignment_ids:
        return found
    invoices = session.scalars(
        select(Invoice)
        .where(Invoice.assignment_id.in_(assignment_ids))
        .options(
            lazyload(Invoice.lines),
            load_only(
                Invoice.assignment_id,
                Invoice.number,
                Invoice.kind,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.payable,
                Invoice.paid_amount,
                Invoice.credited_amount,
                Invoice.status,
            ),
        )
        .order_by(Invoice.year, Invoice.sequence)
    ).all()
    for invoice in invoices:
        found[invoice.assignment_id].invoices.append(invoice)
    owner = {invoice.id: invoice.assignment_id for invoice in invoices}
    if owner:
        payments = session.scalars(
            select(Payment).where(Payment.invoice_id.in_(owner)).order_by(Payment.paid_on, Payment.id)
        )
        for payment in payments:
            found[owner[payment.invoice_id]].payments.setdefault(payment.invoice_id, []).append(payment)
    payslip_lines = session.execute(
        select(
            PayslipLine.assignment_id,
            Payslip.number,
            Payslip.pay_date,
            PayslipLine.gross_salary,
            PayslipLine.holiday_pay,
            PayslipLine.taxable_pay,
            PayslipLine.tax,
            PayslipLine.expense_reimbursement,
            PayslipLine.net_pay,
            PayrollRun.paid_on,
        )
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .join(PayrollRun, PayrollRun.id == Payslip.run_id)
        .where(PayslipLine.assignment_id.in_(assignment_ids))
        .order_by(Payslip.pay_date, Payslip.id, PayslipLine.position)
    )
    for (
        assignment_id,
        number,
        pay_date,
        gross,
        holiday,
        taxable,
        tax,
        expenses,
        net,
        paid_on,
    ) in payslip_lines:
        found[assignment_id].payslips.append(
            PayslipPart(number, pay_date, gross, holiday, taxable, tax, expenses, net, paid_on)
        )
    return found


def expense_invoices(session: Session, *, assignment_id: int) -> dict[int, list[str]]:
    """The numbers of the invoices (not credit notes) each of the commission's expenses was re-invoiced on,
    by expense id: one statement."""
    rows = session.execute(
        select(InvoiceLineRecord.expense_id, Invoice.number)
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(
            Invoice.assignment_id == assignment_id,
            Invoice.kind == InvoiceKind.invoice,
            InvoiceLineRecord.expense_id.is_not(None),
        )
        .order_by(Invoice.year, Invoice.sequence)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for expense_id, number in rows:
        if expense_id is not None and number not in found[expense_id]:
            found[expense_id].append(number)
    return dict(found)


def stage(assignment: Assignment, money: Money, *, today: date) -> str:
    """The stage in words: the assignment's status, and while it waits for the client's money, whether an
    invoice is past due or partly paid."""
    if assignment.status == S.invoiced:
        invoices = [i for i in money.invoices if i.kind == InvoiceKind.invoice]
        if any(invoice.is_overdue_on(today) for invoice in invoices):
            return OVERDUE
        if any(invoice.status == InvoiceStatus.partly_paid for invoice in invoices):
            return PARTLY_PAID
    if assignment.status == S.salaried and money.payslips and all(p.paid_on for p in money.payslips):
        return SALARY_PAID
    return STAGES[AssignmentStatus(assignment.status)]


def invoice_state(invoice: Invoice, *, today: date) -> str:
    if invoice.is_overdue_on(today):
        return INVOICE_OVERDUE
    return INVOICE_STATES[InvoiceStatus(invoice.status)]


def commissions_panel(session: Session, *, user: User, today: date) -> Panel | None:
    """The start page: her drafts to finish, what awaits approval, and her invoices unpaid past due."""
    if not user.has_any_role(Role.member):
        return None
    member = member_of(session, user=user)
    if member is None:
        return None
    drafts, draft_count = _her(session, user=user, member=member, status=S.draft)
    submitted, submitted_count = _her(session, user=user, member=member, status=S.submitted)
    overdue, overdue_count = invoices_service.list_invoices(
        session, actor=user, limit=5, offset=0, member_id=member.id, overdue_on=today
    )
    if not (draft_count or submitted_count or overdue_count):
        return None

    return Panel(
        "panels/commissions.html",
        {
            "drafts": drafts,
            "draft_count": draft_count,
            "submitted": submitted,
            "submitted_count": submitted_count,
            "overdue": overdue,
            "overdue_count": overdue_count,
        },
    )


def _her(
    session: Session, *, user: User, member: Member, status: AssignmentStatus
) -> tuple[list[Assignment], int]:
    return assignments_service.list_assignments(
        session, actor=user, limit=5, offset=0, member_id=member.id, status=status
    )

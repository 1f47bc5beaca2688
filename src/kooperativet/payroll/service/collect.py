"""Which payouts are ready for a payroll run, read from assignments and their invoices (payroll.md §1, §5).

``pay_on=payment`` (default): an assignment the invoicing service has moved to ``paid`` (every invoice
settled and nothing left to invoice). ``pay_on=invoice``: an assignment that is ``invoiced`` or ``paid``. In
both cases it is not already in a payroll run. N is the work amount of its invoices less that of its credit
notes (VAT and re-invoiced expenses excluded); the re-invoiced expenses the member paid are reimbursed
tax-free (E).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment, AssignmentStatus
from kooperativet.core.money import ZERO
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.parties.models import Client
from kooperativet.payroll.models import PayOn, RunPayout

_READY: dict[PayOn, tuple[AssignmentStatus, ...]] = {
    PayOn.payment: (AssignmentStatus.paid,),
    PayOn.invoice: (AssignmentStatus.invoiced, AssignmentStatus.paid),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadyPayout:
    member_id: int
    assignment_id: int
    client_name: str
    invoice_numbers: tuple[str, ...]
    invoiced_amount: Decimal
    expense_reimbursement: Decimal


def collect_ready_payouts(session: Session, *, pay_on: PayOn, pay_date: date) -> list[ReadyPayout]:
    """Every ready payout for a run on ``pay_date``, by member and assignment."""
    in_a_run = select(RunPayout.assignment_id).where(RunPayout.corrects_payslip_id.is_(None))
    invoices = session.scalars(
        select(Invoice)
        .join(Assignment, Assignment.id == Invoice.assignment_id)
        .where(
            Assignment.status.in_([status.value for status in _READY[pay_on]]),
            Assignment.id.not_in(in_a_run),
            Invoice.issue_date <= pay_date,
        )
        .order_by(Invoice.member_id, Invoice.assignment_id, Invoice.id)
    )
    by_assignment: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_assignment[invoice.assignment_id].append(invoice)
    ready = []
    for assignment_id, documents in by_assignment.items():
        issued = [doc for doc in documents if doc.kind == InvoiceKind.invoice]
        if not issued:
            continue
        invoiced = sum((doc.work_amount for doc in issued), ZERO)
        credited = sum((doc.work_amount for doc in documents if doc.kind == InvoiceKind.credit_note), ZERO)
        if invoiced - credited <= 0:
            continue
        assignment = session.get(Assignment, assignment_id)
        client = session.get(Client, issued[0].client_id)
        assert assignment is not None  # foreign keys
        assert client is not None
        ready.append(
            ReadyPayout(
                member_id=assignment.member_id,
                assignment_id=assignment_id,
                client_name=client.name,
                invoice_numbers=tuple(doc.number for doc in documents),
                invoiced_amount=invoiced - credited,
                expense_reimbursement=sum(
                    (expense.amount for expense in assignment.expenses if expense.reinvoice), ZERO
                ),
            )
        )
    return sorted(ready, key=lambda payout: (payout.member_id, payout.assignment_id))


def mark_salaried(session: Session, *, assignment_ids: Iterable[int]) -> None:
    """The assignments' pay is on approved payslips: they move to ``salaried``.

    With ``pay_on=payment`` they come from ``paid``; with ``pay_on=invoice`` from ``invoiced`` (the salary is
    advanced, and the client's payment later closes the assignment).
    """
    for assignment_id in sorted(assignment_ids):
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None  # a foreign key of the run's payouts
        if assignment.status in (AssignmentStatus.paid, AssignmentStatus.invoiced):
            assignments_service.mark_salaried(session, assignment=assignment)

"""The payment state of an invoice, and of its assignment once every invoice is settled."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.service import close, mark_paid
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.invoices.service.remaining import remaining_quantities


def settle(session: Session, invoice: Invoice) -> None:
    """Recompute the payment state of an invoice from its credited and paid amounts; when every invoice of
    the assignment is settled and nothing is left to invoice, the assignment is paid — or, when its salary
    was already advanced on invoicing (``pay_on=invoice``), closed."""
    if invoice.credited_amount >= invoice.payable:
        invoice.status = InvoiceStatus.credited
    elif invoice.outstanding == 0:
        invoice.status = InvoiceStatus.paid
    elif invoice.paid_amount > 0:
        invoice.status = InvoiceStatus.partly_paid
    else:
        invoice.status = InvoiceStatus.open
    session.flush()
    if invoice.status == InvoiceStatus.paid:
        assignment = session.get_one(Assignment, invoice.assignment_id)
        if not _assignment_settled(session, assignment):
            return
        if assignment.status == AssignmentStatus.invoiced:
            mark_paid(session, assignment=assignment)
        elif assignment.status == AssignmentStatus.salaried:
            close(session, assignment=assignment)


def _assignment_settled(session: Session, assignment: Assignment) -> bool:
    statuses = session.scalars(
        select(Invoice.status).where(
            Invoice.assignment_id == assignment.id, Invoice.kind == InvoiceKind.invoice
        )
    ).all()
    nothing_left = all(
        quantity <= 0 for quantity in remaining_quantities(session, assignment=assignment).values()
    )
    return nothing_left and all(status in (InvoiceStatus.paid, InvoiceStatus.credited) for status in statuses)

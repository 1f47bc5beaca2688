"""The payment state of an invoice, and of its assignment once every invoice is settled."""

from __future__ import annotations

from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.service import close, mark_paid
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.invoices.service.remaining import remaining_quantities

#: An invoice with nothing more to come: paid, or credited.
SETTLED: Final = frozenset({InvoiceStatus.paid, InvoiceStatus.credited})


def settle(session: Session, invoice: Invoice) -> None:
    """Recompute the payment state of an invoice from its credited and paid amounts; when every invoice of
    the assignment is settled (paid or credited, at least one paid) and nothing is left to invoice, the
    assignment is paid — or, when its salary was already advanced on invoicing (``pay_on=invoice``), closed.

    Either the payment or the credit note can come last, so both look at the assignment."""
    if invoice.credited_amount >= invoice.payable:
        invoice.status = InvoiceStatus.credited
    elif invoice.outstanding == 0:
        invoice.status = InvoiceStatus.paid
    elif invoice.paid_amount > 0:
        invoice.status = InvoiceStatus.partly_paid
    else:
        invoice.status = InvoiceStatus.open
    session.flush()
    if invoice.status in SETTLED:
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
    # Credited in full with nothing paid, nothing came in: the assignment is not paid.
    some_paid = InvoiceStatus.paid in statuses
    return nothing_left and some_paid and all(status in SETTLED for status in statuses)

"""The payment state of an invoice, and of its assignment once every invoice is settled."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from kooperativet.assignments import rules
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.service import close, mark_paid
from kooperativet.db import clock_of, expire_loaded, in_chunks, table_of
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.invoices.service.remaining import remaining_quantities, remaining_quantities_of

#: An invoice with nothing more to come: paid, or credited.
SETTLED: Final = frozenset({InvoiceStatus.paid, InvoiceStatus.credited})


def settle(session: Session, invoice: Invoice) -> None:
    """Recompute the payment state of an invoice from its credited and paid amounts; when every invoice of
    the assignment is settled (paid or credited, at least one paid) and nothing is left to invoice, the
    assignment is paid — or, when its salary was already advanced on invoicing (``pay_on=invoice``), closed.

    Either the payment or the credit note can come last, so both look at the assignment."""
    invoice.status = payment_status(
        payable=invoice.payable, credited=invoice.credited_amount, paid=invoice.paid_amount
    )
    session.flush()
    if invoice.status in SETTLED:
        assignment = session.get_one(Assignment, invoice.assignment_id)
        if not _assignment_settled(session, assignment):
            return
        if assignment.status == AssignmentStatus.invoiced:
            mark_paid(session, assignment=assignment)
        elif assignment.status == AssignmentStatus.salaried:
            close(session, assignment=assignment)


def payment_status(*, payable: Decimal, credited: Decimal, paid: Decimal) -> InvoiceStatus:
    """The payment state of an invoice of ``payable`` with ``credited`` by credit notes and ``paid``."""
    if credited >= payable:
        return InvoiceStatus.credited
    if payable - credited - paid <= 0:  # nothing outstanding (Invoice.outstanding)
        return InvoiceStatus.paid
    if paid > 0:
        return InvoiceStatus.partly_paid
    return InvoiceStatus.open


def settle_assignments(session: Session, assignment_ids: Iterable[int]) -> None:
    """What ``settle`` does for the assignment of an invoice just settled, for the assignments of many
    invoices whose new states are written, in a constant number of statements per
    ``db.VALUES_PER_QUERY``: a bank file that pays thousands of invoices moves their assignments as one
    payment at a time would. Read and written as plain rows; copies the session holds are expired."""
    for chunk in in_chunks(assignment_ids):
        _settle_assignments(session, chunk)


def _settle_assignments(session: Session, ids: list[int]) -> None:
    read = select(Assignment.id, Assignment.status).where(Assignment.id.in_(ids))
    current: dict[int, AssignmentStatus] = dict(session.execute(read).all())
    statuses: dict[int, list[InvoiceStatus]] = {assignment_id: [] for assignment_id in ids}
    for assignment_id, invoice_status in session.execute(
        select(Invoice.assignment_id, Invoice.status).where(
            Invoice.assignment_id.in_(ids), Invoice.kind == InvoiceKind.invoice
        )
    ):
        statuses[assignment_id].append(invoice_status)
    remaining = remaining_quantities_of(session, ids)
    moved: list[dict[str, object]] = []
    moved_ids: set[int] = set()
    for assignment_id in ids:
        status = current[assignment_id]
        if not _settled(statuses[assignment_id], remaining[assignment_id].values()):
            continue
        if status == AssignmentStatus.invoiced:
            transition = rules.Transition.pay  # as mark_paid
        elif status == AssignmentStatus.salaried:
            transition = rules.Transition.close  # as close
        else:
            continue
        moved.append({"moved_id": assignment_id, "new_status": rules.next_status(status, transition)})
        moved_ids.add(assignment_id)
    if not moved:
        return
    table = table_of(Assignment)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("moved_id"))
        .values(status=bindparam("new_status"), version=table.c.version + 1, updated_at=clock_of(session)),
        moved,
    )
    expire_loaded(session, Assignment, moved_ids)


def _assignment_settled(session: Session, assignment: Assignment) -> bool:
    statuses = session.scalars(
        select(Invoice.status).where(
            Invoice.assignment_id == assignment.id, Invoice.kind == InvoiceKind.invoice
        )
    ).all()
    return _settled(statuses, remaining_quantities(session, assignment=assignment).values())


def _settled(statuses: Iterable[InvoiceStatus], remaining: Iterable[Decimal]) -> bool:
    """Every invoice of the assignment settled, at least one paid, and nothing left to invoice. Credited in
    full with nothing paid, nothing came in: the assignment is not paid."""
    listed = list(statuses)
    nothing_left = all(quantity <= 0 for quantity in remaining)
    return nothing_left and InvoiceStatus.paid in listed and all(status in SETTLED for status in listed)

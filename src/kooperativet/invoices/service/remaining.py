"""What is left to invoice of an assignment's fee lines: the quantity less what invoices took plus what
credit notes gave back by quantity. Issuing reads it, settling reads it, and the assignment page shows it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, AssignmentLine
from kooperativet.assignments.rules import NEVER_APPROVED
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord


def remaining_quantities(session: Session, *, assignment: Assignment) -> dict[int, Decimal]:
    """Per fee line: its quantity less what invoices took plus what credit notes gave back by quantity."""
    remaining = {line.id: line.quantity for line in assignment.lines}
    if assignment.status in NEVER_APPROVED:  # never invoiced: a member's draft is read back after each change
        return remaining
    rows = session.execute(
        select(InvoiceLineRecord.assignment_line_id, InvoiceLineRecord.quantity, Invoice.kind)
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.assignment_id == assignment.id, InvoiceLineRecord.assignment_line_id.is_not(None))
    )
    for line_id, quantity, kind in rows:
        assert line_id is not None  # filtered above
        remaining[line_id] += quantity if kind == InvoiceKind.credit_note else -quantity
    return remaining


def remaining_quantities_of(session: Session, assignment_ids: Sequence[int]) -> dict[int, dict[int, Decimal]]:
    """``remaining_quantities`` of many approved assignments in two statements, by assignment id: for a bank
    file that settles thousands of invoices at once."""
    remaining: dict[int, dict[int, Decimal]] = {assignment_id: {} for assignment_id in assignment_ids}
    lines = select(AssignmentLine.assignment_id, AssignmentLine.id, AssignmentLine.quantity).where(
        AssignmentLine.assignment_id.in_(assignment_ids)
    )
    for assignment_id, line_number, quantity in session.execute(lines):
        remaining[assignment_id][line_number] = quantity
    invoiced = (
        select(
            Invoice.assignment_id,
            InvoiceLineRecord.assignment_line_id,
            InvoiceLineRecord.quantity,
            Invoice.kind,
        )
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.assignment_id.in_(assignment_ids), InvoiceLineRecord.assignment_line_id.is_not(None))
    )
    for assignment_id, line_id, quantity, kind in session.execute(invoiced):
        assert line_id is not None  # filtered above
        remaining[assignment_id][line_id] += quantity if kind == InvoiceKind.credit_note else -quantity
    return remaining

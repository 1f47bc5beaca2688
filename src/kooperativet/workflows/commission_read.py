"""The assignment as the API shows it: its own fields, the member's SÄVA warnings (employments) and, per fee
line, what is left to invoice (invoices). Every answer of the commission workflow is this read model."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kooperativet.assignments import service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentWarning
from kooperativet.assignments.schemas import AssignmentRead, ExpenseRead, FeeLineRead, WarningRead
from kooperativet.core.money import round_half_up
from kooperativet.employments import service as employments_service
from kooperativet.invoices import service as invoices_service


def read_assignment(
    session: Session, assignment: Assignment, *, warnings: list[AssignmentWarning] | None = None
) -> AssignmentRead:
    """The read model of ``assignment``; ``warnings`` when they were worked out already (a new commission's,
    before its writing transaction began), otherwise read now."""
    if warnings is None:
        warnings = employments_service.current_warnings(session, assignment=assignment)
    return AssignmentRead(
        id=assignment.id,
        member_id=assignment.member_id,
        member_name=assignment.member.full_name,
        client_id=assignment.client_id,
        client_name=assignment.client.name,
        title=assignment.title,
        description=assignment.description,
        period_start=assignment.period_start,
        period_end=assignment.period_end,
        place=assignment.place,
        extent_quantity=assignment.extent_quantity,
        extent_unit=assignment.extent_unit,
        buyer_reference=assignment.buyer_reference,
        lines=_lines(session, assignment),
        expenses=[ExpenseRead.model_validate(expense) for expense in assignment.expenses],
        fee_total=service.fee_total(assignment),
        status=assignment.status,
        rejection_reason=assignment.rejection_reason,
        submitted_at=assignment.submitted_at,
        decided_at=assignment.decided_at,
        decided_by_id=assignment.decided_by_id,
        warnings_confirmed=assignment.warnings_confirmed,
        warnings=[WarningRead(code=w.code, message=w.message) for w in warnings],
        version=assignment.version,
        created_at=assignment.created_at,
        updated_at=assignment.updated_at,
    )


def _lines(session: Session, assignment: Assignment) -> list[FeeLineRead]:
    """The fee lines with their ids and what is left to invoice of each, so that a partial invoice can be
    made through the API alone (``InvoiceIssue.parts``)."""
    remaining = invoices_service.remaining_quantities(session, assignment=assignment)
    lines = []
    for line in assignment.lines:
        quantity = remaining.get(line.id, line.quantity)
        lines.append(
            FeeLineRead(
                id=line.id,
                position=line.position,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
                exemption_reason=line.exemption_reason,
                remaining_quantity=quantity,
                remaining_amount=round_half_up(quantity * line.unit_price),
            )
        )
    return lines

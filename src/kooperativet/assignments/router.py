from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import DbSession, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.idempotency import IdempotencyKey, idempotent
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.assignments import rules, service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.schemas import (
    ApprovalRequest,
    AssignmentCreate,
    AssignmentListItem,
    AssignmentRead,
    AssignmentUpdate,
    ExpenseCreate,
    ExpenseRead,
    FeeLineRead,
    ReceiptRead,
    RejectionRequest,
    VersionedAction,
    WarningRead,
)
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.core.money import round_half_up
from kooperativet.employments import service as employments_service
from kooperativet.invoices import service as invoices_service

router = APIRouter(prefix="/api/v1/assignments", tags=["assignments"])

RECEIPT_MEDIA: dict[str, dict[str, str]] = {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}


@router.get("", responses=problem_responses(401, 422))
def list_assignments(
    user: CurrentUser,
    session: DbSession,
    window: Window,
    status: AssignmentStatus | None = None,
    member_id: int | None = None,
    client_id: int | None = None,
) -> Page[AssignmentListItem]:
    """Assignments, latest period first, filtered by status, member or client; a member sees their own."""
    rows, total = service.list_assignments(
        session,
        actor=user,
        limit=window.limit,
        offset=window.offset,
        status=status,
        member_id=member_id,
        client_id=client_id,
    )
    items = [
        AssignmentListItem(
            id=a.id,
            member_id=a.member_id,
            member_name=a.member.full_name,
            client_id=a.client_id,
            client_name=a.client.name,
            title=a.title,
            period_start=a.period_start,
            period_end=a.period_end,
            fee_total=service.fee_total(a),
            status=a.status,
            version=a.version,
        )
        for a in rows
    ]
    return Page(items=items, total=total, limit=window.limit, offset=window.offset)


@router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422))
def create_assignment(
    body: AssignmentCreate, user: CurrentUser, session: DbSession, key: IdempotencyKey = None
) -> AssignmentRead:
    """Register a commission as your draft: client (existing id or new), period, extent, fee lines with their
    VAT treatment, and expenses. Warnings (long period, SÄVA thresholds, low day rate) come back in the body.
    Send an ``Idempotency-Key`` to make a retry safe."""
    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation="create_assignment",
        request=body,
        response_model=AssignmentRead,
        produce=lambda: _read(session, service.create_assignment(session, data=body, actor=user)),
    )


@router.get("/{assignment_id}", responses=problem_responses(401, 404))
def get_assignment(assignment_id: int, user: CurrentUser, session: DbSession) -> AssignmentRead:
    """One assignment with its lines, expenses and warnings."""
    return _read(session, service.get_assignment(session, assignment_id=assignment_id, actor=user))


@router.patch("/{assignment_id}", responses=problem_responses(401, 403, 404, 409, 422))
def update_assignment(
    assignment_id: int, body: AssignmentUpdate, user: CurrentUser, session: DbSession
) -> AssignmentRead:
    """Change your own draft. Send the ``version`` you read; ``lines`` given replace all lines."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    return _read(session, service.update_assignment(session, assignment=assignment, update=body, actor=user))


@router.post("/{assignment_id}/submit", responses=problem_responses(401, 403, 404, 409))
def submit_assignment(
    assignment_id: int, body: VersionedAction, user: CurrentUser, session: DbSession
) -> AssignmentRead:
    """Hand in your draft for the treasurer's decision."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.submit_assignment(session, assignment=assignment, version=body.version, actor=user)
    return _read(session, assignment)


@router.post("/{assignment_id}/approve", responses=problem_responses(401, 403, 404, 409, 422))
def approve_assignment(
    assignment_id: int,
    body: ApprovalRequest,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    key: IdempotencyKey = None,
) -> AssignmentRead:
    """Approve a submitted assignment (treasurer or admin): the member is employed for its period (SÄVA) and
    the anställningsbevis is made. With warnings, send ``confirm_warnings: true``; they are recorded. Nobody
    approves her own assignment (409 ``own_work``)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)

    def approve() -> AssignmentRead:
        employments_service.approve_assignment(
            session,
            assignment=assignment,
            version=body.version,
            actor=user,
            confirm_warnings=body.confirm_warnings,
            today=today,
        )
        return _read(session, assignment)

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation=f"approve_assignment:{assignment_id}",
        request=body,
        response_model=AssignmentRead,
        produce=approve,
    )


@router.post("/{assignment_id}/reject", responses=problem_responses(401, 403, 404, 409, 422))
def reject_assignment(
    assignment_id: int, body: RejectionRequest, user: CurrentUser, session: DbSession
) -> AssignmentRead:
    """Reject a submitted assignment with a reason (treasurer or admin); never one's own (409 own_work)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.reject_assignment(
        session, assignment=assignment, version=body.version, reason=body.reason, actor=user
    )
    return _read(session, assignment)


@router.post("/{assignment_id}/cancel", responses=problem_responses(401, 403, 404, 409))
def cancel_assignment(
    assignment_id: int, body: VersionedAction, user: CurrentUser, session: DbSession
) -> AssignmentRead:
    """Withdraw a draft or a submitted assignment (its member, or the treasurer)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.cancel_assignment(session, assignment=assignment, version=body.version, actor=user)
    return _read(session, assignment)


@router.post(
    "/{assignment_id}/expenses",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_expense(
    assignment_id: int, body: ExpenseCreate, user: CurrentUser, session: DbSession
) -> ExpenseRead:
    """Add an expense (utlägg) to your draft."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    return ExpenseRead.model_validate(
        service.add_expense(session, assignment=assignment, data=body, actor=user)
    )


@router.delete(
    "/{assignment_id}/expenses/{expense_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409),
)
def remove_expense(assignment_id: int, expense_id: int, user: CurrentUser, session: DbSession) -> Response:
    """Remove an expense and its receipt from your draft."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.remove_expense(session, assignment=assignment, expense_id=expense_id, actor=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{assignment_id}/expenses/{expense_id}/receipt",
    status_code=status.HTTP_201_CREATED,
    responses={
        413: {"description": "the receipt is over 10 MB"},
        **problem_responses(401, 403, 404, 409, 422),
    },
)
def upload_receipt(
    assignment_id: int,
    expense_id: int,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG, at most 10 MB; judged by its content")],
    user: CurrentUser,
    session: DbSession,
) -> ReceiptRead:
    """Upload the receipt of an expense on your draft (replaces an earlier one)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    content = file.file.read(rules.MAX_RECEIPT_BYTES + 1)
    receipt = service.attach_receipt(
        session,
        assignment=assignment,
        expense_id=expense_id,
        filename=file.filename or "receipt",
        content=content,
        actor=user,
    )
    return ReceiptRead.model_validate(receipt)


@router.get(
    "/{assignment_id}/expenses/{expense_id}/receipt",
    response_class=Response,
    responses={200: {"content": RECEIPT_MEDIA}, **problem_responses(401, 404)},
)
def download_receipt(assignment_id: int, expense_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The receipt as uploaded (its member, the treasurer and the admin)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    receipt = service.get_receipt(assignment, expense_id=expense_id)
    return file_response(receipt.content, media_type=receipt.media_type, filename=receipt.filename)


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


def _read(session: Session, assignment: Assignment) -> AssignmentRead:
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

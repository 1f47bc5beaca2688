"""The assignments' own web edge: the list, and the expenses and receipts of a draft.

The endpoints that answer with the whole assignment (its SÄVA warnings from employments, what is left to
invoice from invoices) and approval, which employs the member, are the commission workflow's:
``workflows.commission_router``, above the three domains it joins.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.assignments import rules, service
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.schemas import (
    AssignmentListItem,
    AssignmentSort,
    ExpenseCreate,
    ExpenseRead,
    ReceiptRead,
)
from kooperativet.auth.dependencies import CurrentUser

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
    sort: AssignmentSort = AssignmentSort.period_desc,
) -> Page[AssignmentListItem]:
    """Assignments, latest period first (``sort``: ``period``, ``-period``, ``created``, ``-created``),
    filtered by status, member or client; a member sees their own."""
    rows, total = service.list_assignments(
        session,
        actor=user,
        limit=window.limit,
        offset=window.offset,
        status=status,
        member_id=member_id,
        client_id=client_id,
        sort=sort,
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
    return window.page(items, total)


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
    content = service.receipt_content(receipt)
    return file_response(content, media_type=receipt.media_type, filename=receipt.filename)

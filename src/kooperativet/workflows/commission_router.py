"""The commission's lifecycle as the API shows it: register, change, submit, approve or reject, cancel.

Each answer is the assignment with the member's SÄVA warnings and what is left to invoice of each fee line
(``commission_read``). Approval employs the member for the period (``employments.service``). The endpoints
that answer from the assignment alone (the list, expenses and receipts) are ``assignments.router``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.idempotency import IdempotencyKey, idempotent
from kooperativet.api.problems import problem_responses
from kooperativet.assignments import service
from kooperativet.assignments.schemas import (
    ApprovalRequest,
    AssignmentCreate,
    AssignmentRead,
    AssignmentUpdate,
    RejectionRequest,
    VersionedAction,
)
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.db import commit_now
from kooperativet.employments import service as employments_service
from kooperativet.workflows.commission_read import read_assignment
from kooperativet.workflows.commission_register import prepare_commission, register_commission

router = APIRouter(prefix="/api/v1/assignments", tags=["assignments"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentRead,
    responses=problem_responses(401, 403, 409, 422),
)
def create_assignment(
    body: AssignmentCreate, user: CurrentUser, session: DbSession, key: IdempotencyKey = None
) -> Response:
    """Register a commission as your draft: client (existing id or new), period, extent, fee lines with their
    VAT treatment, and expenses. Warnings (long period, SÄVA thresholds, low day rate) come back in the body.
    Send an ``Idempotency-Key`` to make a retry safe."""
    # Read and checked before the writing transaction, which then holds SQLite's writer for the rows alone.
    prepared = prepare_commission(session, data=body, actor=user)
    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation="create_assignment",
        request=body,
        produce=lambda: register_commission(session, prepared, data=body, actor=user),
        status_code=status.HTTP_201_CREATED,
    )


@router.get("/{assignment_id}", responses=problem_responses(401, 404))
def get_assignment(assignment_id: int, user: CurrentUser, session: DbSession) -> AssignmentRead:
    """One assignment with its lines, expenses and warnings."""
    return read_assignment(session, service.get_assignment(session, assignment_id=assignment_id, actor=user))


@router.patch("/{assignment_id}", responses=problem_responses(401, 403, 404, 409, 422))
def update_assignment(
    assignment_id: int, body: AssignmentUpdate, user: CurrentUser, session: DbSession
) -> AssignmentRead:
    """Change your own draft. Send the ``version`` you read; ``lines`` given replace all lines."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    updated = service.update_assignment(session, assignment=assignment, update=body, actor=user)
    return read_assignment(session, updated)


@router.post("/{assignment_id}/submit", responses=problem_responses(401, 403, 404, 409))
def submit_assignment(
    assignment_id: int, body: VersionedAction, user: CurrentUser, session: DbSession, now: Now
) -> AssignmentRead:
    """Hand in your draft for the treasurer's decision."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.submit_assignment(session, assignment=assignment, version=body.version, actor=user, now=now)
    return read_assignment(session, assignment)


@router.post(
    "/{assignment_id}/approve",
    response_model=AssignmentRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def approve_assignment(
    assignment_id: int,
    body: ApprovalRequest,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    now: Now,
    key: IdempotencyKey = None,
) -> Response:
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
            now=now,
        )
        commit_now(session)  # the anställningsbevis is rendered after the commit, before the answer
        return read_assignment(session, assignment)

    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation=f"approve_assignment:{assignment_id}",
        request=body,
        status_code=status.HTTP_200_OK,
        produce=approve,
    )


@router.post("/{assignment_id}/reject", responses=problem_responses(401, 403, 404, 409, 422))
def reject_assignment(
    assignment_id: int, body: RejectionRequest, user: CurrentUser, session: DbSession, now: Now
) -> AssignmentRead:
    """Reject a submitted assignment with a reason (treasurer or admin); never one's own (409 own_work)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.reject_assignment(
        session, assignment=assignment, version=body.version, reason=body.reason, actor=user, now=now
    )
    return read_assignment(session, assignment)


@router.post("/{assignment_id}/cancel", responses=problem_responses(401, 403, 404, 409))
def cancel_assignment(
    assignment_id: int, body: VersionedAction, user: CurrentUser, session: DbSession
) -> AssignmentRead:
    """Withdraw a draft or a submitted assignment (its member, or the treasurer)."""
    assignment = service.get_assignment(session, assignment_id=assignment_id, actor=user)
    service.cancel_assignment(session, assignment=assignment, version=body.version, actor=user)
    return read_assignment(session, assignment)

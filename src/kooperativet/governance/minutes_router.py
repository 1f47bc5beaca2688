"""Minutes over HTTP: drawing up the minutes of a closed meeting (board or admin), the adjusters' approval
from their own accounts, and the PDF for anyone signed in.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.db import commit_now
from kooperativet.governance import meetings, members, minutes_approval
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance.dependencies import BoardOrAdmin
from kooperativet.governance.schemas.minutes import MinutesApprovalCreate, MinutesCreate, MinutesRead

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


@router.post(
    "/meetings/{meeting_id}/minutes",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def draw_up_minutes(
    meeting_id: int, body: MinutesCreate, _user: BoardOrAdmin, session: DbSession, clock: Now
) -> MinutesRead:
    """Draw up (or redraw) the minutes PDF of a closed meeting; once locked, a correction is a new version.
    ``sha256`` is the draft PDF's, which the adjusters' approvals name (empty if its rendering failed: the
    first download renders it)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    minutes = minutes_service.draw_up_minutes(
        session, meeting=meeting, correction_reason=body.correction_reason, now=clock
    )
    commit_now(session)  # committed first; the PDF is a worker's job (its SHA-256 is null until rendered)
    return MinutesRead.model_validate(minutes)


@router.post("/minutes/{minutes_id}/approvals", responses=problem_responses(401, 403, 404, 409, 422))
def approve_minutes(
    minutes_id: int,
    user: CurrentUser,
    session: DbSession,
    clock: Now,
    body: MinutesApprovalCreate | None = None,
) -> MinutesRead:
    """An adjuster elected at the meeting approves (justerar) the draft minutes from their own account; when
    both adjusters have approved, the minutes are rendered as adjusted and locked for good. ``draft_sha256``
    names the draft she read: a redrawn draft is refused (409 ``draft_redrawn``) rather than approved
    unread."""
    minutes = minutes_service.get_minutes(session, minutes_id=minutes_id)
    member = members.member_of(session, user=user)
    read_sha256 = body.draft_sha256 if body else None
    minutes_approval.approve_minutes(
        session, minutes=minutes, member=member, now=clock, read_sha256=read_sha256
    )
    commit_now(session)  # committed first; the locked version's PDF is a worker's job
    return MinutesRead.model_validate(minutes)


@router.get(
    "/minutes/{minutes_id}/pdf",
    responses={**problem_responses(401, 404), 200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)
def download_minutes(minutes_id: int, _user: CurrentUser, session: DbSession) -> Response:
    """The minutes PDF; one still pending is rendered and stored first."""
    minutes = minutes_service.get_minutes(session, minutes_id=minutes_id)
    return file_response(
        minutes_service.minutes_pdf(session, minutes=minutes),
        media_type="application/pdf",
        filename=minutes_service.minutes_pdf_filename(minutes),
        disposition="inline",
    )

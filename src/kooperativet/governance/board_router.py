"""The board over HTTP: members' board roles and terms, as elected; anyone signed in reads them, the admin
records them.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from kooperativet.api.dependencies import DbSession
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import IsoDate
from kooperativet.auth.dependencies import AdminUser, CurrentUser
from kooperativet.governance import board
from kooperativet.governance.schemas.board import BoardAssignmentCreate, BoardAssignmentRead

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


@router.get("/board", responses=problem_responses(401, 422))
def list_board_assignments(
    _user: CurrentUser, session: DbSession, on: IsoDate | None = None
) -> list[BoardAssignmentRead]:
    """Board roles and terms; with ``on``, only those holding a seat on that day."""
    return [BoardAssignmentRead.model_validate(a) for a in board.list_board(session, on=on)]


@router.post("/board", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 422))
def appoint_board_member(
    body: BoardAssignmentCreate, _admin: AdminUser, session: DbSession
) -> BoardAssignmentRead:
    """Record a member's board role and term, as elected (admin)."""
    return BoardAssignmentRead.model_validate(board.appoint_board_member(session, data=body))

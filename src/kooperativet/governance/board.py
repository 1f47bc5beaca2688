"""The board: who holds a seat on a day, who votes on board decisions, who runs meetings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.errors import RuleViolation
from kooperativet.governance.members import existing_member
from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.governance.schemas.board import BoardAssignmentCreate

VOTING_BOARD_ROLES = frozenset(BoardRole) - {BoardRole.deputy}


def appoint_board_member(session: Session, *, data: BoardAssignmentCreate) -> BoardAssignment:
    existing_member(session, data.member_id, field="member_id")
    if data.term_to is not None and data.term_to < data.term_from:
        raise RuleViolation("a term cannot end before it begins", code="term_reversed", field="term_to")
    assignment = BoardAssignment(**data.model_dump())
    session.add(assignment)
    session.flush()
    return assignment


def list_board(session: Session, *, on: date | None) -> list[BoardAssignment]:
    rows = session.scalars(select(BoardAssignment).order_by(BoardAssignment.term_from, BoardAssignment.id))
    return [row for row in rows if on is None or row.holds_on(on)]


def voting_board(session: Session, *, on: date) -> frozenset[int]:
    """The ordinary board members (not deputies) on a day: they vote and make the board's quorum."""
    return frozenset(a.member_id for a in list_board(session, on=on) if a.role in VOTING_BOARD_ROLES)

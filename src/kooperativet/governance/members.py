"""Members as the governance services meet them: the caller's member record, a member named in a request."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import User
from kooperativet.errors import RuleViolation
from kooperativet.parties.models import Member


def member_of(session: Session, *, user: User) -> Member:
    """The caller's member record; a login without one cannot vote or submit motions."""
    member = session.scalar(select(Member).where(Member.user_id == user.id))
    if member is None:
        raise RuleViolation("you are not a member: only members vote and submit motions", code="not_a_member")
    return member


def existing_member(session: Session, member_id: int, *, field: str) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise RuleViolation(f"member {member_id} does not exist", code="unknown_member", field=field)
    return member


def current_member(session: Session, member_id: int, *, on: date, field: str) -> Member:
    member = existing_member(session, member_id, field=field)
    if not member.is_current_on(on):
        raise RuleViolation(
            f"member {member_id} is not a current member on {on}", code="not_a_current_member", field=field
        )
    return member

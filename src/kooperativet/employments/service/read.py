"""Reading and listing employments: a member sees only their own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_page
from kooperativet.employments.models import Employment
from kooperativet.errors import NotFound
from kooperativet.parties.ownership import owner_user_id


def get_employment(session: Session, *, employment_id: int, actor: User) -> Employment:
    """An employment; another member's is 404 to a member."""
    employment = session.get(Employment, employment_id)
    if employment is None or not policy.may_see(actor, owner_user_id=employment.member.user_id):
        raise NotFound(f"employment {employment_id} does not exist")
    return employment


def list_employments(
    session: Session, *, actor: User, limit: int, offset: int, member_id: int | None = None
) -> tuple[list[Employment], int]:
    """Employments, latest start first; a member sees only their own."""
    query = policy.only_own(select(Employment), actor, owner_user_id=owner_user_id(Employment.member_id))
    if member_id is not None:
        query = query.where(Employment.member_id == member_id)
    order = [Employment.start.desc()]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=Employment.id.desc())

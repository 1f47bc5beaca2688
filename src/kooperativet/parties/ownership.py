"""Whose a row is: the user linked to the member a row belongs to, for ``auth.policy.only_own``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from kooperativet.parties.models import Member


def owner_user_id(member_id: ColumnElement[int] | Any) -> ColumnElement[Any]:
    """The user id of the member in ``member_id`` (a correlated subquery; NULL for a member without login)."""
    return select(Member.user_id).where(Member.id == member_id).correlate_except(Member).scalar_subquery()


def user_of_member(session: Session, member_id: int) -> int | None:
    """The user id of one member, for ``auth.policy.may_see`` on a row that holds only its ``member_id``."""
    return session.scalar(select(Member.user_id).where(Member.id == member_id))

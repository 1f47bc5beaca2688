"""Who may see what: the one place the access rules of the lists and the reads are written.

Two kinds of reader. The office (the treasurer and the admin) sees everything a domain holds; everyone else
sees only the rows that are theirs, that is, rows whose owner (a member record) is linked to their user. A row
outside the caller's reach is reported as not existing (404), never as forbidden: existence is not disclosed.

Auth knows users, not members, so the caller names the column holding the owner's user id
(``parties.ownership.owner_user_id`` turns a ``member_id`` column into one)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select

from kooperativet.auth.models import Role, User

T = TypeVar("T")

#: The treasurer and the admin: they keep the books, so they see every member's assignments, employments,
#: invoices, payments and payslips.
OFFICE = (Role.treasurer, Role.admin)

#: The board also sees the member register (it admits and excludes members; stadgarna).
REGISTER_READERS = (*OFFICE, Role.board)

#: The board and the admin run meetings and board decisions.
MEETING_RUNNERS = (Role.board, Role.admin)


def sees_everything(user: User) -> bool:
    """The office: every row of every member."""
    return user.has_any_role(*OFFICE)


def sees_every_member(user: User) -> bool:
    return user.has_any_role(*REGISTER_READERS)


def may_see(user: User, *, owner_user_id: int | None) -> bool:
    """One row: the office, or the user it belongs to."""
    return sees_everything(user) or (owner_user_id is not None and owner_user_id == user.id)


def only_own(query: Select[T], user: User, *, owner_user_id: ColumnElement[Any]) -> Select[T]:
    """A list: unchanged for the office, restricted to the caller's own rows for everyone else."""
    if sees_everything(user):
        return query
    return query.where(owner_user_id == user.id)

"""Who may see what: the one place the access rules of the lists and the reads are written.

Two kinds of reader. The office (the treasurer and the admin) sees everything a domain holds; everyone else
sees only the rows that are theirs, that is, rows whose owner (a member record) is linked to their user. A row
outside the caller's reach is reported as not existing (404), never as forbidden: existence is not disclosed.

Reading and acting are kept apart. The auditor (revisor) reads what the office reads, and acts on nothing:
``sees_everything`` and ``may_see`` answer who may *read*; ``acts_for_everyone`` and ``may_act_on`` answer who
may *change or decide* (docs/separation-of-duties.md, "The auditor"). A write never asks the read rules.

Auth knows users, not members, so the caller names the column holding the owner's user id
(``parties.ownership.owner_user_id`` turns a ``member_id`` column into one)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select

from kooperativet.auth.models import Role, User

T = TypeVar("T")

#: The treasurer and the admin: they keep the books, so they see every member's assignments, employments,
#: invoices, payments and payslips, and they are the ones who act on them.
OFFICE = (Role.treasurer, Role.admin)

#: Who reads the office's records: the office and the auditor, who reviews the books and the board's
#: administration (lag (2018:672) om ekonomiska föreningar, 8 kap. 3 §) and changes nothing.
OFFICE_READERS = (*OFFICE, Role.auditor)

#: The board also sees the member register (it admits and excludes members; stadgarna), and so does the
#: auditor, masked like a list (docs/separation-of-duties.md).
REGISTER_READERS = (*OFFICE_READERS, Role.board)

#: The board and the admin run meetings and board decisions.
MEETING_RUNNERS = (Role.board, Role.admin)

#: Roles that cannot share a login with the auditor's: she may not review her own bookkeeping, and a revisor
#: may not be part of the management she reviews: not a board member (lag (2018:672) om ekonomiska
#: föreningar, 8 kap. 19 §, taken as the model), nor one who keeps the books or the funds.
NOT_WITH_AUDITOR = (Role.treasurer, Role.admin, Role.board)


def sees_everything(user: User) -> bool:
    """Reads only: every row of every member (the office and the auditor)."""
    return user.has_any_role(*OFFICE_READERS)


def acts_for_everyone(user: User) -> bool:
    """Acts: changes and decisions on any member's rows (the treasurer and the admin, never the auditor)."""
    return user.has_any_role(*OFFICE)


def reads_only(user: User) -> bool:
    """The auditor without an office role: she sees the office's pages and may do nothing on them."""
    return sees_everything(user) and not acts_for_everyone(user)


def sees_every_member(user: User) -> bool:
    return user.has_any_role(*REGISTER_READERS)


def may_see(user: User, *, owner_user_id: int | None) -> bool:
    """Reading one row: the office, the auditor, or the user it belongs to."""
    return sees_everything(user) or (owner_user_id is not None and owner_user_id == user.id)


def may_act_on(user: User, *, owner_user_id: int | None) -> bool:
    """Changing one row: the office, or the user it belongs to; never the auditor as such."""
    return acts_for_everyone(user) or (owner_user_id is not None and owner_user_id == user.id)


def only_own(query: Select[T], user: User, *, owner_user_id: ColumnElement[Any]) -> Select[T]:
    """A list: unchanged for the office and the auditor, restricted to the caller's own rows for everyone
    else."""
    if sees_everything(user):
        return query
    return query.where(owner_user_id == user.id)

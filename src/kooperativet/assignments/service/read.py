"""Reading and listing assignments; a member sees only their own, the office sees all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.schemas import AssignmentSort
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_page
from kooperativet.errors import NotFound
from kooperativet.parties.ownership import owner_user_id


def clients_worked_for(*, actor: User) -> Select[int] | None:
    """The ids of the clients the actor works for (has an assignment for, in any status); None for the office,
    which sees every client. This is what makes a private-person client visible to a member."""
    if policy.sees_everything(actor):
        return None
    clients = select(Assignment.client_id)
    return policy.only_own(clients, actor, owner_user_id=owner_user_id(Assignment.member_id))


def get_assignment(session: Session, *, assignment_id: int, actor: User) -> Assignment:
    """An assignment; another member's is 404 to a member, not 403: existence is not disclosed."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or not policy.may_see(actor, owner_user_id=assignment.member.user_id):
        raise NotFound(f"assignment {assignment_id} does not exist")
    return assignment


def list_assignments(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    status: AssignmentStatus | None = None,
    member_id: int | None = None,
    client_id: int | None = None,
    sort: AssignmentSort = AssignmentSort.period_desc,
) -> tuple[list[Assignment], int]:
    """Assignments matching the filters, newest period first unless ``sort`` says otherwise; a member sees
    only their own."""
    query = policy.only_own(select(Assignment), actor, owner_user_id=owner_user_id(Assignment.member_id))
    if status is not None:
        query = query.where(Assignment.status == status)
    if member_id is not None:
        query = query.where(Assignment.member_id == member_id)
    if client_id is not None:
        query = query.where(Assignment.client_id == client_id)
    order, tiebreak = _ORDERS[sort]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=tiebreak)


#: Each ``sort`` value: the column, and the id in the same direction so that equal periods keep one order.
_ORDERS: dict[AssignmentSort, tuple[list[ColumnElement[Any]], ColumnElement[Any]]] = {
    AssignmentSort.period: ([Assignment.period_start.asc()], Assignment.id.asc()),
    AssignmentSort.period_desc: ([Assignment.period_start.desc()], Assignment.id.desc()),
    AssignmentSort.created: ([], Assignment.id.asc()),
    AssignmentSort.created_desc: ([], Assignment.id.desc()),
}

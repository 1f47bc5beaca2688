"""Who may change an assignment, and how blank text is kept: shared by the use cases of this package."""

from __future__ import annotations

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.errors import Conflict, PermissionDenied


def require_owner(assignment: Assignment, actor: User) -> None:
    if assignment.member.user_id != actor.id:
        raise PermissionDenied("only the member who registered the assignment may do this")


def require_own_draft(assignment: Assignment, actor: User) -> None:
    require_owner(assignment, actor)
    if assignment.status != AssignmentStatus.draft:
        raise Conflict(
            f"the assignment is {assignment.status}; only a draft can be changed",
            code="not_a_draft",
            current_status=str(assignment.status),
        )


def require_office(actor: User) -> None:
    if not policy.acts_for_everyone(actor):
        raise PermissionDenied("this needs one of the roles: admin, treasurer")


def blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None

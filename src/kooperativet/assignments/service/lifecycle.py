"""Each step of the lifecycle: submit, approve, reject, cancel, and the steps invoicing and payroll take."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from kooperativet.assignments import rules
from kooperativet.assignments.duties import refuse_own_work
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus, AssignmentWarning, Transition
from kooperativet.assignments.service import notices
from kooperativet.assignments.service.guards import require_office, require_owner
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.errors import PermissionDenied, RuleViolation

#: From approval on, an assignment is an employment: its terms no longer change.
DECIDED = frozenset(
    {
        AssignmentStatus.approved,
        AssignmentStatus.invoiced,
        AssignmentStatus.paid,
        AssignmentStatus.salaried,
        AssignmentStatus.closed,
    }
)


def submit_assignment(
    session: Session, *, assignment: Assignment, version: int, actor: User, now: datetime
) -> Assignment:
    """The member hands in their draft for the treasurer's decision, at ``now`` (the caller's clock)."""
    require_owner(assignment, actor)
    _move(assignment, Transition.submit, version=version)
    assignment.submitted_at = now
    session.flush()
    notices.tell_treasurers_submitted(session, assignment=assignment)
    return assignment


def approve_assignment(
    session: Session,
    *,
    assignment: Assignment,
    version: int,
    actor: User,
    warnings: Sequence[AssignmentWarning],
    confirm_warnings: bool,
    now: datetime,
) -> Assignment:
    """The treasurer approves; ``warnings`` (all of them, SÄVA included) must be confirmed when there are any.

    Who decided, when, the warnings shown and the confirmation are recorded on the assignment. The employment
    is created by ``employments.service.approve_assignment``, which calls this. Nobody approves her own
    commission (``assignments.duties``).
    """
    require_office(actor)
    refuse_own_work(actor_id=actor.id, worker=assignment.member, act=f"approve assignment {assignment.id}")
    if warnings and not confirm_warnings:
        check_version(assignment, version, what=f"assignment {assignment.id}")
        rules.next_status(assignment.status, Transition.approve)
        raise RuleViolation(
            "the assignment has warnings; approve again with confirm_warnings=true once you have read them",
            code="warnings_not_confirmed",
            field="confirm_warnings",
            warnings=[{"code": w.code, "message": w.message} for w in warnings],
        )
    _move(assignment, Transition.approve, version=version)
    assignment.decided_at = now
    assignment.decided_by_id = actor.id
    assignment.approval_warnings = [{"code": w.code, "message": w.message} for w in warnings]
    assignment.warnings_confirmed = bool(warnings)
    session.flush()
    return assignment


def reject_assignment(
    session: Session, *, assignment: Assignment, version: int, reason: str, actor: User, now: datetime
) -> Assignment:
    """The treasurer rejects with a reason; nobody rejects her own commission (``assignments.duties``)."""
    require_office(actor)
    refuse_own_work(actor_id=actor.id, worker=assignment.member, act=f"reject assignment {assignment.id}")
    if not reason.strip():
        raise RuleViolation(
            "say why the assignment is rejected", code="rejection_reason_required", field="reason"
        )
    _move(assignment, Transition.reject, version=version)
    assignment.rejection_reason = reason.strip()
    assignment.decided_at = now
    assignment.decided_by_id = actor.id
    session.flush()
    notices.tell_member_rejected(session, assignment=assignment)
    return assignment


def cancel_assignment(session: Session, *, assignment: Assignment, version: int, actor: User) -> Assignment:
    """The member (or the office) withdraws a draft or a submitted assignment."""
    if not policy.may_act_on(actor, owner_user_id=assignment.member.user_id):
        raise PermissionDenied("only the member or the treasurer may cancel an assignment")
    _move(assignment, Transition.cancel, version=version)
    session.flush()
    return assignment


def mark_invoiced(session: Session, *, assignment: Assignment) -> Assignment:
    """Invoicing has issued the assignment's invoice (approved → invoiced)."""
    return _advance(session, assignment, Transition.invoice)


def mark_paid(session: Session, *, assignment: Assignment) -> Assignment:
    """The client has paid the invoice (invoiced → paid)."""
    return _advance(session, assignment, Transition.pay)


def mark_salaried(session: Session, *, assignment: Assignment) -> Assignment:
    """Payroll has paid the salary for it: paid → salaried, or invoiced → salaried on pay_on=invoice."""
    return _advance(session, assignment, Transition.salary)


def close(session: Session, *, assignment: Assignment) -> Assignment:
    """Nothing is left to do (salaried → closed)."""
    return _advance(session, assignment, Transition.close)


def _advance(session: Session, assignment: Assignment, transition: Transition) -> Assignment:
    assignment.status = rules.next_status(assignment.status, transition)
    assignment.version += 1
    session.flush()
    return assignment


def _move(assignment: Assignment, transition: Transition, *, version: int) -> None:
    check_version(assignment, version, what=f"assignment {assignment.id}")
    assignment.status = rules.next_status(assignment.status, transition)
    assignment.version += 1

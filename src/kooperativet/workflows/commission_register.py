"""Registering a commission: worked out before its writing transaction begins (SQLite's one writer).

Registering a commission reads the member, the client, the minimum day rate and the member's employments, and
checks and builds the assignment: about half of what it did while it held SQLite's one writer, for which
every other commission of the process waited. All of it is read in a read transaction of its own
(``db.read_first``), so that the writing transaction only claims the idempotency key, inserts the rows and
stores the answer. What is read is as fresh as the moment the request arrived: a change committed in between
(an employment approved in that millisecond) shows in the warnings of the next read of the assignment, which
are worked out live while it is undecided.

A new client given inline is written, so such a commission is worked out in the writing transaction as
before; so is one that is refused here, so that a replay of an accepted request with the same
``Idempotency-Key`` is still answered as the first time, whatever has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kooperativet.assignments import service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentWarning
from kooperativet.assignments.schemas import AssignmentCreate, AssignmentRead
from kooperativet.auth.models import User
from kooperativet.db import read_first
from kooperativet.employments import service as employments_service
from kooperativet.errors import DomainError
from kooperativet.workflows.commission_read import read_assignment


@dataclass(frozen=True, slots=True)
class PreparedCommission:
    """A commission checked and built, not yet added to the session, and the warnings it will show."""

    assignment: Assignment
    warnings: list[AssignmentWarning]


def prepare_commission(session: Session, *, data: AssignmentCreate, actor: User) -> PreparedCommission | None:
    """``data`` worked out in a read of its own; ``None`` when it must be worked out in the writing
    transaction instead (a new client inline, or a refusal, which the writing transaction gives)."""
    if data.client is not None:
        return None
    try:
        with read_first(session):
            assignment = service.new_assignment(session, data=data, actor=actor)
            warnings = employments_service.current_warnings(session, assignment=assignment)
    except DomainError:
        return None
    return PreparedCommission(assignment, warnings)


def register_commission(
    session: Session, prepared: PreparedCommission | None, *, data: AssignmentCreate, actor: User
) -> AssignmentRead:
    """Write the commission, as prepared or worked out now, and answer with its read model."""
    if prepared is None:
        return read_assignment(session, service.create_assignment(session, data=data, actor=actor))
    assignment = service.add_assignment(session, prepared.assignment)
    return read_assignment(session, assignment, warnings=prepared.warnings)

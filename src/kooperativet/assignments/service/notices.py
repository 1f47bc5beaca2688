"""What the member and the treasurers are told as a commission moves: submitted (the treasurers, to decide
it) and rejected (the member, with the reason). Approval is told by ``employments``, with the certificate."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.notifications import (
    COMMISSION_REJECTED,
    COMMISSION_SUBMITTED,
    Notice,
    member_recipient,
    notify,
    notify_many,
    treasurer_recipients,
)


def _facts(assignment: Assignment) -> dict[str, object]:
    return {
        "assignment_id": assignment.id,  # the page the message links to
        "title": assignment.title,
        "client": assignment.client.name,
        "start": assignment.period_start,
        "end": assignment.period_end,
    }


def tell_treasurers_submitted(session: Session, *, assignment: Assignment) -> None:
    # A treasurer who submits her own commission is told too: another treasurer must decide it
    # (assignments.duties), and she sees what they see.
    facts = {**_facts(assignment), "member_name": assignment.member.full_name}
    treasurers = treasurer_recipients(session)
    notify_many(session, COMMISSION_SUBMITTED, [Notice(treasurer, facts) for treasurer in treasurers])


def tell_member_rejected(session: Session, *, assignment: Assignment) -> None:
    notify(
        session,
        COMMISSION_REJECTED,
        member_recipient(session, assignment.member),
        {**_facts(assignment), "reason": assignment.rejection_reason or ""},
    )

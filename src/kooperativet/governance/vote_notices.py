"""Telling every member who may vote that a vote (or an election) has opened.

Who may take part follows the rule a ballot is checked by (``votes._check_voter``): a current member on the
vote's day, not disqualified (jäv); on a board decision only the voting board; at a meeting only those
registered as present, since only they cast votes. A member represented by proxy is not told: her proxy
votes for her and is told as one present. All of them are told in a constant number of statements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.governance.board import voting_board
from kooperativet.governance.meetings import present_members
from kooperativet.governance.models import Meeting, Vote, VoteMethod
from kooperativet.notifications import VOTE_OPENED, Notice, member_recipients, notify_many
from kooperativet.parties.models import Member

BOARD_METHODS = frozenset({VoteMethod.board, VoteMethod.per_capsulam})


def eligible_voters(session: Session, *, vote: Vote) -> list[int]:
    """The members who may cast a vote in ``vote`` themselves, by id."""
    meeting = session.get(Meeting, vote.meeting_id) if vote.meeting_id is not None else None
    day = meeting.held_on if meeting is not None else vote.opened_at.date()
    candidates: set[int] | frozenset[int] = (
        voting_board(session, on=day) if vote.method in BOARD_METHODS else frozenset()
    )
    if meeting is not None:
        present = present_members(meeting)
        candidates = candidates & present if vote.method in BOARD_METHODS else present
    candidates = set(candidates) - {int(i) for i in vote.excluded_member_ids}
    return _current(session, candidates, day)


def _current(session: Session, member_ids: set[int], day: date) -> list[int]:
    if not member_ids:
        return []
    return list(
        session.scalars(
            select(Member.id).where(Member.id.in_(member_ids), Member.current_on(day)).order_by(Member.id)
        )
    )


def tell_voters(session: Session, *, vote: Vote) -> None:
    recipients = member_recipients(session, eligible_voters(session, vote=vote))
    facts = {
        "vote_id": vote.id,  # the page the message links to
        "question": vote.question,
        "election": vote.method == VoteMethod.election,
        "board": vote.method in BOARD_METHODS,
        # When the vote closes, written out in running text as the e-mail's other dates are, in Swedish time
        # (``notifications.in_language``): "20 november 2026 kl. 19.00", never an ISO date in a sentence.
        "ends_at": vote.ends_at,
    }
    notify_many(session, VOTE_OPENED, [Notice(r, facts) for r in recipients.values()])

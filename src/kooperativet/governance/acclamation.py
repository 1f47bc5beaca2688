"""Decisions without a vote (acclamation): the chair puts the question, nobody asks for a vote (votering), and
the chair declares what the meeting decided. Most items of an annual meeting are decided so.

The decision stands under its item, in the item's own words as they follow "Stämman beslutade att …" (or
"Styrelsen beslutade att …"), with no count: the minutes print it under the item's §. An item is decided once:
by a vote, or so. A statute change is never decided so: its qualified majority must be counted
(``votes._check_statute_change``). Rules and sources: docs/governance.md, "Decisions without a vote".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import fetch_locked
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.governance import conduct
from kooperativet.governance.meetings import quorum
from kooperativet.governance.models import AgendaItem, Meeting, MeetingStatus, Vote, VoteStatus
from kooperativet.governance.schemas.acclamation import DECISION_MAX_LENGTH


def vote_states(session: Session, *, meeting: Meeting) -> dict[int, VoteStatus]:
    """Each item of ``meeting`` that has votes: ``open`` while any of them is open, else ``closed`` (the item
    is decided by its vote)."""
    states: dict[int, VoteStatus] = {}
    rows = session.execute(
        select(Vote.agenda_item_id, Vote.status).where(
            Vote.meeting_id == meeting.id, Vote.agenda_item_id.is_not(None)
        )
    )
    for item_id, status in rows:
        if item_id is not None and states.get(item_id) != VoteStatus.open:
            states[item_id] = VoteStatus(status)
    return states


def locked_item(session: Session, item: AgendaItem) -> AgendaItem:
    """``item`` read afresh and locked until the transaction ends: a decision without a vote and a vote put
    on the same item take turns on it, so the one that comes second sees the first (and is refused)."""
    locked = fetch_locked(session, select(AgendaItem).where(AgendaItem.id == item.id))
    if locked is None:
        raise NotFound(f"agenda item {item.id} does not exist")
    return locked


def refuse_if_decided_without_vote(session: Session, *, item: AgendaItem) -> None:
    """A question is not put to the vote under an item the meeting has already decided without one."""
    if locked_item(session, item).decided_at is not None:
        raise Conflict(f"agenda item {item.id} is already decided", code="item_decided")


def decide(
    session: Session, *, meeting: Meeting, item: AgendaItem, decision: str, now: datetime
) -> AgendaItem:
    """The open meeting decides ``item`` without a vote: the item is taken up (its § number, as
    ``conduct.take_up`` gives it) if it was not, and the decision is recorded under it with the moment."""
    if meeting.status != MeetingStatus.open:
        raise Conflict(
            f"meeting {meeting.id} is {meeting.status}; items are decided while it is open",
            code=f"meeting_{meeting.status}",
        )
    item = locked_item(session, item)
    if item.statute_change:
        raise RuleViolation(
            f"agenda item {item.id} changes the statutes; a statute change is decided by a counted vote with "
            "its qualified majority",
            code="statute_change_needs_a_vote",
        )
    if item.decided_at is not None:
        raise Conflict(f"agenda item {item.id} is already decided", code="item_decided")
    state = vote_states(session, meeting=meeting).get(item.id)
    if state == VoteStatus.open:
        raise Conflict(
            f"a vote on agenda item {item.id} is open; the meeting decides the item by that vote",
            code="item_vote_open",
        )
    if state == VoteStatus.closed:
        raise Conflict(f"agenda item {item.id} is already decided by a vote", code="item_decided")
    text = decision.strip()
    if not text:
        raise RuleViolation("write what the meeting decided", code="decision_required", field="decision")
    if len(text) > DECISION_MAX_LENGTH:
        raise RuleViolation(
            f"a decision is at most {DECISION_MAX_LENGTH} characters",
            code="decision_too_long",
            field="decision",
        )
    # A decision is the meeting's: one with nobody registered present or represented takes none, even where
    # the rulebook sets no quorum (as the meeting page and the minutes never call it quorate).
    counted = quorum(session, meeting=meeting)
    if not counted.quorate or counted.present + counted.represented == 0:
        raise Conflict("the meeting is not quorate", code="not_quorate")
    conduct.take_up(session, meeting=meeting, item=item, now=now)
    item.decision = text
    item.decided_at = now
    session.flush()
    append_event(
        session,
        kind="agenda_item_decided",
        payload={
            "meeting_id": meeting.id,
            "item_id": item.id,
            "held_as": item.held_as,
            "decision": text,
            "without_vote": True,
        },
        now=now,
    )
    return item

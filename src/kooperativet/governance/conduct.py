"""The order the meeting deals with its business: each agenda item gets its number (§) when it is taken up.

The agenda is the plan (``AgendaItem.position``); the minutes record what happened, so their § numbers follow
the order the items were taken up (``AgendaItem.held_as``), which may differ from the agenda when the meeting
changes the order. A decision always stands under its own item: a vote put to the meeting outside the agenda
becomes an item of its own, titled by its question. An item added to an agenda that ends with its closing
(``AgendaItem.is_closing``, the standard agenda's "Stämmans avslutande") goes before the closing
(``next_position``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.errors import Conflict
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, MeetingStatus


def _is_the_closing(item: AgendaItem) -> bool:
    """The agenda's closing ("Stämmans avslutande", whatever it is called: ``is_closing``), not yet dealt
    with."""
    return item.is_closing and item.held_as is None and item.decided_at is None


def closing_item(meeting: Meeting) -> AgendaItem | None:
    """The agenda's last item when it is its closing not yet dealt with: closing the meeting takes it up."""
    last = max(meeting.items, key=lambda item: item.position, default=None)
    return last if last is not None and _is_the_closing(last) else None


def next_position(session: Session, *, meeting: Meeting) -> int:
    """Where a new item goes on the agenda: after the last one, or, when the agenda ends with its closing not
    yet dealt with, just before it, the closing moved one place down. A board proposal or a member's motion
    added after the standard agenda is then dealt with before the meeting closes, and the notice lists it
    so; once the meeting has taken the closing up, whatever comes is added after it."""
    last = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position.desc())
        .limit(1)
    ).first()
    if last is None:
        return 1
    if not _is_the_closing(last):
        return last.position + 1
    position = last.position
    last.position = position + 1
    session.flush()  # the closing moves first, so no two items of the meeting share a position
    return position


def take_up(session: Session, *, meeting: Meeting, item: AgendaItem, now: datetime) -> AgendaItem:
    """The meeting takes up ``item`` now: it gets the next § number. Taking it up again changes nothing."""
    if meeting.status != MeetingStatus.open:
        raise Conflict(
            f"meeting {meeting.id} is {meeting.status}; items are taken up while it is open",
            code=f"meeting_{meeting.status}",
        )
    if item.held_as is not None:
        return item
    last = session.scalar(select(func.max(AgendaItem.held_as)).where(AgendaItem.meeting_id == meeting.id))
    item.held_as = (last or 0) + 1
    session.flush()
    append_event(
        session,
        kind="agenda_item_taken_up",
        payload={
            "meeting_id": meeting.id,
            "item_id": item.id,
            "position": item.position,
            "held_as": item.held_as,
        },
        now=now,
    )
    return item


def item_for_vote(
    session: Session,
    *,
    meeting: Meeting,
    item: AgendaItem | None,
    question: str,
    election: bool,
    now: datetime,
) -> AgendaItem:
    """The item a vote decides: the one given (taken up now if it was not yet), or a new item of its own,
    which is what the vote is: an election, or a matter to decide (never formalia, which it is not)."""
    if item is None:
        item = AgendaItem(
            meeting_id=meeting.id,
            position=next_position(session, meeting=meeting),
            kind=AgendaItemKind.election if election else AgendaItemKind.decision,
            title=" ".join(question.split())[:200],
        )
        session.add(item)
        session.flush()
        session.refresh(meeting, ["items"])
    return take_up(session, meeting=meeting, item=item, now=now)

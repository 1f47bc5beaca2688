"""The order the meeting deals with its business: each agenda item gets its number (§) when it is taken up.

The agenda is the plan (``AgendaItem.position``); the minutes record what happened, so their § numbers follow
the order the items were taken up (``AgendaItem.held_as``), which may differ from the agenda when the meeting
changes the order. A decision always stands under its own item: a vote put to the meeting outside the agenda
becomes an item of its own, titled by its question.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.errors import Conflict
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, MeetingStatus


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
    session: Session, *, meeting: Meeting, item: AgendaItem | None, question: str, now: datetime
) -> AgendaItem:
    """The item a vote decides: the one given (taken up now if it was not yet), or a new item of its own."""
    if item is None:
        last = session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        )
        item = AgendaItem(
            meeting_id=meeting.id,
            position=(last or 0) + 1,
            kind=AgendaItemKind.procedural,
            title=" ".join(question.split())[:200],
        )
        session.add(item)
        session.flush()
        session.refresh(meeting, ["items"])
    return take_up(session, meeting=meeting, item=item, now=now)

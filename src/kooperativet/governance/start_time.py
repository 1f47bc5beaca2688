"""Changing the time of day a planned meeting starts, and telling the members when a notice has gone out.

The notice (kallelse) named a time; members who are not told of a new one come at the old. So a change of
the time of a noticed meeting queues an e-mail to those the notice goes to, in the same transaction as the
change (the mail worker sends it after the commit, never for a change that was rolled back), and records on
the meeting when the time changed, from what, whether the e-mail was queued, and, as numbers of their own, how
many it was queued for and how many it could not reach for having no e-mail address anywhere (the board tells
them another way). Every change, noticed or not, is in the audit chain (``meeting_time_changed``). The same
time again is no change: nothing is written and nobody is told.

The day stays the one the notice named, so the notice period, which is counted to that day, is not started
again (docs/governance.md, "A changed start time").
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.config import Settings
from kooperativet.governance import mail
from kooperativet.governance.meetings import notice_reach, require_status
from kooperativet.governance.models import Meeting, MeetingStatus
from kooperativet.governance.rules.terms import swedish_day


def change_start_time(
    session: Session,
    *,
    meeting: Meeting,
    starts_at: time | None,
    by_user_id: int,
    now: datetime,
    settings: Settings,
) -> bool:
    """Set the time of day a planned meeting starts (Swedish time; ``None`` leaves the day only). Whether
    it changed: the time it already had changes nothing, records nothing and tells nobody."""
    require_status(meeting, MeetingStatus.planned)
    before = meeting.starts_at
    if starts_at == before:
        return False
    meeting.starts_at = starts_at
    meeting.version += 1
    told: int | None = None
    if meeting.noticed_on is not None:
        # Those the notice goes to today: whoever got it, and a member who has joined since.
        reach = notice_reach(session, meeting=meeting, today=swedish_day(now))
        status, detail = mail.queue_time_change(
            session, meeting=meeting, members=reach.recipients, before=before, settings=settings
        )
        meeting.time_changed_at = now
        meeting.time_changed_from = before
        meeting.time_change_mail_status = status
        meeting.time_change_mail_detail = detail
        # Counted here, as numbers: the board's page and the API read them, never out of the detail's words.
        # With no mail server nothing was queued and nobody is counted: the board tells everyone.
        made = status != mail.NOT_CONFIGURED
        meeting.time_change_mail_queued = len(reach.recipients) if made else None
        meeting.time_change_without_address = len(reach.unreached) if made else None
        told = len(reach.recipients) if made else 0
    session.flush()
    append_event(
        session,
        kind="meeting_time_changed",
        payload={
            "meeting_id": meeting.id,
            "held_on": meeting.held_on.isoformat(),
            "old": _hh_mm(before),
            "new": _hh_mm(starts_at),
            "by_user_id": by_user_id,
            "noticed_on": meeting.noticed_on.isoformat() if meeting.noticed_on else None,
            "members_told": told,
        },
        now=now,
    )
    return True


def _hh_mm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None

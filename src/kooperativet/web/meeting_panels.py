"""The start page's meeting panels: for a member, the votes she has not cast, the minutes she is to adjust
and the coming meetings; for the board, the meetings to prepare and the minutes awaiting the adjusters."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.governance.models import MeetingStatus
from kooperativet.web.meeting_words import WORDS
from kooperativet.web.panel import Panel
from kooperativet.web.reads import meetings as read

COMING = (MeetingStatus.planned, MeetingStatus.open)


def member_panel(*, session: Session, user: User, today: date) -> Panel | None:
    member_id = read.member_id_of(session, user_id=user.id)
    if member_id is None:
        return None
    votes = read.votes_awaiting(session, member_id=member_id, today=today)
    minutes = read.minutes_awaiting(session, adjuster_id=member_id)
    rows = read.meeting_rows(session, statuses=COMING)
    # A meeting opened is under way, whatever its day: listed apart from those to come, where the member
    # looking for the meeting she is sitting in would not look.
    under_way = [m for m in rows if m.status == MeetingStatus.open]
    coming = [m for m in rows if m.status != MeetingStatus.open and m.held_on >= today]
    if not (votes or minutes or under_way or coming):
        return None
    values = {"votes": votes, "minutes": minutes, "under_way": under_way, "coming": coming, "words": WORDS}
    return Panel("panels/meetings_member.html", values)


def board_panel(*, session: Session, user: User, today: date) -> Panel | None:
    if not user.has_any_role(*policy.MEETING_RUNNERS):
        return None
    preparing = read.meeting_rows(session, statuses=COMING)
    minutes = read.minutes_awaiting(session)
    values = {"preparing": preparing, "minutes": minutes, "words": WORDS}
    return Panel("panels/meetings_board.html", values)

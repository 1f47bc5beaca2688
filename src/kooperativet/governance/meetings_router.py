"""Meetings over HTTP: planning, the agenda and motions, notice, opening, taking up items and deciding them
without a vote, officials, attendance, proxies and closing. Board members and the admin run meetings; a
current member submits motions; anyone signed in reads them.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from kooperativet.api.dependencies import AppSettings, DbSession, Now, Today, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.governance import (
    acclamation,
    conduct,
    mail,
    meetings,
    members,
    reads,
    standard_agenda,
    start_time,
)
from kooperativet.governance.dependencies import BoardOrAdmin
from kooperativet.governance.schemas.acclamation import DecisionCreate
from kooperativet.governance.schemas.meetings import (
    AgendaItemCreate,
    AgendaItemRead,
    AttendanceCreate,
    MeetingClose,
    MeetingCreate,
    MeetingOpen,
    MeetingRead,
    MeetingTimeUpdate,
    MotionAnswer,
    MotionCreate,
    NoticeCreate,
    NoticeRead,
    OfficialsUpdate,
    ProxyCreate,
    ProxyRead,
)

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])


@router.get("/meetings", responses=problem_responses(401, 422))
def list_meetings(_user: CurrentUser, session: DbSession, window: Window) -> Page[MeetingRead]:
    """Meetings, latest first."""
    rows, total = meetings.list_meetings(session, limit=window.limit, offset=window.offset)
    return window.page([reads.meeting_read(session, m) for m in rows], total)


@router.post("/meetings", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 422))
def create_meeting(body: MeetingCreate, _user: BoardOrAdmin, session: DbSession, today: Today) -> MeetingRead:
    """Plan a board meeting, an annual meeting or an extra general meeting (board or admin), today or on a
    later day (a day that has passed: 422 ``meeting_in_the_past``, field ``held_on``)."""
    meeting = meetings.plan_meeting(
        session,
        kind=body.kind,
        title=body.title,
        held_on=body.held_on,
        starts_at=body.starts_at,
        location=body.location,
        today=today,
    )
    return reads.meeting_read(session, meeting)


@router.put("/meetings/{meeting_id}/starts-at", responses=problem_responses(401, 403, 404, 409, 422))
def set_start_time(
    meeting_id: int,
    body: MeetingTimeUpdate,
    user: BoardOrAdmin,
    session: DbSession,
    settings: AppSettings,
    clock: Now,
) -> MeetingRead:
    """The time of day a planned meeting starts, Swedish time (board or admin); null leaves the day only.

    Once the notice has gone out, a new time is told by e-mail to those the notice goes to, queued with the
    change and sent by the mail worker after the commit: ``time_changed_at``, ``time_changed_from`` and
    ``time_change_mail_status`` (``queued``, ``no_recipients``, or ``not_configured`` with no mail server set
    up, when nothing is queued) in the answer say so. The time the meeting
    already has changes nothing and tells nobody. Every change is in the audit chain
    (``meeting_time_changed``)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    start_time.change_start_time(
        session, meeting=meeting, starts_at=body.starts_at, by_user_id=user.id, now=clock, settings=settings
    )
    return reads.meeting_read(session, meeting)


@router.get("/meetings/{meeting_id}", responses=problem_responses(401, 404))
def get_meeting(meeting_id: int, _user: CurrentUser, session: DbSession) -> MeetingRead:
    """A meeting with its agenda, attendance, proxies, quorum, votes and minutes."""
    return reads.meeting_read(session, meetings.get_meeting(session, meeting_id=meeting_id))


@router.post(
    "/meetings/{meeting_id}/items",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_agenda_item(
    meeting_id: int, body: AgendaItemCreate, _user: BoardOrAdmin, session: DbSession
) -> AgendaItemRead:
    """Add an agenda item or a board proposal (board or admin)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return AgendaItemRead.model_validate(meetings.add_agenda_item(session, meeting=meeting, data=body))


@router.post(
    "/meetings/{meeting_id}/agenda/standard",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def add_standard_agenda(meeting_id: int, _user: BoardOrAdmin, session: DbSession) -> list[AgendaItemRead]:
    """Add the usual agenda of an annual meeting in one go (board or admin): a planned annual meeting with no
    items yet; otherwise 409 (``agenda_not_empty``, ``standard_agenda_not_planned``), nothing added."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    items = standard_agenda.add_standard_agenda(session, meeting=meeting)
    return [AgendaItemRead.model_validate(item) for item in items]


@router.post(
    "/meetings/{meeting_id}/motions",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 404, 409, 422),
)
def submit_motion(
    meeting_id: int, body: MotionCreate, user: CurrentUser, session: DbSession, today: Today
) -> AgendaItemRead:
    """A current member submits a motion to a general meeting; the board answers it."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    member = members.member_of(session, user=user)
    item = meetings.submit_motion(session, meeting=meeting, member=member, data=body, today=today)
    return AgendaItemRead.model_validate(item)


@router.put(
    "/meetings/{meeting_id}/items/{item_id}/board-answer",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def answer_motion(
    meeting_id: int, item_id: int, body: MotionAnswer, _user: BoardOrAdmin, session: DbSession
) -> AgendaItemRead:
    """The board's answer to a motion (board or admin)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    return AgendaItemRead.model_validate(
        meetings.answer_motion(session, meeting=meeting, item=item, answer=body.board_answer)
    )


@router.post("/meetings/{meeting_id}/notice", responses=problem_responses(401, 403, 404, 409, 422))
def give_notice(
    meeting_id: int,
    body: NoticeCreate,
    _user: BoardOrAdmin,
    session: DbSession,
    settings: AppSettings,
    today: Today,
) -> NoticeRead:
    """Send the notice (kallelse) today: checked against the rulebook and queued as e-mail to each member.

    The notice and its messages commit together; a mail worker sends them afterwards, so the answer says
    ``queued`` (or ``no_recipients``), never whether a server took them: that is ``GET /api/v1/mail``. It
    also says how many entitled members have no e-mail address anywhere (``without_address``): the board calls
    them another way. With no mail server set up nothing is queued (``not_configured``): the board calls the
    members another way.

    A notice earlier than the rulebook allows is refused (422 ``notice_too_early``, with ``earliest``, the
    first day it may go out): nothing is recorded or queued. One later than it allows is recorded, and
    opening the meeting then needs a reason.
    """
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    check, status, detail, reach = mail.send_notice(
        session, meeting=meeting, text=body.text, settings=settings, today=today
    )
    return NoticeRead.from_check(
        check, noticed_on=today, mail_status=status, mail_detail=detail, without_address=len(reach.unreached)
    )


@router.post("/meetings/{meeting_id}/open", responses=problem_responses(401, 403, 404, 409, 422))
def open_meeting(
    meeting_id: int, body: MeetingOpen, _user: BoardOrAdmin, session: DbSession, clock: Now
) -> MeetingRead:
    """Open the meeting. Opening it before the day it was called for needs ``early_opening_reason``, and
    notice given too late or too early needs ``override_reason``; both are recorded and printed in the
    minutes.
    """
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    meetings.open_meeting(
        session,
        meeting=meeting,
        override_reason=body.override_reason,
        early_opening_reason=body.early_opening_reason,
        now=clock,
    )
    return reads.meeting_read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/take-up", responses=problem_responses(401, 403, 404, 409)
)
def take_up_item(
    meeting_id: int, item_id: int, _user: BoardOrAdmin, session: DbSession, clock: Now
) -> AgendaItemRead:
    """The open meeting takes up an agenda item now: it gets the next § number in the minutes (board or
    admin). Putting a question to the vote takes up its item too; taking an item up twice changes nothing."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    return AgendaItemRead.model_validate(conduct.take_up(session, meeting=meeting, item=item, now=clock))


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/decision", responses=problem_responses(401, 403, 404, 409, 422)
)
def decide_item(
    meeting_id: int, item_id: int, body: DecisionCreate, _user: BoardOrAdmin, session: DbSession, clock: Now
) -> AgendaItemRead:
    """The open meeting's decision on an item without a vote (acclamation), in the words that follow
    "Stämman beslutade att" (board or admin). Takes the item up if it was not. Refused once the item is
    decided (409 ``item_decided``), while a vote on it is open (409 ``item_vote_open``), and for a statute
    change, whose qualified majority must be counted (422 ``statute_change_needs_a_vote``)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    item = meetings.get_item(session, meeting=meeting, item_id=item_id)
    decided = acclamation.decide(session, meeting=meeting, item=item, decision=body.decision, now=clock)
    return AgendaItemRead.model_validate(decided)


@router.put("/meetings/{meeting_id}/officials", responses=problem_responses(401, 403, 404, 409, 422))
def set_meeting_officials(
    meeting_id: int, body: OfficialsUpdate, _user: BoardOrAdmin, session: DbSession
) -> MeetingRead:
    """Chair, secretary and two adjusters (board or admin)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return reads.meeting_read(session, meetings.set_officials(session, meeting=meeting, data=body))


@router.post(
    "/meetings/{meeting_id}/attendance",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def register_attendance(
    meeting_id: int, body: AttendanceCreate, _user: BoardOrAdmin, session: DbSession
) -> MeetingRead:
    """Register a member as present (board or admin)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    meetings.register_attendance(session, meeting=meeting, member_id=body.member_id)
    return reads.meeting_read(session, meeting)


@router.post(
    "/meetings/{meeting_id}/proxies",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def register_proxy(meeting_id: int, body: ProxyCreate, _user: BoardOrAdmin, session: DbSession) -> ProxyRead:
    """Register an ombud with a dated fullmakt, within the rulebook's limit (board or admin)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return ProxyRead.model_validate(meetings.register_proxy(session, meeting=meeting, data=body))


@router.post("/meetings/{meeting_id}/close", responses=problem_responses(401, 403, 404, 409, 422))
def close_meeting(
    meeting_id: int, _user: BoardOrAdmin, session: DbSession, clock: Now, body: MeetingClose | None = None
) -> MeetingRead:
    """Close the meeting for good once every vote is closed (board or admin; 409 ``votes_open``). With agenda
    items not taken up, send their ids in ``items_not_dealt_with``, as the refusal listed them: without it the
    close is refused (422 ``items_not_dealt_with``, the items in ``items``), and when the items left are no
    longer those (one added or dealt with meanwhile) with 409 ``items_not_dealt_with_changed``; nothing
    changes. The earlier ``confirm_items_not_dealt_with: true``, which names no items, still closes whatever
    is left (when ``items_not_dealt_with`` is sent too, the ids decide)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    body = body or MeetingClose()
    closed = meetings.close_meeting(
        session,
        meeting=meeting,
        now=clock,
        items_left=body.items_not_dealt_with,
        leave_any=body.confirm_items_not_dealt_with,
    )
    return reads.meeting_read(session, closed)

"""Meetings: agenda and motions, notice, opening, officials, attendance and proxies, quorum, closing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, lazyload

from kooperativet.audit.service import append_event
from kooperativet.db import fetch_page
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.governance import conduct, statute_readings
from kooperativet.governance.board import list_board, voting_board
from kooperativet.governance.members import current_member
from kooperativet.governance.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Meeting,
    MeetingProxy,
    MeetingStatus,
    Minutes,
    Vote,
    VoteStatus,
)
from kooperativet.governance.rulebooks import rulebook_in_force, rulebook_of
from kooperativet.governance.rules import procedure
from kooperativet.governance.rules.procedure import NoticeCheck, Proxy, check_proxies, quorum_met
from kooperativet.governance.rules.terms import MeetingKind, NoticeProblem, ProxyProblem, swedish_day
from kooperativet.governance.schemas.meetings import (
    AgendaItemCreate,
    MotionCreate,
    OfficialsUpdate,
    ProxyCreate,
    QuorumRead,
)
from kooperativet.notifications import Recipient, member_recipients
from kooperativet.parties.models import Member


def plan_meeting(
    session: Session,
    *,
    kind: MeetingKind,
    title: str,
    held_on: date,
    location: str | None,
    today: date,
    starts_at: time | None = None,
) -> Meeting:
    """The board plans a meeting for ``held_on``: today (the Swedish day) or a later day. A day that has
    passed is refused, since nobody can be called to it and it would wait among the coming meetings."""
    if held_on < today:
        raise RuleViolation(
            f"{held_on} has passed (today is {today}); a meeting is planned for today or a later day",
            code="meeting_in_the_past",
            field="held_on",
        )
    return create_meeting(
        session, kind=kind, title=title, held_on=held_on, location=location, starts_at=starts_at
    )


def create_meeting(
    session: Session,
    *,
    kind: MeetingKind,
    title: str,
    held_on: date,
    location: str | None,
    starts_at: time | None = None,
) -> Meeting:
    """A meeting on ``held_on``, whatever the day: the record itself. The board plans one through
    :func:`plan_meeting`, which refuses a day that has passed; the demo and the tests set up meetings of
    their own history with this."""
    meeting = Meeting(
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        starts_at=starts_at,
        location=location,
        rulebook_id=rulebook_in_force(session, on=held_on).id,
    )
    session.add(meeting)
    session.flush()
    return meeting


def get_meeting(session: Session, *, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"meeting {meeting_id} does not exist")
    return meeting


def list_meetings(session: Session, *, limit: int, offset: int) -> tuple[list[Meeting], int]:
    order = [Meeting.held_on.desc()]
    return fetch_page(
        session, select(Meeting), limit=limit, offset=offset, order=order, tiebreak=Meeting.id.desc()
    )


def require_status(meeting: Meeting, *allowed: MeetingStatus) -> None:
    if meeting.status not in allowed:
        raise Conflict(
            f"meeting {meeting.id} is {meeting.status}; this needs it {' or '.join(allowed)}",
            code=f"meeting_{meeting.status}",
        )


def add_agenda_item(session: Session, *, meeting: Meeting, data: AgendaItemCreate) -> AgendaItem:
    require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    if data.kind == AgendaItemKind.motion:
        raise RuleViolation(
            "members submit motions themselves; use the motions endpoint",
            code="motion_by_member",
            field="kind",
        )
    if data.statute_change and meeting.kind == MeetingKind.BOARD:
        raise RuleViolation(
            "statute changes are decided by a general meeting",
            code="statute_change_at_board",
            field="statute_change",
        )
    if data.is_closing:
        _check_closing(meeting, kind=data.kind)
    if data.confirms_item_id is not None:
        # A second reading names the first adoption it confirms (statutes asking for two meetings).
        statute_readings.check_confirmation(
            session,
            meeting=meeting,
            rulebook=rulebook_of(session, meeting.rulebook_id),
            confirms_item_id=data.confirms_item_id,
            statute_change=data.statute_change,
            text=data.text,
        )
    return _add_item(session, meeting=meeting, item=AgendaItem(**data.model_dump()))


def _check_closing(meeting: Meeting, *, kind: AgendaItemKind) -> None:
    """A closing is the procedure that ends the meeting, and an agenda has one still to be dealt with at most:
    with two, closing the meeting would take up one and leave the other as business not dealt with."""
    if kind != AgendaItemKind.procedural:
        raise RuleViolation(
            "the agenda's closing is a procedural item", code="closing_not_procedural", field="is_closing"
        )
    if conduct.closing_item(meeting) is not None:
        raise Conflict(
            f"meeting {meeting.id}'s agenda already ends with its closing; items added go before it",
            code="closing_on_agenda",
            field="is_closing",
        )


def _add_item(session: Session, *, meeting: Meeting, item: AgendaItem) -> AgendaItem:
    item.meeting_id = meeting.id
    item.position = conduct.next_position(session, meeting=meeting)
    session.add(item)
    session.flush()
    session.refresh(meeting, ["items"])
    return item


def submit_motion(
    session: Session, *, meeting: Meeting, member: Member, data: MotionCreate, today: date
) -> AgendaItem:
    """A member's motion to a general meeting, before it opens; the board answers it."""
    require_status(meeting, MeetingStatus.planned)
    if meeting.kind == MeetingKind.BOARD:
        raise RuleViolation(
            "motions go to general meetings, not to board meetings", code="not_a_general_meeting"
        )
    if not member.is_current_on(today):
        raise RuleViolation("only current members submit motions", code="not_a_current_member")
    item = AgendaItem(
        kind=AgendaItemKind.motion, title=data.title, text=data.text, motion_by_member_id=member.id
    )
    return _add_item(session, meeting=meeting, item=item)


def get_item(session: Session, *, meeting: Meeting, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(f"meeting {meeting.id} has no agenda item {item_id}")
    return item


def answer_motion(session: Session, *, meeting: Meeting, item: AgendaItem, answer: str) -> AgendaItem:
    require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    if item.kind != AgendaItemKind.motion:
        raise RuleViolation("only motions get the board's answer", code="not_a_motion")
    item.board_answer = answer
    session.flush()
    return item


@dataclass(frozen=True)
class NoticeRecipient:
    """A member the meeting's e-mails go to: her address, language and first name as every other message to
    her has them (``to``), and her full name for the envelope."""

    full_name: str
    to: Recipient


@dataclass(frozen=True)
class NoticeReach:
    """Whom the meeting's e-mails reach (``recipients``), and who is entitled to them but has no e-mail
    address anywhere (``unreached``, full names in the members' order): the board calls them another way."""

    recipients: list[NoticeRecipient]
    unreached: list[str]


def notice_recipients(session: Session, *, meeting: Meeting, today: date) -> list[NoticeRecipient]:
    """Who gets the notice by e-mail (:func:`notice_reach`)."""
    return notice_reach(session, meeting=meeting, today=today).recipients


def notice_reach(session: Session, *, meeting: Meeting, today: date) -> NoticeReach:
    """Who gets the notice by e-mail: current members for a general meeting, the whole board for a board
    meeting. A member is reached where every other message reaches her (``notifications.member_recipients``):
    at her record's address, else at her login's, since a notice not sent is a meeting not lawfully called.
    Those with neither are left out of the e-mail and named apart, since the board must reach them another
    way. In a constant number of statements, however many members there are."""
    entitled: ColumnElement[bool]
    if meeting.kind == MeetingKind.BOARD:
        entitled = Member.id.in_({a.member_id for a in list_board(session, on=meeting.held_on)})
    else:
        entitled = Member.current_on(today)
    members = session.scalars(
        select(Member).where(entitled).order_by(Member.id).options(lazyload(Member.tax_settings))
    ).all()
    addresses = member_recipients(session, [m.id for m in members])
    return NoticeReach(
        recipients=[
            NoticeRecipient(full_name=m.full_name, to=addresses[m.id]) for m in members if m.id in addresses
        ],
        unreached=[m.full_name for m in members if m.id not in addresses],
    )


def give_notice(session: Session, *, meeting: Meeting, text: str, today: date) -> NoticeCheck:
    """Record that notice (kallelse) goes out today, and check it against the rulebook's window.

    A notice earlier than the window allows is refused before anything is stored or sent: it is no valid
    notice (SFS 2018:672 6 kap. 17–18 §§ set an earliest day as well as a latest), and members told of a
    meeting months ahead are not called to it. The refusal names the first day it may go out. A notice
    later than the window allows is recorded all the same (it has gone out, and the meeting may still go
    ahead, 6 kap. 25 §); opening the meeting then needs a recorded reason (:func:`open_meeting`).
    """
    require_status(meeting, MeetingStatus.planned)
    planned = _notice_check(session, meeting=meeting, notice_date=today)
    if planned.problem is NoticeProblem.TOO_EARLY and planned.earliest is not None:
        raise RuleViolation(
            f"notice of meeting {meeting.id} on {meeting.held_on} may go out on {planned.earliest} at the "
            f"earliest (and by {planned.latest}); today, {today}, is too early under the rulebook",
            code="notice_too_early",
            earliest=planned.earliest.isoformat(),
            latest=planned.latest.isoformat(),
        )
    meeting.noticed_on = today
    meeting.notice_text = text
    # The notice lists the agenda as it stands: these items, and only these, were announced (a statute
    # change is decided only under an item the notice announced, SFS 2018:672 6 kap. 22 § and 25 §).
    for item in meeting.items:
        item.noticed_on = today
    # This notice names the time as it is now: an earlier change of the time is told by it.
    meeting.time_changed_at = meeting.time_changed_from = None
    meeting.time_change_mail_status = meeting.time_change_mail_detail = None
    meeting.time_change_mail_queued = meeting.time_change_without_address = None
    meeting.version += 1
    session.flush()
    return check_notice(session, meeting=meeting)


def check_notice(session: Session, *, meeting: Meeting) -> NoticeCheck:
    if meeting.noticed_on is None:
        raise Conflict(f"no notice of meeting {meeting.id} has been given", code="no_notice")
    return _notice_check(session, meeting=meeting, notice_date=meeting.noticed_on)


def _notice_check(session: Session, *, meeting: Meeting, notice_date: date) -> NoticeCheck:
    """A notice of ``meeting`` given on ``notice_date``, against the window of its rulebook and agenda."""
    return procedure.check_notice(
        rulebook=rulebook_of(session, meeting.rulebook_id),
        meeting=MeetingKind(meeting.kind),
        meeting_date=meeting.held_on,
        notice_date=notice_date,
        statute_change_on_agenda=any(item.statute_change for item in meeting.items),
    )


def record_notice_mail(
    session: Session, *, meeting: Meeting, status: str, detail: str | None, reach: NoticeReach | None = None
) -> None:
    """What became of the notice's e-mail, and how many it went to and could not reach (``reach``; None: the
    notice went out another way, and nobody was counted), as counts of their own: the board's page and the
    API read them, never out of the detail's words."""
    meeting.notice_mail_status = status
    meeting.notice_mail_detail = detail
    meeting.notice_mail_queued = None if reach is None else len(reach.recipients)
    meeting.notice_without_address = None if reach is None else len(reach.unreached)
    session.flush()


def open_meeting(
    session: Session,
    *,
    meeting: Meeting,
    override_reason: str | None,
    now: datetime,
    early_opening_reason: str | None = None,
) -> Meeting:
    """Open a meeting. Opening before the day it was called for, or after notice not given in time, is
    refused unless a reason for going ahead is recorded (in the meeting, the minutes and the audit log)."""
    require_status(meeting, MeetingStatus.planned)
    early = _early_opening_reason(meeting, reason=early_opening_reason, now=now)
    reason = (override_reason or "").strip() or None
    problem = "no notice was given" if meeting.noticed_on is None else None
    if problem is None:
        check = check_notice(session, meeting=meeting)
        if not check.ok:
            window = (
                f"between {check.earliest} and {check.latest}" if check.earliest else f"by {check.latest}"
            )
            problem = f"notice on {meeting.noticed_on} was {check.problem}: it had to go out {window}"
    if problem is not None:
        if reason is None:
            raise Conflict(
                f"{problem}; give override_reason to open the meeting anyway", code="notice_not_in_time"
            )
        meeting.notice_override_reason = reason
    meeting.early_opening_reason = early
    meeting.status = MeetingStatus.open
    meeting.opened_at = now
    meeting.version += 1
    session.flush()
    append_event(
        session,
        kind="meeting_opened",
        payload={
            "meeting_id": meeting.id,
            "kind": meeting.kind,
            "called_for": meeting.held_on.isoformat(),
            "opened_on": swedish_day(now).isoformat(),
            "notice_override_reason": reason,
            "early_opening_reason": early,
        },
        now=now,
    )
    return meeting


def _early_opening_reason(meeting: Meeting, *, reason: str | None, now: datetime) -> str | None:
    """The reason for opening before the day the meeting was called for (None when not early); opening
    early without one is refused, since members were told to come on that day."""
    opened_on = swedish_day(now)
    if opened_on >= meeting.held_on:
        return None
    stated = (reason or "").strip() or None
    if stated is None:
        raise RuleViolation(
            f"meeting {meeting.id} is called for {meeting.held_on}; opening it on {opened_on}, before that "
            "day, needs early_opening_reason",
            code="opened_before_its_day",
            field="early_opening_reason",
        )
    return stated


def set_officials(session: Session, *, meeting: Meeting, data: OfficialsUpdate) -> Meeting:
    """Chair, secretary and two adjusters (justerare): current members, the adjusters not the chair. The
    meeting chooses them, and the board may record whom it chose after it closed, as long as no minutes have
    been drawn up: the minutes need them, and drawn-up minutes name those they had."""
    require_status(meeting, MeetingStatus.planned, MeetingStatus.open, MeetingStatus.closed)
    if meeting.status == MeetingStatus.closed and session.scalar(
        select(func.count(Minutes.id)).where(Minutes.meeting_id == meeting.id)
    ):
        raise Conflict(
            f"meeting {meeting.id} is closed and its minutes are drawn up: they name its officials",
            code="meeting_closed",
        )
    for field, member_id in data.model_dump().items():
        current_member(session, member_id, on=meeting.held_on, field=field)
    adjusters = {data.adjuster1_member_id, data.adjuster2_member_id}
    if len(adjusters) != 2 or data.chair_member_id in adjusters:
        raise RuleViolation(
            "two different adjusters are needed, neither of them the chair",
            code="adjusters_not_distinct",
            field="adjuster2_member_id",
        )
    for field, member_id in data.model_dump().items():
        setattr(meeting, field, member_id)
    meeting.version += 1
    session.flush()
    return meeting


def register_attendance(session: Session, *, meeting: Meeting, member_id: int) -> Attendance:
    require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    current_member(session, member_id, on=meeting.held_on, field="member_id")
    if meeting.kind == MeetingKind.BOARD and member_id not in {
        a.member_id for a in list_board(session, on=meeting.held_on)
    }:
        raise RuleViolation(
            f"member {member_id} is not on the board", code="not_on_the_board", field="member_id"
        )
    if session.get(Attendance, (meeting.id, member_id)) is not None:
        raise Conflict(f"member {member_id} is already registered as present", code="already_present")
    if any(p.principal_member_id == member_id for p in meeting.proxies):
        raise Conflict(f"member {member_id} is represented by a proxy", code="represented_by_proxy")
    attendance = Attendance(meeting_id=meeting.id, member_id=member_id)
    session.add(attendance)
    session.flush()
    session.refresh(meeting, ["attendance"])
    return attendance


def register_proxy(session: Session, *, meeting: Meeting, data: ProxyCreate) -> MeetingProxy:
    """Register an ombud with a dated fullmakt the member signed, checked against the rulebook (allowed,
    validity, limit)."""
    require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    if meeting.kind == MeetingKind.BOARD:
        raise RuleViolation("board members cannot vote by proxy", code="proxy_not_allowed")
    current_member(session, data.principal_member_id, on=meeting.held_on, field="principal_member_id")
    current_member(session, data.attendee_member_id, on=meeting.held_on, field="attendee_member_id")
    if data.principal_member_id == data.attendee_member_id:
        raise RuleViolation(
            "a member cannot be their own proxy", code="proxy_for_oneself", field="attendee_member_id"
        )
    if data.principal_member_id in present_members(meeting):
        raise Conflict("the member is present and votes in person", code="principal_present")
    # A proxy registered before the signature was asked for (``signed`` NULL) was accepted then: it still
    # counts towards the limits.
    existing = [
        Proxy(
            principal=str(p.principal_member_id),
            attendee=str(p.attendee_member_id),
            dated=p.dated,
            signed=p.signed is not False,
        )
        for p in meeting.proxies
    ]
    new = Proxy(
        principal=str(data.principal_member_id),
        attendee=str(data.attendee_member_id),
        dated=data.dated,
        signed=data.signed,
    )
    check = check_proxies(
        rulebook=rulebook_of(session, meeting.rulebook_id),
        meeting_date=meeting.held_on,
        proxies=[*existing, new],
    )
    refused = [r for r in check.refused if r.proxy is new]
    if refused:
        problem = refused[0].problem
        field = "signed" if problem is ProxyProblem.NOT_SIGNED else "attendee_member_id"
        raise RuleViolation(_PROXY_PROBLEMS[problem], code=f"proxy_{problem}", field=field)
    proxy = MeetingProxy(meeting_id=meeting.id, **data.model_dump())
    session.add(proxy)
    session.flush()
    session.refresh(meeting, ["proxies"])
    return proxy


_PROXY_PROBLEMS = {
    ProxyProblem.NOT_ALLOWED: "the rulebook does not allow proxies",
    ProxyProblem.UNDATED: "the fullmakt must be dated",
    ProxyProblem.NOT_SIGNED: "the fullmakt must be signed by the member; confirm that it is (signed: true)",
    ProxyProblem.DATED_AFTER_MEETING: "the fullmakt is dated after the meeting",
    ProxyProblem.EXPIRED: "the fullmakt has expired (valid at most one year)",
    ProxyProblem.OVER_LIMIT: "the attendee already holds as many proxies as the rulebook allows",
    ProxyProblem.DUPLICATE_PRINCIPAL: "the member is already represented by a proxy",
}


def present_members(meeting: Meeting) -> frozenset[int]:
    return frozenset(a.member_id for a in meeting.attendance)


def entitled_general(session: Session, *, meeting: Meeting) -> frozenset[int]:
    """Members with a vote at a general meeting: current members present in person or by proxy."""
    represented = {p.principal_member_id for p in meeting.proxies}
    ids = present_members(meeting) | represented
    if not ids:
        return frozenset()
    current = select(Member.id).where(Member.id.in_(sorted(ids)), Member.current_on(meeting.held_on))
    return frozenset(session.scalars(current))


def quorum(session: Session, *, meeting: Meeting) -> QuorumRead:
    rulebook = rulebook_of(session, meeting.rulebook_id)
    if meeting.kind == MeetingKind.BOARD:
        board = voting_board(session, on=meeting.held_on)
        present, represented, entitled = len(present_members(meeting) & board), 0, len(board)
        rule = rulebook.board_quorum
    else:
        counted = select(func.count(Member.id)).where(Member.current_on(meeting.held_on))
        entitled = session.scalar(counted) or 0
        present = len(present_members(meeting))
        represented = len(entitled_general(session, meeting=meeting)) - present
        rule = rulebook.general_meeting_quorum
    return QuorumRead(
        present=present,
        represented=represented,
        entitled=entitled,
        needed=rule.present_needed(entitled=entitled),
        quorate=quorum_met(
            rulebook=rulebook,
            meeting=MeetingKind(meeting.kind),
            present=present + represented,
            entitled=entitled,
        ),
    )


def items_not_dealt_with(meeting: Meeting) -> list[AgendaItem]:
    """The agenda items the meeting has not taken up (no § number), in the agenda's order: the minutes list
    them as not dealt with. The agenda's closing is not among them: closing the meeting deals with it
    (``close_meeting``)."""
    closing = conduct.closing_item(meeting)
    return [item for item in meeting.items if item.held_as is None and item is not closing]


def close_meeting(
    session: Session,
    *,
    meeting: Meeting,
    now: datetime,
    items_left: Collection[int] | None = None,
    leave_any: bool = False,
) -> Meeting:
    """Close the open meeting, for good: a closed meeting is never opened again. Every vote must be closed
    first; agenda items not dealt with are left so only when whoever closes names them (``items_left``, the
    ids the confirmation listed), so that no meeting ends by a slip with business left over, nor on a list
    of items its chair never saw. ``leave_any`` is the API's earlier confirmation, which names no items: the
    program that sends it closes whatever is left, as it did before the ids were asked for."""
    require_status(meeting, MeetingStatus.open)
    still_open = session.scalar(
        select(func.count(Vote.id)).where(Vote.meeting_id == meeting.id, Vote.status == VoteStatus.open)
    )
    if still_open:
        raise Conflict(f"{still_open} vote(s) are still open", code="votes_open")
    left = items_not_dealt_with(meeting)
    if not leave_any or items_left is not None:
        _check_items_left(left, confirmed=items_left)
    closing = conduct.closing_item(meeting)
    if closing is not None:  # the agenda's closing is the meeting's last §, dealt with by closing it
        conduct.take_up(session, meeting=meeting, item=closing, now=now)
    meeting.status = MeetingStatus.closed
    meeting.closed_at = now
    meeting.version += 1
    session.flush()
    # The auditor reads in the chain which business the meeting left over, not only in the minutes.
    append_event(
        session,
        kind="meeting_closed",
        payload={"meeting_id": meeting.id, "items_not_dealt_with": _named(left)},
        now=now,
    )
    return meeting


def _named(items: list[AgendaItem]) -> list[dict[str, object]]:
    return [{"id": item.id, "title": item.title} for item in items]


def _check_items_left(left: list[AgendaItem], *, confirmed: Collection[int] | None) -> None:
    """Refuse a close that leaves items not dealt with unless it names exactly those left now: unconfirmed
    (``items_not_dealt_with``), or confirmed on a list that has changed since it was shown, an item added,
    or one dealt with, meanwhile (``items_not_dealt_with_changed``). Either names the items left now."""
    if confirmed is None:
        if left:
            titles = "; ".join(item.title for item in left)
            raise RuleViolation(
                f"{len(left)} agenda item(s) are not dealt with ({titles}) and a closed meeting cannot be "
                "opened again; close with items_not_dealt_with: the ids of these items, to close it anyway",
                code="items_not_dealt_with",
                field="items_not_dealt_with",
                items=_named(left),
            )
        return
    if set(confirmed) != {item.id for item in left}:
        titles = "; ".join(item.title for item in left) or "none"
        raise Conflict(
            f"the agenda items not dealt with have changed since the list the close confirms ({titles} now); "
            "read them in items and close again, naming these",
            code="items_not_dealt_with_changed",
            field="items_not_dealt_with",
            items=_named(left),
        )

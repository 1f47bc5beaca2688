"""Meetings, votes, secret ballots, elections, board decisions and minutes. Services flush, never commit.

The rules themselves (majorities, quorum, notice, proxies, tallies, lots) are the pure functions in
``governance.rules``; receipts and commitments are in ``governance.ballots``, the encryption of secret
ballots in ``governance.ballot_encryption``. Every vote records the rulebook version it was decided under,
and governance events go to the hash-chained audit log.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import Role, User
from kooperativet.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from kooperativet.governance import ballot_encryption as encryption
from kooperativet.governance import ballots as ballot_rules
from kooperativet.governance import conduct, rules
from kooperativet.governance.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    BoardAssignment,
    BoardRole,
    Meeting,
    MeetingProxy,
    MeetingStatus,
    OpenVoteCast,
    RulebookVersion,
    SecretBallot,
    SecretBallotRoll,
    Vote,
    VoteMethod,
    VoteStatus,
)
from kooperativet.governance.rules import Choice, DecisionKind, MeetingKind
from kooperativet.governance.schemas import (
    AgendaItemCreate,
    BallotCreate,
    BoardAssignmentCreate,
    MotionCreate,
    OfficialsUpdate,
    ParameterProposal,
    PerCapsulamCreate,
    ProxyCreate,
    QuorumRead,
    RecountRead,
    RulebookCreate,
    RulebookFields,
    VoteCreate,
)
from kooperativet.parameters import catalog
from kooperativet.parameters import service as parameters
from kooperativet.parties.models import Member

DEFAULT_RULEBOOK_FROM = date(2000, 1, 1)
GENERAL_METHODS = frozenset({VoteMethod.open, VoteMethod.secret, VoteMethod.election})
SECRET_METHODS = frozenset({VoteMethod.secret, VoteMethod.election})
VOTING_BOARD_ROLES = frozenset(BoardRole) - {BoardRole.deputy}


def is_officer(user: User) -> bool:
    """Board members and the admin run meetings and board votes."""
    return user.has_any_role(Role.board, Role.admin)


def require_officer(user: User) -> None:
    if not is_officer(user):
        raise PermissionDenied("only the board or the admin may do this")


def member_of(session: Session, *, user: User) -> Member:
    """The caller's member record; a login without one cannot vote or submit motions."""
    member = session.scalar(select(Member).where(Member.user_id == user.id))
    if member is None:
        raise RuleViolation("you are not a member: only members vote and submit motions", code="not_a_member")
    return member


def _member(session: Session, member_id: int, *, field: str) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise RuleViolation(f"member {member_id} does not exist", code="unknown_member", field=field)
    return member


def _current_member(session: Session, member_id: int, *, on: date, field: str) -> Member:
    member = _member(session, member_id, field=field)
    if not member.is_current_on(on):
        raise RuleViolation(
            f"member {member_id} is not a current member on {on}", code="not_a_current_member", field=field
        )
    return member


def _ids(values: Sequence[int]) -> list[str]:
    return [str(v) for v in values]


# --- rulebooks ------------------------------------------------------------------------------------------


def add_rulebook(session: Session, *, data: RulebookCreate) -> RulebookVersion:
    """Add a rulebook version valid from a date; the version in force on a meeting's date governs it."""
    try:
        data.rules.to_rulebook()
    except ValueError as exc:
        raise RuleViolation(str(exc), code="invalid_rulebook", field="rules") from exc
    if session.scalar(select(RulebookVersion.id).where(RulebookVersion.valid_from == data.valid_from)):
        raise Conflict(
            f"a rulebook version is already valid from {data.valid_from}",
            code="overlapping_valid_from",
            field="valid_from",
        )
    version = RulebookVersion(
        valid_from=data.valid_from, rules=data.rules.model_dump_json(), source=data.source.strip()
    )
    session.add(version)
    session.flush()
    return version


def seed_default_rulebook(session: Session) -> RulebookVersion | None:
    """Seed the default rulebook (lag 2018:672 as the model) on a database that has none."""
    if session.scalar(select(func.count(RulebookVersion.id))):
        return None
    return add_rulebook(
        session,
        data=RulebookCreate(
            valid_from=DEFAULT_RULEBOOK_FROM,
            source="default rules modelled on lag (2018:672) om ekonomiska föreningar; adapt to the stadgar",
            rules=RulebookFields.from_rulebook(rules.default_rulebook()),
        ),
    )


def list_rulebooks(session: Session) -> list[RulebookVersion]:
    return list(session.scalars(select(RulebookVersion).order_by(RulebookVersion.valid_from)))


def rulebook_in_force(session: Session, *, on: date) -> RulebookVersion:
    version = session.scalar(
        select(RulebookVersion)
        .where(RulebookVersion.valid_from <= on)
        .order_by(RulebookVersion.valid_from.desc())
        .limit(1)
    )
    if version is None:
        raise RuleViolation(
            f"no rulebook is in force on {on}; an admin must add one", code="missing_rulebook"
        )
    return version


def rulebook_of(session: Session, rulebook_id: int) -> rules.Rulebook:
    version = session.get(RulebookVersion, rulebook_id)
    if version is None:
        raise NotFound(f"rulebook {rulebook_id} does not exist")
    return RulebookFields.model_validate_json(version.rules).to_rulebook()


# --- the board ------------------------------------------------------------------------------------------


def appoint_board_member(session: Session, *, data: BoardAssignmentCreate) -> BoardAssignment:
    _member(session, data.member_id, field="member_id")
    if data.term_to is not None and data.term_to < data.term_from:
        raise RuleViolation("a term cannot end before it begins", field="term_to")
    assignment = BoardAssignment(**data.model_dump())
    session.add(assignment)
    session.flush()
    return assignment


def list_board(session: Session, *, on: date | None) -> list[BoardAssignment]:
    rows = session.scalars(select(BoardAssignment).order_by(BoardAssignment.term_from, BoardAssignment.id))
    return [row for row in rows if on is None or row.holds_on(on)]


def voting_board(session: Session, *, on: date) -> frozenset[int]:
    """The ordinary board members (not deputies) on a day: they vote and make the board's quorum."""
    return frozenset(a.member_id for a in list_board(session, on=on) if a.role in VOTING_BOARD_ROLES)


# --- meetings -------------------------------------------------------------------------------------------


def create_meeting(
    session: Session, *, kind: MeetingKind, title: str, held_on: date, location: str | None
) -> Meeting:
    meeting = Meeting(
        kind=kind,
        title=title.strip(),
        held_on=held_on,
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
    total = session.scalar(select(func.count(Meeting.id))) or 0
    rows = session.scalars(
        select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def _require_status(meeting: Meeting, *allowed: MeetingStatus) -> None:
    if meeting.status not in allowed:
        raise Conflict(
            f"meeting {meeting.id} is {meeting.status}; this needs it {' or '.join(allowed)}",
            code=f"meeting_{meeting.status}",
        )


def add_agenda_item(session: Session, *, meeting: Meeting, data: AgendaItemCreate) -> AgendaItem:
    _require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    if data.kind == AgendaItemKind.motion:
        raise RuleViolation("members submit motions themselves; use the motions endpoint", field="kind")
    if data.statute_change and meeting.kind == MeetingKind.BOARD:
        raise RuleViolation("statute changes are decided by a general meeting", field="statute_change")
    return _add_item(session, meeting=meeting, item=AgendaItem(**data.model_dump()))


def _add_item(session: Session, *, meeting: Meeting, item: AgendaItem) -> AgendaItem:
    last = session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    item.meeting_id = meeting.id
    item.position = (last or 0) + 1
    session.add(item)
    session.flush()
    session.refresh(meeting, ["items"])
    return item


def submit_motion(
    session: Session, *, meeting: Meeting, member: Member, data: MotionCreate, today: date
) -> AgendaItem:
    """A member's motion to a general meeting, before it opens; the board answers it."""
    _require_status(meeting, MeetingStatus.planned)
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
    _require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    if item.kind != AgendaItemKind.motion:
        raise RuleViolation("only motions get the board's answer", code="not_a_motion")
    item.board_answer = answer
    session.flush()
    return item


def notice_recipients(session: Session, *, meeting: Meeting, today: date) -> list[str]:
    """Who gets the notice: current members for a general meeting, the whole board for a board meeting."""
    if meeting.kind == MeetingKind.BOARD:
        ids = {a.member_id for a in list_board(session, on=meeting.held_on)}
        members = [session.get(Member, i) for i in sorted(ids)]
    else:
        members = [m for m in session.scalars(select(Member).order_by(Member.id)) if m.is_current_on(today)]
    return [m.email for m in members if m is not None and m.email]


def give_notice(session: Session, *, meeting: Meeting, text: str, today: date) -> rules.NoticeCheck:
    """Record that notice (kallelse) goes out today, and check it against the rulebook's window.

    A notice outside the window is recorded all the same (it has gone out); opening the meeting then needs
    a recorded reason (:func:`open_meeting`).
    """
    _require_status(meeting, MeetingStatus.planned)
    meeting.noticed_on = today
    meeting.notice_text = text
    meeting.version += 1
    session.flush()
    return check_notice(session, meeting=meeting)


def check_notice(session: Session, *, meeting: Meeting) -> rules.NoticeCheck:
    if meeting.noticed_on is None:
        raise Conflict(f"no notice of meeting {meeting.id} has been given", code="no_notice")
    return rules.check_notice(
        rulebook=rulebook_of(session, meeting.rulebook_id),
        meeting=MeetingKind(meeting.kind),
        meeting_date=meeting.held_on,
        notice_date=meeting.noticed_on,
        statute_change_on_agenda=any(item.statute_change for item in meeting.items),
    )


def record_notice_mail(session: Session, *, meeting: Meeting, status: str, detail: str | None) -> None:
    meeting.notice_mail_status = status
    meeting.notice_mail_detail = detail
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
    _require_status(meeting, MeetingStatus.planned)
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
            "opened_on": rules.swedish_day(now).isoformat(),
            "notice_override_reason": reason,
            "early_opening_reason": early,
        },
        now=now,
    )
    return meeting


def _early_opening_reason(meeting: Meeting, *, reason: str | None, now: datetime) -> str | None:
    """The reason for opening before the day the meeting was called for (None when not early); opening
    early without one is refused, since members were told to come on that day."""
    opened_on = rules.swedish_day(now)
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
    """Chair, secretary and two adjusters (justerare): current members, the adjusters not the chair."""
    _require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    for field, member_id in data.model_dump().items():
        _current_member(session, member_id, on=meeting.held_on, field=field)
    adjusters = {data.adjuster1_member_id, data.adjuster2_member_id}
    if len(adjusters) != 2 or data.chair_member_id in adjusters:
        raise RuleViolation(
            "two different adjusters are needed, neither of them the chair", field="adjuster2_member_id"
        )
    for field, member_id in data.model_dump().items():
        setattr(meeting, field, member_id)
    meeting.version += 1
    session.flush()
    return meeting


def register_attendance(session: Session, *, meeting: Meeting, member_id: int) -> Attendance:
    _require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    _current_member(session, member_id, on=meeting.held_on, field="member_id")
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
    """Register an ombud with a dated fullmakt, checked against the rulebook (allowed, validity, limit)."""
    _require_status(meeting, MeetingStatus.planned, MeetingStatus.open)
    if meeting.kind == MeetingKind.BOARD:
        raise RuleViolation("board members cannot vote by proxy", code="proxy_not_allowed")
    _current_member(session, data.principal_member_id, on=meeting.held_on, field="principal_member_id")
    _current_member(session, data.attendee_member_id, on=meeting.held_on, field="attendee_member_id")
    if data.principal_member_id == data.attendee_member_id:
        raise RuleViolation("a member cannot be their own proxy", field="attendee_member_id")
    if data.principal_member_id in _present(meeting):
        raise Conflict("the member is present and votes in person", code="principal_present")
    existing = [
        rules.Proxy(principal=str(p.principal_member_id), attendee=str(p.attendee_member_id), dated=p.dated)
        for p in meeting.proxies
    ]
    new = rules.Proxy(
        principal=str(data.principal_member_id), attendee=str(data.attendee_member_id), dated=data.dated
    )
    check = rules.check_proxies(
        rulebook=rulebook_of(session, meeting.rulebook_id),
        meeting_date=meeting.held_on,
        proxies=[*existing, new],
    )
    refused = [r for r in check.refused if r.proxy is new]
    if refused:
        problem = refused[0].problem
        raise RuleViolation(_PROXY_PROBLEMS[problem], code=f"proxy_{problem}", field="attendee_member_id")
    proxy = MeetingProxy(meeting_id=meeting.id, **data.model_dump())
    session.add(proxy)
    session.flush()
    session.refresh(meeting, ["proxies"])
    return proxy


_PROXY_PROBLEMS = {
    rules.ProxyProblem.NOT_ALLOWED: "the rulebook does not allow proxies",
    rules.ProxyProblem.UNDATED: "the fullmakt must be dated",
    rules.ProxyProblem.DATED_AFTER_MEETING: "the fullmakt is dated after the meeting",
    rules.ProxyProblem.EXPIRED: "the fullmakt has expired (valid at most one year)",
    rules.ProxyProblem.OVER_LIMIT: "the attendee already holds as many proxies as the rulebook allows",
    rules.ProxyProblem.DUPLICATE_PRINCIPAL: "the member is already represented by a proxy",
}


def _present(meeting: Meeting) -> frozenset[int]:
    return frozenset(a.member_id for a in meeting.attendance)


def _entitled_general(session: Session, *, meeting: Meeting) -> frozenset[int]:
    """Members with a vote at a general meeting: current members present in person or by proxy."""
    represented = {p.principal_member_id for p in meeting.proxies}
    ids = _present(meeting) | represented
    return frozenset(
        i for i in ids if (m := session.get(Member, i)) is not None and m.is_current_on(meeting.held_on)
    )


def quorum(session: Session, *, meeting: Meeting) -> QuorumRead:
    rulebook = rulebook_of(session, meeting.rulebook_id)
    if meeting.kind == MeetingKind.BOARD:
        board = voting_board(session, on=meeting.held_on)
        present, represented, entitled = len(_present(meeting) & board), 0, len(board)
        rule = rulebook.board_quorum
    else:
        members = session.scalars(select(Member))
        entitled = sum(1 for m in members if m.is_current_on(meeting.held_on))
        present = len(_present(meeting))
        represented = len(_entitled_general(session, meeting=meeting)) - present
        rule = rulebook.general_meeting_quorum
    return QuorumRead(
        present=present,
        represented=represented,
        entitled=entitled,
        needed=rule.present_needed(entitled=entitled),
        quorate=rules.quorum_met(
            rulebook=rulebook,
            meeting=MeetingKind(meeting.kind),
            present=present + represented,
            entitled=entitled,
        ),
    )


def close_meeting(session: Session, *, meeting: Meeting, now: datetime) -> Meeting:
    _require_status(meeting, MeetingStatus.open)
    still_open = session.scalar(
        select(func.count(Vote.id)).where(Vote.meeting_id == meeting.id, Vote.status == VoteStatus.open)
    )
    if still_open:
        raise Conflict(f"{still_open} vote(s) are still open", code="votes_open")
    meeting.status = MeetingStatus.closed
    meeting.closed_at = now
    meeting.version += 1
    session.flush()
    append_event(session, kind="meeting_closed", payload={"meeting_id": meeting.id}, now=now)
    return meeting


# --- votes ----------------------------------------------------------------------------------------------


def _check_parameter(proposal: ParameterProposal | None) -> None:
    if proposal is None:
        return
    try:
        catalog.normalise_value(catalog.spec_for(proposal.key), proposal.value)
    except catalog.InvalidParameterValue as exc:
        raise RuleViolation(str(exc), code="invalid_parameter_value", field="sets_parameter") from exc


def _new_vote(
    session: Session,
    *,
    vote: Vote,
    excluded: Sequence[int],
    proposal: ParameterProposal | None,
    now: datetime,
) -> Vote:
    for member_id in excluded:
        _member(session, member_id, field="excluded_member_ids")
    _check_parameter(proposal)
    vote.excluded_member_ids = json.dumps(sorted(set(excluded)))
    if proposal is not None:
        vote.parameter_key = proposal.key
        vote.parameter_value = proposal.value
        vote.parameter_valid_from = proposal.valid_from
    vote.opened_at = now
    session.add(vote)
    session.flush()
    append_event(
        session,
        kind="vote_opened",
        payload={
            "vote_id": vote.id,
            "meeting_id": vote.meeting_id,
            "method": vote.method,
            "question": vote.question,
            "rulebook_id": vote.rulebook_id,
            "excluded_member_ids": sorted(set(excluded)),
        },
        now=now,
    )
    return vote


def open_vote(
    session: Session,
    *,
    meeting: Meeting,
    data: VoteCreate,
    now: datetime,
    tally_key_bits: int,
    rng: random.Random,
) -> Vote:
    """Put a question (or an election) to the meeting, under the meeting's rulebook version.

    A secret ballot or election gets a fresh Paillier key pair of ``tally_key_bits`` bits: the public key is
    stored, the private key only wrapped with the tellers' passphrase (``governance.ballot_encryption``).
    """
    _require_status(meeting, MeetingStatus.open)
    if data.method == VoteMethod.per_capsulam:
        raise RuleViolation("per capsulam decisions are made between meetings", field="method")
    board_meeting = meeting.kind == MeetingKind.BOARD
    if board_meeting != (data.method == VoteMethod.board):
        raise RuleViolation(
            "a board meeting decides by board vote; a general meeting by open vote, secret ballot, election",
            code="wrong_vote_method",
            field="method",
        )
    item = (
        None
        if data.agenda_item_id is None
        else get_item(session, meeting=meeting, item_id=data.agenda_item_id)
    )
    election = data.method == VoteMethod.election
    if election:
        names = [c.strip() for c in data.candidates or []]
        if not data.seats or not names or len(set(names)) != len(names) or not all(names):
            raise RuleViolation("an election needs seats and distinct, named candidates", field="candidates")
        if data.sets_parameter is not None or data.excluded_member_ids:
            raise RuleViolation("an election sets no parameter and has no jäv", field="sets_parameter")
    elif data.seats is not None or data.candidates is not None:
        raise RuleViolation("only elections have seats and candidates", field="candidates")
    kind = DecisionKind.ELECTION if election else data.decision_kind
    if board_meeting and kind is not DecisionKind.BOARD:
        kind = DecisionKind.BOARD
    if not election and kind is DecisionKind.ELECTION:
        raise RuleViolation("an election is held with method election", field="decision_kind")
    if not board_meeting and kind is DecisionKind.BOARD:
        raise RuleViolation("board decisions are made by the board", field="decision_kind")
    if not board_meeting and not quorum(session, meeting=meeting).quorate:
        raise Conflict("the meeting is not quorate", code="not_quorate")
    item = conduct.item_for_vote(session, meeting=meeting, item=item, question=data.question, now=now)
    vote = Vote(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        method=data.method,
        decision_kind=kind,
        question=data.question,
        rulebook_id=meeting.rulebook_id,
        seats=data.seats if election else None,
        candidates=json.dumps([c.strip() for c in data.candidates or []]) if election else None,
        hide_results=data.hide_results and data.method == VoteMethod.open,
        ends_at=data.ends_at,
    )
    _add_tally_key(vote, passphrase=data.tellers_passphrase, bits=tally_key_bits, rng=rng)
    return _new_vote(
        session, vote=vote, excluded=data.excluded_member_ids, proposal=data.sets_parameter, now=now
    )


def _add_tally_key(vote: Vote, *, passphrase: str | None, bits: int, rng: random.Random) -> None:
    if vote.method not in SECRET_METHODS:
        if passphrase is not None:
            raise RuleViolation("only secret ballots and elections have tellers", field="tellers_passphrase")
        return
    if passphrase is None:
        raise RuleViolation(
            "a secret ballot needs the tellers' passphrase: it seals the key that decrypts the tally",
            code="tellers_passphrase_required",
            field="tellers_passphrase",
        )
    key = encryption.new_tally_key(bits=bits, rng=rng)
    vote.tally_public_key = str(key.n)
    vote.tally_key_wrapped = encryption.wrap_key(key=key, passphrase=passphrase, rng=rng)


def ballot_options(vote: Vote) -> list[str | None]:
    """The options a ballot marks 0 or 1, in ciphertext order: yes, no, abstain for a secret ballot; the
    candidates and then ``None`` (the blank mark, 1 when no candidate is named) for an election."""
    if vote.method == VoteMethod.election:
        return [*(candidates_of(vote) or []), None]
    return [choice.value for choice in Choice]


def propose_per_capsulam(session: Session, *, data: PerCapsulamCreate, now: datetime, today: date) -> Vote:
    """A board decision between meetings: adopted only if every board member is reached and agrees."""
    if not voting_board(session, on=today):
        raise Conflict("there is no board on this date", code="no_board")
    vote = Vote(
        method=VoteMethod.per_capsulam,
        decision_kind=DecisionKind.BOARD,
        question=data.question,
        rulebook_id=rulebook_in_force(session, on=today).id,
    )
    return _new_vote(
        session, vote=vote, excluded=data.excluded_member_ids, proposal=data.sets_parameter, now=now
    )


def get_vote(session: Session, *, vote_id: int) -> Vote:
    vote = session.get(Vote, vote_id)
    if vote is None:
        raise NotFound(f"vote {vote_id} does not exist")
    return vote


def excluded_of(vote: Vote) -> list[int]:
    return [int(i) for i in json.loads(vote.excluded_member_ids)]


def candidates_of(vote: Vote) -> list[str] | None:
    return None if vote.candidates is None else [str(c) for c in json.loads(vote.candidates)]


def _vote_day(vote: Vote, meeting: Meeting | None) -> date:
    return meeting.held_on if meeting is not None else vote.opened_at.date()


def _check_voter(session: Session, *, vote: Vote, caster: Member, data: BallotCreate) -> int:
    """The member whose vote this is (the caster, or the principal of the caster's proxy)."""
    meeting = session.get(Meeting, vote.meeting_id) if vote.meeting_id is not None else None
    day = _vote_day(vote, meeting)
    voter_id = data.on_behalf_of_member_id or caster.id
    holds_proxy = meeting is not None and any(
        p.principal_member_id == voter_id and p.attendee_member_id == caster.id for p in meeting.proxies
    )
    if data.on_behalf_of_member_id is not None and not holds_proxy:
        raise RuleViolation(
            f"you hold no proxy for member {voter_id} at this meeting",
            code="no_proxy",
            field="on_behalf_of_member_id",
        )
    if voter_id in excluded_of(vote):
        raise RuleViolation(f"member {voter_id} is disqualified (jäv) on this matter", code="voter_excluded")
    voter = _member(session, voter_id, field="on_behalf_of_member_id")
    if not voter.is_current_on(day) or not caster.is_current_on(day):
        raise RuleViolation("only current members vote", code="not_a_current_member")
    board_vote = vote.method in (VoteMethod.board, VoteMethod.per_capsulam)
    if board_vote and voter_id not in voting_board(session, on=day):
        raise RuleViolation("only the board's members vote on a board decision", code="not_on_the_board")
    if meeting is not None and caster.id not in _present(meeting):
        raise RuleViolation("register your attendance at the meeting first", code="not_present")
    return voter_id


def cast_vote(
    session: Session, *, vote: Vote, caster: Member, data: BallotCreate, now: datetime, rng: random.Random
) -> tuple[str | None, str | None]:
    """Record a vote; for a secret ballot return (receipt, canonical encrypted ballot).

    Open votes are stored with the voter. A secret ballot is checked (one choice; up to the seats, among
    the candidates), then writes the voter onto the roll and, in the same transaction, an unlinked ballot
    (random id, no time) holding only ciphertexts encrypted with randomness from ``rng``.
    """
    if vote.status != VoteStatus.open or (vote.ends_at is not None and now >= vote.ends_at):
        raise Conflict(f"vote {vote.id} is closed", code="vote_closed")
    voter_id = _check_voter(session, vote=vote, caster=caster, data=data)
    if vote.method in SECRET_METHODS:
        return _cast_ballot(session, vote=vote, voter_id=voter_id, data=data, rng=rng)
    if data.choice is None or data.candidates is not None:
        raise RuleViolation("give a choice: yes, no or abstain", field="choice")
    existing = session.scalar(
        select(OpenVoteCast).where(OpenVoteCast.vote_id == vote.id, OpenVoteCast.member_id == voter_id)
    )
    if existing is not None:
        rulebook = rulebook_of(session, vote.rulebook_id)
        if not rules.may_change_vote(rulebook=rulebook, secret_ballot=False, closed=False):
            raise Conflict(f"member {voter_id} has already voted", code="already_voted")
        existing.choice, existing.cast_by_member_id, existing.cast_at = data.choice, caster.id, now
    else:
        session.add(
            OpenVoteCast(
                vote_id=vote.id,
                member_id=voter_id,
                cast_by_member_id=caster.id,
                choice=data.choice,
                cast_at=now,
            )
        )
    session.flush()
    append_event(
        session,
        kind="vote_cast",
        payload={
            "vote_id": vote.id,
            "member_id": voter_id,
            "cast_by_member_id": caster.id,
            "choice": data.choice,
        },
        now=now,
    )
    return None, None


def _cast_ballot(
    session: Session, *, vote: Vote, voter_id: int, data: BallotCreate, rng: random.Random
) -> tuple[str, str]:
    if vote.method == VoteMethod.election:
        seats, standing = vote.seats or 0, set(candidates_of(vote) or [])
        chosen = data.candidates
        if chosen is None or data.choice is not None:
            raise RuleViolation(f"name up to {seats} candidates", field="candidates")
        if len(chosen) > seats or len(set(chosen)) != len(chosen) or not set(chosen) <= standing:
            raise RuleViolation(
                f"name up to {seats} different candidates among: {', '.join(sorted(standing))}",
                code="invalid_ballot",
                field="candidates",
            )
        selection: set[str | None] = set(chosen) if chosen else {None}
    else:
        if data.choice is None or data.candidates is not None:
            raise RuleViolation("give a choice: yes, no or abstain", field="choice")
        selection = {data.choice.value}
    if session.get(SecretBallotRoll, (vote.id, voter_id)) is not None:
        raise Conflict(f"member {voter_id} has already voted", code="already_voted")
    # The choice lives in plain only in this request's memory: what is stored is one ciphertext per option.
    assert vote.tally_public_key is not None
    ciphertexts = encryption.encrypt_marks(
        public_n=int(vote.tally_public_key),
        marks=[int(option in selection) for option in ballot_options(vote)],
        rng=rng,
    )
    content = ballot_rules.canonical_ballot(vote_id=str(vote.id), ciphertexts=ciphertexts)
    receipt = ballot_rules.receipt_for(ballot_content=content)
    session.add(SecretBallotRoll(vote_id=vote.id, member_id=voter_id))
    session.add(SecretBallot(id=str(uuid.uuid4()), vote_id=vote.id, content=content, receipt=receipt))
    session.flush()
    # Deliberately no audit entry per ballot: its position in the log would order it against the roll.
    # The close event commits to the whole set (roll count, ballot count, commitment).
    return receipt, content


def voted_count(session: Session, *, vote: Vote) -> int:
    table = SecretBallotRoll if vote.method in SECRET_METHODS else OpenVoteCast
    return session.scalar(select(func.count()).select_from(table).where(table.vote_id == vote.id)) or 0


def published_ballots(session: Session, *, vote: Vote) -> list[ballot_rules.PublishedBallot]:
    """The ballots with their receipts, ordered by receipt (an order unrelated to casting)."""
    rows = session.execute(
        select(SecretBallot.content, SecretBallot.receipt)
        .where(SecretBallot.vote_id == vote.id)
        .order_by(SecretBallot.receipt)
    )
    return [ballot_rules.PublishedBallot(content=c, receipt=r) for c, r in rows]


def _roll(session: Session, vote: Vote) -> list[int]:
    return list(
        session.scalars(select(SecretBallotRoll.member_id).where(SecretBallotRoll.vote_id == vote.id))
    )


def _reshuffle(session: Session, *, vote: Vote, seed: int) -> None:
    """Rewrite the vote's ballots in shuffled order and its roll in member order, in one transaction.

    On PostgreSQL a row's physical position and ``xmin`` tell when it was written; after this rewrite every
    ballot and roll row of the vote carries the closing transaction's ``xmin`` and a position that says
    nothing about casting order. (SQLite's WITHOUT ROWID tables never kept that order.)
    """
    ballots = [
        dict(row._mapping)
        for row in session.execute(
            select(SecretBallot.id, SecretBallot.vote_id, SecretBallot.content, SecretBallot.receipt).where(
                SecretBallot.vote_id == vote.id
            )
        )
    ]
    roll = sorted(_roll(session, vote))
    session.execute(delete(SecretBallot).where(SecretBallot.vote_id == vote.id))
    session.execute(delete(SecretBallotRoll).where(SecretBallotRoll.vote_id == vote.id))
    shuffled = ballot_rules.shuffle_ballots(ballots=sorted(ballots, key=lambda b: str(b["id"])), seed=seed)
    if shuffled:
        session.execute(insert(SecretBallot), shuffled)
        session.execute(insert(SecretBallotRoll), [{"vote_id": vote.id, "member_id": m} for m in roll])
    session.expire_all()


def _fraction_text(value: Fraction) -> dict[str, str]:
    percent = (Fraction(100) * value).limit_denominator(10_000)
    return {"fraction": f"{value.numerator}/{value.denominator}", "percent": f"{float(percent):.2f}"}


def _majority_text(majority: rules.Majority, *, base: str) -> str:
    share = f"{majority.share.numerator}/{majority.share.denominator}"
    return f"{'at least' if majority.at_least else 'more than'} {share} of {base}"


def _lot(lot: rules.LotDraw | None) -> dict[str, Any] | None:
    return None if lot is None else {"seed": str(lot.seed), "order": list(lot.order)}


def _yes_no_result(result: rules.VoteResult, *, base: str) -> dict[str, Any]:
    return {
        "yes": result.yes,
        "no": result.no,
        "abstentions": result.abstentions,
        "votes_cast": result.votes_cast,
        "eligible": result.eligible,
        "turnout": _fraction_text(result.turnout),
        "majority_required": _majority_text(result.majority, base=base),
        "votes_needed": result.votes_needed,
        "outcome": result.outcome.value,
        "tie_break": result.tie_break.value,
        "casting_vote": result.casting_vote.value if result.casting_vote else None,
        "lot": _lot(result.lot),
        "excluded_member_ids": sorted(int(i) for i in result.excluded),
    }


def close_vote(
    session: Session,
    *,
    vote: Vote,
    chair_casting_vote: Choice | None,
    now: datetime,
    lot_seed: int,
    shuffle_seed: int,
    actor: User,
    tellers_passphrase: str | None = None,
) -> Vote:
    """Close a vote and record its result; a vote with an end time closes early only if the rulebook allows.

    ``lot_seed`` is recorded in the result only when a tie in a secret ballot or an election needs the lot;
    ``shuffle_seed`` reorders the stored ballots and is not kept. A secret ballot or election is tallied on
    its ciphertexts with the key that ``tellers_passphrase`` unwraps; only the sums are decrypted, published
    with their randomness, and the wrapped key is then erased.
    """
    if vote.status != VoteStatus.open:
        raise Conflict(f"vote {vote.id} is already closed", code="vote_closed")
    if vote.method not in SECRET_METHODS and tellers_passphrase is not None:
        raise RuleViolation("only secret ballots and elections have tellers", field="tellers_passphrase")
    rulebook = rulebook_of(session, vote.rulebook_id)
    meeting = session.get(Meeting, vote.meeting_id) if vote.meeting_id is not None else None
    day = _vote_day(vote, meeting)
    excluded = _ids(excluded_of(vote))
    if vote.method in (VoteMethod.board, VoteMethod.per_capsulam):
        eligible = _ids(sorted(voting_board(session, on=day)))
    else:
        assert meeting is not None
        eligible = _ids(sorted(_entitled_general(session, meeting=meeting)))
    all_voted = voted_count(session, vote=vote) >= len(set(eligible) - set(excluded))
    if not rules.may_close_early(rulebook=rulebook, now=now, ends_at=vote.ends_at, all_have_voted=all_voted):
        raise Conflict(
            f"vote {vote.id} runs until {vote.ends_at}; the rulebook does not allow closing it earlier",
            code="early_close_not_allowed",
        )
    casts = list(
        session.scalars(select(OpenVoteCast).where(OpenVoteCast.vote_id == vote.id).order_by(OpenVoteCast.id))
    )
    open_votes = [rules.Vote(voter=str(c.member_id), choice=Choice(c.choice)) for c in casts]
    result: dict[str, Any]
    try:
        if vote.method == VoteMethod.open:
            tallied = rules.tally_open_vote(
                rulebook=rulebook,
                kind=DecisionKind(vote.decision_kind),
                votes=open_votes,
                eligible=eligible,
                excluded=excluded,
                chair_casting_vote=chair_casting_vote,
            )
            result = _yes_no_result(tallied, base="votes cast")
        elif vote.method == VoteMethod.board:
            assert meeting is not None
            tallied = rules.tally_board_decision(
                rulebook=rulebook,
                board=eligible,
                present=_ids(sorted(_present(meeting) & voting_board(session, on=day))),
                votes=open_votes,
                excluded=excluded,
                chair_casting_vote=chair_casting_vote,
            )
            result = _yes_no_result(tallied, base="board members present")
        elif vote.method == VoteMethod.per_capsulam:
            decided = rules.decide_per_capsulam(
                rulebook=rulebook,
                board=eligible,
                responses={v.voter: v.choice for v in open_votes},
                excluded=excluded,
            )
            result = {
                "outcome": (rules.Outcome.ADOPTED if decided.adopted else rules.Outcome.REJECTED).value,
                "reason": decided.reason.value if decided.reason else None,
                "majority_required": "every board member reached and agreeing",
                "responses": len(open_votes),
                "eligible": len(set(eligible) - set(excluded)),
                "not_reached": sorted(int(i) for i in decided.not_reached),
                "dissenting": sorted(int(i) for i in decided.dissenting),
                "excluded_member_ids": sorted(int(i) for i in decided.excluded),
                "tie_break": rules.TieBreak.NONE.value,
            }
        else:
            result = _close_secret(
                session,
                vote=vote,
                rulebook=rulebook,
                eligible=eligible,
                excluded=excluded,
                lot_seed=lot_seed,
                key=_tally_key(vote, passphrase=tellers_passphrase),
            )
    except rules.CastingVoteRequired as exc:
        raise RuleViolation(str(exc), code="casting_vote_required", field="chair_casting_vote") from exc
    except rules.QuorumNotMet as exc:
        raise Conflict(str(exc), code="not_quorate") from exc
    except rules.GovernanceRuleError as exc:
        raise Conflict(str(exc), code="tally_refused") from exc
    if vote.method in SECRET_METHODS:
        published = published_ballots(session, vote=vote)
        vote.ballot_commitment = ballot_rules.ballot_commitment(published=published)
        vote.tally_key_wrapped = None
        _reshuffle(session, vote=vote, seed=shuffle_seed)
    vote.result = json.dumps(result, sort_keys=True)
    vote.status = VoteStatus.closed
    vote.closed_at = now
    session.flush()
    if result["outcome"] == rules.Outcome.ADOPTED.value and vote.parameter_key is not None:
        _set_parameter(session, vote=vote, meeting=meeting, actor=actor)
    append_event(
        session,
        kind="vote_closed",
        payload={
            "vote_id": vote.id,
            "method": vote.method,
            "outcome": result.get("outcome"),
            "elected": result.get("elected"),
            "roll_count": result.get("roll_count"),
            "ballot_commitment": vote.ballot_commitment,
            "parameter_value_id": vote.parameter_value_id,
        },
        now=now,
    )
    return vote


def _tally_key(vote: Vote, *, passphrase: str | None) -> encryption.TallyKey:
    if passphrase is None:
        raise RuleViolation(
            "closing a secret ballot needs the tellers' passphrase", code="tellers_passphrase_required"
        )
    if vote.tally_public_key is None or vote.tally_key_wrapped is None:
        raise Conflict(f"vote {vote.id} has no tally key", code="no_tally_key")
    try:
        return encryption.unwrap_key(
            wrapped=vote.tally_key_wrapped, public_n=int(vote.tally_public_key), passphrase=passphrase
        )
    except encryption.WrongPassphrase as exc:
        raise RuleViolation(str(exc), code="wrong_tellers_passphrase", field="tellers_passphrase") from exc


def _encrypted_ballots(session: Session, *, vote: Vote) -> list[list[int]]:
    return [ballot_rules.ciphertexts_of(b.content) for b in published_ballots(session, vote=vote)]


def _close_secret(
    session: Session,
    *,
    vote: Vote,
    rulebook: rules.Rulebook,
    eligible: list[str],
    excluded: list[str],
    lot_seed: int,
    key: encryption.TallyKey,
) -> dict[str, Any]:
    """Tally on the ciphertexts: multiply each option's ciphertexts and decrypt only those products."""
    roll = _ids(_roll(session, vote))
    ballots = _encrypted_ballots(session, vote=vote)
    options = ballot_options(vote)
    sums = encryption.homomorphic_sums(public_n=key.n, ballots=ballots, options=len(options))
    decrypted = [encryption.decrypt_sum(key=key, ciphertext=c) for c in sums]
    counts = {option: d.count for option, d in zip(options, decrypted, strict=True)}
    decryption = {
        "public_key": str(key.n),
        "sums": [
            {"option": o, "ciphertext": str(c), "count": d.count, "randomness": str(d.randomness)}
            for o, c, d in zip(options, sums, decrypted, strict=True)
        ],
    }
    if vote.method == VoteMethod.secret:
        tallied = rules.tally_secret_ballot(
            rulebook=rulebook,
            kind=DecisionKind(vote.decision_kind),
            ballots=[Choice(o) for o in Choice for _ in range(counts[o.value])],
            roll=roll,
            eligible=eligible,
            excluded=excluded,
            lot_seed=lot_seed,
        )
        return {
            **_yes_no_result(tallied, base="votes cast"),
            "roll_count": len(roll),
            "ballot_count": len(ballots),
            "decryption": decryption,
        }
    elected = rules.tally_election_sums(
        seats=vote.seats or 0,
        candidates=candidates_of(vote) or [],
        counts={name: n for name, n in counts.items() if name is not None},
        ballot_count=len(ballots),
        blank=counts[None],
        roll=roll,
        eligible=eligible,
        lot_seed=lot_seed,
    )
    return {
        "seats": elected.seats,
        "counts": dict(elected.counts),
        "ballot_count": elected.ballots,
        "roll_count": len(roll),
        "blank": elected.blank,
        "eligible": elected.eligible,
        "turnout": _fraction_text(elected.turnout),
        "majority_required": f"the {elected.seats} candidate(s) with most votes",
        "elected": list(elected.elected),
        "outcome": "elected",
        "tie_break": elected.tie_break.value,
        "lot": _lot(elected.lot),
        "decryption": decryption,
    }


def published_decryption(vote: Vote) -> dict[str, Any] | None:
    """The tally's decryption published at close (public key and per-option sums), None before close."""
    if vote.result is None:
        return None
    decryption: dict[str, Any] | None = json.loads(vote.result).get("decryption")
    return decryption


def _stated_counts(vote: Vote, result: dict[str, Any]) -> list[int]:
    """The per-option counts the result states, in ciphertext order."""
    if vote.method == VoteMethod.election:
        return [*(int(result["counts"][c]) for c in candidates_of(vote) or []), int(result["blank"])]
    return [int(result["yes"]), int(result["no"]), int(result["abstentions"])]


def recount(session: Session, *, vote: Vote) -> RecountRead:
    """Recount a closed secret ballot from the stored ciphertexts, as anyone can from the published list.

    Recomputes the commitment and each option's homomorphic sum, checks each published decryption by
    re-encrypting (count, r), and checks that the result states the decrypted counts.
    """
    decryption = published_decryption(vote)
    if vote.method not in SECRET_METHODS:
        raise Conflict(f"vote {vote.id} is not a secret ballot", code="not_a_secret_ballot")
    if vote.status != VoteStatus.closed or vote.result is None:
        raise Conflict("a secret ballot is recounted once it has closed", code="vote_open")
    if decryption is None:
        raise Conflict(f"vote {vote.id} was closed before ballots were encrypted", code="not_encrypted")
    public_n, stated = int(decryption["public_key"]), decryption["sums"]
    published = published_ballots(session, vote=vote)
    try:
        sums = encryption.homomorphic_sums(
            public_n=public_n, ballots=_encrypted_ballots(session, vote=vote), options=len(stated)
        )
    except (ValueError, KeyError):
        sums = []
    verified = all(
        encryption.verify_decryption(
            public_n=public_n,
            ciphertext=int(s["ciphertext"]),
            decryption=encryption.Decryption(count=int(s["count"]), randomness=int(s["randomness"])),
        )
        for s in stated
    )
    checks = {
        "commitment_matches": ballot_rules.ballot_commitment(published=published) == vote.ballot_commitment,
        "sums_match": [str(c) for c in sums] == [s["ciphertext"] for s in stated],
        "decryptions_verify": verified,
        "counts_match": [int(s["count"]) for s in stated] == _stated_counts(vote, json.loads(vote.result)),
    }
    return RecountRead(vote_id=vote.id, ok=all(checks.values()), **checks)


def decision_reference(vote: Vote, meeting: Meeting | None, item: AgendaItem | None) -> str:
    if meeting is None:
        return f"per capsulam decision, vote {vote.id}"
    where = f" item {item.position}" if item is not None else ""
    return f"meeting {meeting.id}{where}, vote {vote.id}"


def _set_parameter(session: Session, *, vote: Vote, meeting: Meeting | None, actor: User) -> None:
    """An adopted decision that sets a dated parameter adds the value, citing the decision."""
    assert vote.parameter_key is not None
    assert vote.parameter_value is not None
    assert vote.parameter_valid_from is not None
    item = session.get(AgendaItem, vote.agenda_item_id) if vote.agenda_item_id is not None else None
    where = meeting.title if meeting is not None else "the board, per capsulam"
    row = parameters.add_value(
        session,
        key=vote.parameter_key,
        valid_from=vote.parameter_valid_from,
        value=vote.parameter_value,
        source=f"{where}: {vote.question}"[:500],
        decision_reference=decision_reference(vote, meeting, item),
        created_by_id=actor.id,
    )
    vote.parameter_value_id = row.id
    session.flush()


def cast_votes(session: Session, *, vote: Vote) -> list[OpenVoteCast]:
    return list(
        session.scalars(
            select(OpenVoteCast).where(OpenVoteCast.vote_id == vote.id).order_by(OpenVoteCast.member_id)
        )
    )


def votes_of(session: Session, *, meeting: Meeting) -> list[Vote]:
    return list(session.scalars(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.id)))

"""Governance over HTTP: rulebooks, the board, meetings, votes, secret ballots, minutes.

Board members and the admin run meetings and votes; current members vote at general meetings and the
board's members on board decisions; anyone signed in reads meetings, closed results and minutes. Nobody
ever sees how another member voted in a secret ballot, and open votes with hidden results only after close.
"""

from __future__ import annotations

import random
import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from kooperativet.api.dependencies import AppSettings, DbSession, Now, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth import policy
from kooperativet.auth.dependencies import AdminUser, CurrentUser, require_roles
from kooperativet.auth.models import User
from kooperativet.governance import (
    board,
    conduct,
    mail,
    meetings,
    members,
    minutes_approval,
    reads,
    results,
    rulebooks,
    verification,
    votes,
)
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance.ballot_encryption import TALLY_KEY_BITS
from kooperativet.governance.schemas.board import BoardAssignmentCreate, BoardAssignmentRead
from kooperativet.governance.schemas.meetings import (
    AgendaItemCreate,
    AgendaItemRead,
    AttendanceCreate,
    MeetingCreate,
    MeetingOpen,
    MeetingRead,
    MotionAnswer,
    MotionCreate,
    NoticeCreate,
    NoticeRead,
    OfficialsUpdate,
    ProxyCreate,
    ProxyRead,
)
from kooperativet.governance.schemas.minutes import MinutesCreate, MinutesRead
from kooperativet.governance.schemas.rulebooks import RulebookCreate, RulebookRead
from kooperativet.governance.schemas.verification import PublishedBallots, RecountRead
from kooperativet.governance.schemas.votes import (
    BallotCreate,
    BallotReceipt,
    PerCapsulamCreate,
    VoteClose,
    VoteCreate,
    VoteRead,
)

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])

BoardOrAdmin = Annotated[User, Depends(require_roles(*policy.MEETING_RUNNERS))]


def _random_seed() -> int:
    return secrets.randbits(64)


def tally_key_bits() -> int:
    """Paillier modulus size for new secret ballots; a dependency so that tests can use a smaller key."""
    return TALLY_KEY_BITS


TallyKeyBits = Annotated[int, Depends(tally_key_bits)]


# --- rulebooks and board ----------------------------------------------------------------------------------


@router.get("/rulebooks", responses=problem_responses(401))
def list_rulebooks(_user: CurrentUser, session: DbSession) -> list[RulebookRead]:
    """Every dated rulebook version (majorities, quorum, notice, proxies, secret ballots)."""
    return [RulebookRead.model_validate(v) for v in rulebooks.list_rulebooks(session)]


@router.post(
    "/rulebooks", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422)
)
def add_rulebook(body: RulebookCreate, _admin: AdminUser, session: DbSession) -> RulebookRead:
    """Add a rulebook version valid from a date (admin): meetings on or after it are governed by it."""
    return RulebookRead.model_validate(rulebooks.add_rulebook(session, data=body))


@router.get("/board", responses=problem_responses(401, 422))
def list_board_assignments(
    _user: CurrentUser, session: DbSession, on: date | None = None
) -> list[BoardAssignmentRead]:
    """Board roles and terms; with ``on``, only those holding a seat on that day."""
    return [BoardAssignmentRead.model_validate(a) for a in board.list_board(session, on=on)]


@router.post("/board", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 422))
def appoint_board_member(
    body: BoardAssignmentCreate, _admin: AdminUser, session: DbSession
) -> BoardAssignmentRead:
    """Record a member's board role and term, as elected (admin)."""
    return BoardAssignmentRead.model_validate(board.appoint_board_member(session, data=body))


# --- meetings ---------------------------------------------------------------------------------------------


@router.get("/meetings", responses=problem_responses(401, 422))
def list_meetings(_user: CurrentUser, session: DbSession, window: Window) -> Page[MeetingRead]:
    """Meetings, latest first."""
    rows, total = meetings.list_meetings(session, limit=window.limit, offset=window.offset)
    return Page(
        items=[reads.meeting_read(session, m) for m in rows],
        total=total,
        limit=window.limit,
        offset=window.offset,
    )


@router.post("/meetings", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 422))
def create_meeting(body: MeetingCreate, _user: BoardOrAdmin, session: DbSession) -> MeetingRead:
    """Plan a board meeting, an annual meeting or an extra general meeting (board or admin)."""
    meeting = meetings.create_meeting(
        session, kind=body.kind, title=body.title, held_on=body.held_on, location=body.location
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
    """Send the notice (kallelse) today: checked against the rulebook and e-mailed when SMTP is set up.

    The notice is committed first and mailed afterwards, so a mail failure never loses it; the sending
    result is recorded on the meeting.
    """
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    check = meetings.give_notice(session, meeting=meeting, text=body.text, today=today)
    recipients = meetings.notice_recipients(session, meeting=meeting, today=today)
    session.commit()
    outcome = mail.send_notice(
        settings,
        recipients=recipients,
        subject=f"Kallelse: {meeting.title}, {meeting.held_on.isoformat()}",
        body=body.text,
    )
    meetings.record_notice_mail(session, meeting=meeting, status=outcome.status, detail=outcome.detail)
    return NoticeRead.from_check(check, noticed_on=today, mail=outcome)


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


@router.post("/meetings/{meeting_id}/close", responses=problem_responses(401, 403, 404, 409))
def close_meeting(meeting_id: int, _user: BoardOrAdmin, session: DbSession, clock: Now) -> MeetingRead:
    """Close the meeting once every vote is closed (board or admin)."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    return reads.meeting_read(session, meetings.close_meeting(session, meeting=meeting, now=clock))


# --- votes ------------------------------------------------------------------------------------------------


@router.post(
    "/meetings/{meeting_id}/votes",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def open_vote(
    meeting_id: int, body: VoteCreate, _user: BoardOrAdmin, session: DbSession, clock: Now, bits: TallyKeyBits
) -> VoteRead:
    """Put a question, a secret ballot or an election to the meeting (board or admin). A secret ballot or
    election needs the tellers' passphrase: it seals the key that alone decrypts the tally."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    vote = votes.open_vote(
        session, meeting=meeting, data=body, now=clock, tally_key_bits=bits, rng=random.SystemRandom()
    )
    return reads.vote_read(session, vote)


@router.post(
    "/per-capsulam", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422)
)
def propose_per_capsulam(
    body: PerCapsulamCreate, _user: BoardOrAdmin, session: DbSession, clock: Now, today: Today
) -> VoteRead:
    """A board decision between meetings: every board member must be reached and agree (board or admin)."""
    return reads.vote_read(session, votes.propose_per_capsulam(session, data=body, now=clock, today=today))


@router.get("/votes/{vote_id}", responses=problem_responses(401, 404))
def get_vote(vote_id: int, _user: CurrentUser, session: DbSession) -> VoteRead:
    """A vote: its result once closed; open votes show each voter's choice unless results are hidden."""
    return reads.vote_read(session, votes.get_vote(session, vote_id=vote_id))


@router.post(
    "/votes/{vote_id}/ballots",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 404, 409, 422),
)
def cast_vote(
    vote_id: int, body: BallotCreate, user: CurrentUser, session: DbSession, clock: Now
) -> BallotReceipt:
    """Vote, yourself or as a proxy. A secret ballot is stored only encrypted; it returns your receipt (the
    SHA-256 of your encrypted ballot): keep it to find your ballot among the published ones after close."""
    vote = votes.get_vote(session, vote_id=vote_id)
    caster = members.member_of(session, user=user)
    receipt, ballot = votes.cast_vote(
        session, vote=vote, caster=caster, data=body, now=clock, rng=random.SystemRandom()
    )
    return BallotReceipt(vote_id=vote.id, secret=receipt is not None, receipt=receipt, ballot=ballot)


@router.post("/votes/{vote_id}/close", responses=problem_responses(401, 403, 404, 409, 422))
def close_vote(vote_id: int, body: VoteClose, user: BoardOrAdmin, session: DbSession, clock: Now) -> VoteRead:
    """Close a vote and record the result (board or admin). A tied open vote needs the chair's casting
    vote; a tied secret ballot or election is settled by a lot whose seed is recorded. A secret ballot or
    election needs the tellers' passphrase; only its sums are decrypted, published in checkable form."""
    vote = votes.get_vote(session, vote_id=vote_id)
    closed = results.close_vote(
        session,
        vote=vote,
        chair_casting_vote=body.chair_casting_vote,
        now=clock,
        lot_seed=_random_seed(),
        shuffle_seed=_random_seed(),
        actor=user,
        tellers_passphrase=body.tellers_passphrase,
    )
    return reads.vote_read(session, closed)


@router.get("/votes/{vote_id}/published-ballots", responses=problem_responses(401, 404, 409))
def get_published_ballots(vote_id: int, _user: CurrentUser, session: DbSession) -> PublishedBallots:
    """After close: every encrypted ballot with its receipt (no names), the roll count, the SHA-256
    commitment, the public key and each option's decrypted sum with its randomness, so anyone can recount."""
    return verification.publication(session, vote=votes.get_vote(session, vote_id=vote_id))


@router.get("/votes/{vote_id}/recount", responses=problem_responses(401, 404, 409))
def recount(vote_id: int, _user: CurrentUser, session: DbSession) -> RecountRead:
    """Recount a closed secret ballot: recompute the commitment and the homomorphic sums from the stored
    ciphertexts and check each published decryption; ``ok`` is false if anything was altered."""
    return verification.recount(session, vote=votes.get_vote(session, vote_id=vote_id))


# --- minutes ----------------------------------------------------------------------------------------------


@router.post(
    "/meetings/{meeting_id}/minutes",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def draw_up_minutes(
    meeting_id: int, body: MinutesCreate, _user: BoardOrAdmin, session: DbSession, clock: Now
) -> MinutesRead:
    """Draw up (or redraw) the minutes PDF of a closed meeting; once locked, a correction is a new version."""
    meeting = meetings.get_meeting(session, meeting_id=meeting_id)
    minutes = minutes_service.draw_up_minutes(
        session, meeting=meeting, correction_reason=body.correction_reason, now=clock
    )
    return MinutesRead.model_validate(minutes)


@router.post("/minutes/{minutes_id}/approvals", responses=problem_responses(401, 403, 404, 409, 422))
def approve_minutes(minutes_id: int, user: CurrentUser, session: DbSession, clock: Now) -> MinutesRead:
    """An adjuster elected at the meeting approves (justerar) the draft minutes from their own account; when
    both adjusters have approved, the minutes are rendered as adjusted and locked for good."""
    minutes = minutes_service.get_minutes(session, minutes_id=minutes_id)
    member = members.member_of(session, user=user)
    return MinutesRead.model_validate(
        minutes_approval.approve_minutes(session, minutes=minutes, member=member, now=clock)
    )


@router.get(
    "/minutes/{minutes_id}/pdf",
    responses={**problem_responses(401, 404), 200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)
def download_minutes(minutes_id: int, _user: CurrentUser, session: DbSession) -> Response:
    """The minutes PDF."""
    minutes = minutes_service.get_minutes(session, minutes_id=minutes_id)
    return file_response(
        minutes.pdf,
        media_type="application/pdf",
        filename=f"minutes-{minutes.meeting_id}-v{minutes.version}.pdf",
        disposition="inline",
    )

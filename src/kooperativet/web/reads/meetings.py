"""What the meeting pages and the start page read: lists of meetings, votes and minutes, names of members.

Each function runs a fixed number of queries whatever the number of rows, and selects columns rather than
whole members (a member row carries encrypted personal data the pages never show here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.governance.board import voting_board
from kooperativet.governance.models import (
    Attendance,
    Meeting,
    MeetingProxy,
    MeetingStatus,
    Minutes,
    MinutesApproval,
    OpenVoteCast,
    SecretBallotRoll,
    Vote,
    VoteMethod,
    VoteStatus,
)
from kooperativet.governance.schemas.results import result_read
from kooperativet.parties.models import Member

SECRET = (VoteMethod.secret, VoteMethod.election)
BOARD_VOTES = (VoteMethod.board, VoteMethod.per_capsulam)


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    kind: str
    title: str
    held_on: date
    location: str | None
    status: str
    noticed_on: date | None
    starts_at: time | None


@dataclass(frozen=True, slots=True)
class MemberChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class VoteRow:
    id: int
    question: str
    method: str
    status: str
    meeting_id: int | None
    meeting_title: str | None
    voted: int = 0
    #: A closed vote's result as the API shows it (``result_read``: an election's ``vacant_seats`` too): the
    #: meeting page says its outcome in the list.
    result: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class MinutesRow:
    id: int
    meeting_id: int
    meeting_title: str
    version: int
    approvals: int


def meeting_rows(session: Session, *, statuses: Iterable[MeetingStatus] | None = None) -> list[MeetingRow]:
    """Meetings, the latest first (or only those in ``statuses``, the soonest first)."""
    query = select(
        Meeting.id,
        Meeting.kind,
        Meeting.title,
        Meeting.held_on,
        Meeting.location,
        Meeting.status,
        Meeting.noticed_on,
        Meeting.starts_at,
    )
    if statuses is None:
        query = query.order_by(Meeting.held_on.desc(), Meeting.id.desc())
    else:
        query = query.where(Meeting.status.in_(list(statuses))).order_by(Meeting.held_on, Meeting.id)
    return [MeetingRow(*row) for row in session.execute(query)]


def is_coming(row: MeetingRow, *, today: date) -> bool:
    """Whether the meetings page lists ``row`` among the coming meetings: one in session, whatever its day,
    or one planned for today or later. A planned meeting whose day has passed without its being opened is
    not coming: it is listed with the past ones, its status "Planned" saying it was never held."""
    if row.status == MeetingStatus.open:
        return True
    return row.status == MeetingStatus.planned and row.held_on >= today


def member_names(session: Session) -> dict[int, str]:
    rows = session.execute(select(Member.id, Member.first_name, Member.last_name))
    return {member_id: f"{first} {last}" for member_id, first, last in rows}


def current_members(session: Session, *, on: date) -> list[MemberChoice]:
    """Members on ``on``, by name: the people a meeting may register, appoint or accept a proxy for."""
    rows = session.execute(
        select(Member.id, Member.first_name, Member.last_name)
        .where(Member.current_on(on))
        .order_by(Member.first_name, Member.last_name, Member.id)
    )
    return [MemberChoice(member_id, f"{first} {last}") for member_id, first, last in rows]


def member_id_of(session: Session, *, user_id: int) -> int | None:
    found: int | None = session.scalar(select(Member.id).where(Member.user_id == user_id))
    return found


def voted_counts(session: Session, *, vote_ids: Iterable[int]) -> dict[int, int]:
    """How many have voted in each vote: the open casts and the secret ballots' roll, two grouped counts."""
    ids = list(vote_ids)
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    for table in (OpenVoteCast, SecretBallotRoll):
        rows = session.execute(
            select(table.vote_id, func.count()).where(table.vote_id.in_(ids)).group_by(table.vote_id)
        )
        for vote_id, count in rows:
            counts[vote_id] += count
    return counts


def meeting_votes(session: Session, *, meeting_id: int) -> list[VoteRow]:
    rows = session.execute(
        select(Vote.id, Vote.question, Vote.method, Vote.status, Vote.result)
        .where(Vote.meeting_id == meeting_id)
        .order_by(Vote.id)
    ).all()
    counts = voted_counts(session, vote_ids=[row.id for row in rows])
    return [
        VoteRow(r.id, r.question, r.method, r.status, meeting_id, None, counts[r.id], result_read(r.result))
        for r in rows
    ]


def per_capsulam_votes(session: Session) -> list[VoteRow]:
    rows = session.execute(
        select(Vote.id, Vote.question, Vote.method, Vote.status)
        .where(Vote.method == VoteMethod.per_capsulam)
        .order_by(Vote.id.desc())
    ).all()
    counts = voted_counts(session, vote_ids=[row.id for row in rows])
    return [VoteRow(r.id, r.question, r.method, r.status, None, None, counts[r.id]) for r in rows]


def votes_awaiting(session: Session, *, member_id: int, today: date) -> list[VoteRow]:
    """The open votes this member may cast and has not: at a meeting she is registered present at (a board
    vote only if she sits on the board), or a per capsulam question to the board she sits on."""
    rows = session.execute(
        select(
            Vote.id,
            Vote.question,
            Vote.method,
            Vote.status,
            Vote.meeting_id,
            Vote.excluded_member_ids,
            Meeting.title,
        )
        .outerjoin(Meeting, Meeting.id == Vote.meeting_id)
        .where(Vote.status == VoteStatus.open)
        .order_by(Vote.id)
    ).all()
    present = set(session.scalars(select(Attendance.meeting_id).where(Attendance.member_id == member_id)))
    voted = set(session.scalars(select(OpenVoteCast.vote_id).where(OpenVoteCast.member_id == member_id)))
    voted |= set(
        session.scalars(select(SecretBallotRoll.vote_id).where(SecretBallotRoll.member_id == member_id))
    )
    on_board = member_id in voting_board(session, on=today)
    awaiting = []
    for row in rows:
        if row.id in voted or member_id in {int(i) for i in row.excluded_member_ids}:
            continue
        board_vote = row.method in BOARD_VOTES
        at_meeting = row.meeting_id is None or row.meeting_id in present
        if at_meeting and (on_board or not board_vote):
            awaiting.append(VoteRow(row.id, row.question, row.method, row.status, row.meeting_id, row.title))
    return awaiting


def proxies_held(session: Session, *, meeting_id: int, member_id: int) -> list[int]:
    """The members this member votes for at the meeting, under a registered fullmakt."""
    return list(
        session.scalars(
            select(MeetingProxy.principal_member_id)
            .where(MeetingProxy.meeting_id == meeting_id, MeetingProxy.attendee_member_id == member_id)
            .order_by(MeetingProxy.principal_member_id)
        )
    )


def represented(session: Session, *, meeting_id: int, member_id: int) -> bool:
    """Whether an ombud votes for this member at the meeting (she is then not present herself)."""
    found = session.scalar(
        select(MeetingProxy.id)
        .where(MeetingProxy.meeting_id == meeting_id, MeetingProxy.principal_member_id == member_id)
        .limit(1)
    )
    return found is not None


def has_voted(session: Session, *, vote: Vote, member_ids: Iterable[int]) -> set[int]:
    """Which of ``member_ids`` have voted in ``vote`` (for themselves, or through their proxy)."""
    table = SecretBallotRoll if vote.method in SECRET else OpenVoteCast
    ids = list(member_ids)
    return set(
        session.scalars(select(table.member_id).where(table.vote_id == vote.id, table.member_id.in_(ids)))
    )


def minutes_awaiting(session: Session, *, adjuster_id: int | None = None) -> list[MinutesRow]:
    """Minutes not yet adjusted, with how many adjusters have approved them; with ``adjuster_id``, only
    those this member is to adjust and has not yet approved."""
    approvals = (
        select(MinutesApproval.minutes_id, func.count().label("approvals"))
        .group_by(MinutesApproval.minutes_id)
        .subquery()
    )
    query = (
        select(
            Minutes.id,
            Minutes.meeting_id,
            Meeting.title,
            Minutes.version,
            func.coalesce(approvals.c.approvals, 0),
        )
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .outerjoin(approvals, approvals.c.minutes_id == Minutes.id)
        .where(Minutes.locked_at.is_(None))
        .order_by(Minutes.id)
    )
    if adjuster_id is not None:
        mine = select(MinutesApproval.minutes_id).where(MinutesApproval.member_id == adjuster_id)
        query = query.where(
            (Meeting.adjuster1_member_id == adjuster_id) | (Meeting.adjuster2_member_id == adjuster_id),
            Minutes.id.not_in(mine),
        )
    return [MinutesRow(*row) for row in session.execute(query)]

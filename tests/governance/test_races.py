"""Governance requests that race: a vote cast while the vote closes, two closes at once, one member casting
twice at once, an adjuster's approval while the draft is redrawn.

Each needs real commits seen by another connection in between, on a database of its own
(``committed_url``). Only PostgreSQL can interleave them: SQLite's one writer (``BEGIN IMMEDIATE``) makes each
writing transaction wait for the one before, so these tests run on PostgreSQL only.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.errors import Conflict
from kooperativet.governance import meetings as meetings_service
from kooperativet.governance import minutes as minutes_service
from kooperativet.governance import minutes_approval, results, verification, votes
from kooperativet.governance.models import (
    BoardAssignment,
    BoardRole,
    Meeting,
    Minutes,
    OpenVoteCast,
    SecretBallot,
    SecretBallotRoll,
    Vote,
)
from kooperativet.governance.rulebooks import seed_default_rulebook
from kooperativet.governance.rules.terms import Choice, MeetingKind
from kooperativet.governance.schemas.meetings import OfficialsUpdate
from kooperativet.governance.schemas.votes import BallotCreate, VoteCreate
from kooperativet.parties.models import Member
from tests.concurrency import at_once
from tests.conftest import TEST_AUDIT_KEY, TEST_DATABASE_ENV, VALID_PERSONAL_NUMBERS
from tests.governance.conftest import TELLERS_PASSPHRASE, TEST_TALLY_KEY_BITS

pytestmark = pytest.mark.skipif(
    not os.environ.get(TEST_DATABASE_ENV),
    reason="SQLite's one writer (BEGIN IMMEDIATE) makes these interleavings impossible",
)

TELLERS = {"tellers_passphrase": TELLERS_PASSPHRASE}
DAY = date(2026, 12, 20)
AT = datetime.combine(DAY, time(18, 0), tzinfo=UTC)


@dataclass
class Held:
    factory: sessionmaker[Session]
    meeting_id: int
    member_ids: list[int]
    officer_id: int


def _members(session: Session) -> list[int]:
    ids = []
    for index, number in enumerate(VALID_PERSONAL_NUMBERS):
        digits = number.replace("-", "")
        member = Member(
            first_name="Mia",
            last_name=f"Medlem{index}",
            personal_identity_number=digits,
            birth_date=date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])),
            joined_on=date(2025, 1, 1),
        )
        session.add(member)
        session.flush()
        ids.append(member.id)
    return ids


@pytest.fixture
def held(committed_url: str) -> Iterator[Held]:
    """An annual meeting on a committed database: open, every member present, officials chosen (the third
    and fourth members adjust the minutes)."""
    engine = make_engine(committed_url, pool_size=8)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        seed_default_rulebook(session)
        officer = User(email="board@example.se", full_name="Styrelsen", password_hash="x")
        officer.role_rows = [UserRole(role=Role.board)]
        session.add(officer)
        ids = _members(session)
        for member_id in ids[:3]:
            session.add(
                BoardAssignment(member_id=member_id, role=BoardRole.member, term_from=date(2025, 5, 1))
            )
        meeting = meetings_service.create_meeting(
            session, kind=MeetingKind.ANNUAL, title="Årsmöte", held_on=DAY, location=None
        )
        meetings_service.open_meeting(session, meeting=meeting, override_reason="ingen kallelse", now=AT)
        officials = OfficialsUpdate(
            chair_member_id=ids[0],
            secretary_member_id=ids[1],
            adjuster1_member_id=ids[2],
            adjuster2_member_id=ids[3],
        )
        meetings_service.set_officials(session, meeting=meeting, data=officials)
        for member_id in ids:
            meetings_service.register_attendance(session, meeting=meeting, member_id=member_id)
        session.flush()
        held = Held(factory=factory, meeting_id=meeting.id, member_ids=ids, officer_id=officer.id)
    try:
        yield held
    finally:
        engine.dispose()


def _put(held: Held, **body) -> int:
    with transaction(held.factory) as session:
        vote = votes.open_vote(
            session,
            meeting=session.get(Meeting, held.meeting_id),
            data=VoteCreate(question="Fråga?", **body),
            now=AT,
            tally_key_bits=TEST_TALLY_KEY_BITS,
            rng=random.Random(7),
        )
        return vote.id


def _cast(session: Session, vote: Vote, member_id: int, choice: str) -> None:
    votes.cast_vote(
        session,
        vote=vote,
        caster=session.get(Member, member_id),
        data=BallotCreate(choice=choice),
        now=AT,
        rng=random.Random(),
    )


def _cast_committed(held: Held, vote_id: int, member_id: int, choice: str) -> None:
    with transaction(held.factory) as session:
        _cast(session, session.get(Vote, vote_id), member_id, choice)


def _close(session: Session, held: Held, vote: Vote, **body) -> Vote:
    return results.close_vote(
        session,
        vote=vote,
        chair_casting_vote=body.get("chair_casting_vote"),
        now=AT,
        lot_seed=1,
        shuffle_seed=2,
        actor=session.get(User, held.officer_id),
        tellers_passphrase=body.get("tellers_passphrase"),
    )


def _cast_after_the_close(held: Held, vote_id: int, **close) -> None:
    """The cast request has read the vote as open; the chair's close commits before the cast writes its
    row. The cast is then either refused (``vote_closed``) or, had it come first, counted."""
    late = held.factory()
    try:
        stale = late.get(Vote, vote_id)
        with transaction(held.factory) as session:
            _close(session, held, session.get(Vote, vote_id), **close)
        try:
            _cast(late, stale, held.member_ids[3], "no")
            late.commit()
        except Conflict:
            late.rollback()
    finally:
        late.close()


def _events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(row.payload) for row in rows]


def _count(
    session: Session, table: type[OpenVoteCast | SecretBallot | SecretBallotRoll], vote_id: int
) -> int:
    return session.scalar(select(func.count()).select_from(table).where(table.vote_id == vote_id)) or 0


def test_an_open_vote_cast_while_the_vote_closes_is_refused_or_counted(held: Held) -> None:
    vote_id = _put(held, method="open")
    for member_id in held.member_ids[:3]:
        _cast_committed(held, vote_id, member_id, "yes")
    _cast_after_the_close(held, vote_id)
    with transaction(held.factory) as session:
        result = session.get(Vote, vote_id).result
        counted = result["yes"] + result["no"] + result["abstentions"]
        assert counted == _count(session, OpenVoteCast, vote_id) == 3


def test_a_secret_ballot_cast_while_the_vote_closes_leaves_the_count_and_the_recount_intact(
    held: Held,
) -> None:
    vote_id = _put(held, method="secret", **TELLERS)
    for member_id in held.member_ids[:3]:
        _cast_committed(held, vote_id, member_id, "yes")
    _cast_after_the_close(held, vote_id, **TELLERS)
    with transaction(held.factory) as session:
        vote = session.get(Vote, vote_id)
        stored = (_count(session, SecretBallot, vote_id), _count(session, SecretBallotRoll, vote_id))
        assert stored == (vote.result["ballot_count"], vote.result["roll_count"]) == (3, 3)
        assert verification.recount(session, vote=vote).ok


def test_two_closes_of_one_vote_at_once_record_one_result(held: Held) -> None:
    """A tied open vote closed by two board members at once, with different casting votes."""
    vote_id = _put(held, method="open")
    for member_id, choice in zip(held.member_ids[:4], ["yes", "no", "yes", "no"], strict=True):
        _cast_committed(held, vote_id, member_id, choice)
    second = held.factory()
    try:
        stale = second.get(Vote, vote_id)
        with transaction(held.factory) as session:
            _close(session, held, session.get(Vote, vote_id), chair_casting_vote=Choice.YES)
        with pytest.raises(Conflict) as refused:
            _close(second, held, stale, chair_casting_vote=Choice.NO)
        assert refused.value.code == "vote_closed"
        second.rollback()
    finally:
        second.close()
    with transaction(held.factory) as session:
        closed = [e for e in _events(session, "vote_closed") if e["vote_id"] == vote_id]
        assert [e["outcome"] for e in closed] == ["adopted"], closed
        assert session.get(Vote, vote_id).result["outcome"] == "adopted"


def test_the_same_member_casting_a_secret_ballot_twice_at_once_is_counted_once(held: Held) -> None:
    vote_id = _put(held, method="secret", **TELLERS)

    def cast(choice: str) -> Callable[[], str]:
        def request() -> str:
            _cast_committed(held, vote_id, held.member_ids[0], choice)
            return "cast"

        return request

    outcomes = at_once(*(cast(choice) for choice in ["yes", "no", "yes", "no"]))
    assert sorted(outcomes) == ["already_voted", "already_voted", "already_voted", "cast"], outcomes
    with transaction(held.factory) as session:
        assert _count(session, SecretBallot, vote_id) == _count(session, SecretBallotRoll, vote_id) == 1


def test_an_approval_read_before_the_draft_was_redrawn_does_not_lock_it_with_another_draft(
    held: Held,
) -> None:
    """Adjuster A's request read draft X; the board redrew it (Y) and committed before A's approval was
    written. Locked minutes must be adjusted by approvals that all name the draft they were locked from."""
    with transaction(held.factory) as session:
        meeting = session.get(Meeting, held.meeting_id)
        meetings_service.close_meeting(session, meeting=meeting, now=AT)
        minutes_id = minutes_service.draw_up_minutes(
            session, meeting=meeting, correction_reason=None, now=AT
        ).id
    with transaction(held.factory) as session:
        minutes_service.minutes_pdf(session, minutes=session.get(Minutes, minutes_id))
    a, b = held.member_ids[2], held.member_ids[3]
    late = held.factory()
    try:
        stale = late.get(Minutes, minutes_id)  # A's request read draft X
        first_draft = stale.sha256
        with transaction(held.factory) as session:  # the board redraws
            meeting = session.get(Meeting, held.meeting_id)
            minutes_service.draw_up_minutes(session, meeting=meeting, correction_reason=None, now=AT)
        with transaction(held.factory) as session:
            minutes_service.minutes_pdf(session, minutes=session.get(Minutes, minutes_id))
        try:
            minutes_approval.approve_minutes(late, minutes=stale, member=late.get(Member, a), now=AT)
            late.commit()
        except Conflict:
            late.rollback()
    finally:
        late.close()
    with transaction(held.factory) as session:
        minutes = session.get(Minutes, minutes_id)
        assert minutes.sha256 != first_draft
        with contextlib.suppress(Conflict):
            minutes_approval.approve_minutes(session, minutes=minutes, member=session.get(Member, b), now=AT)
    with transaction(held.factory) as session:
        minutes = session.get(Minutes, minutes_id)
        if minutes.locked_at is not None:
            (locked,) = [e for e in _events(session, "minutes_locked") if e["minutes_id"] == minutes_id]
            assert {a.draft_sha256 for a in minutes.approvals} == {locked["draft_sha256"]}

"""Two confirmations of the same first adoption at the same moment (statutes asking for two meetings): two
items at the next general meeting name the same first adoption, and a vote is put on each at once. Putting a
confirming vote locks the first adoption's item, so the other waits, then sees the open vote and is refused
(``confirmation_vote_open``): one confirming vote is open at a time, so the first to close cannot leave the
other one open for good (it could never close, ``already_confirmed``, nor could its meeting). Once confirmed,
no further confirming vote is put (``already_confirmed``); the statutes are changed once, by one decision.

Committed work on a database of its own (``committed_url``), as in ``test_races``. On PostgreSQL the two
requests really run side by side and the row lock orders them; on SQLite its one writer (``BEGIN IMMEDIATE``)
makes the second wait for the first all the same, so the test runs on both and ends on both.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.auth.models import Role, User, UserRole
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.governance import meetings, results, votes
from kooperativet.governance.models import AgendaItemKind, Meeting, Vote, VoteMethod, VoteStatus
from kooperativet.governance.rulebooks import seed_default_rulebook
from kooperativet.governance.rules.terms import Choice, DecisionKind, MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from kooperativet.governance.schemas.votes import BallotCreate, VoteCreate
from kooperativet.parties.models import Member
from tests.concurrency import at_once
from tests.conftest import TEST_AUDIT_KEY
from tests.governance.conftest import TEST_TALLY_KEY_BITS
from tests.governance.test_races import _members
from tests.governance.test_statute_two_meetings import PROPOSAL, two_meeting_rulebook

FIRST_DAY = date(2026, 10, 1)
SECOND_DAY = date(2026, 12, 20)


@dataclass
class Confirming:
    factory: sessionmaker[Session]
    officer_id: int
    meeting_id: int
    item_ids: list[int]
    member_ids: list[int]
    opens: datetime


def _statute_change(session: Session, *, meeting: Meeting, confirms: int | None = None) -> int:
    data = AgendaItemCreate(
        kind=AgendaItemKind.board_proposal,
        title="Ny lydelse av § 4",
        text=PROPOSAL,
        statute_change=True,
        confirms_item_id=confirms,
    )
    return meetings.add_agenda_item(session, meeting=meeting, data=data).id


def _planned(session: Session, *, title: str, day: date, kind: MeetingKind) -> Meeting:
    return meetings.create_meeting(session, kind=kind, title=title, held_on=day, location=None)


def _open(session: Session, meeting: Meeting, member_ids: list[int]) -> datetime:
    """Noticed 30 days before (inside a statute change's four to six weeks), opened on its day with every
    member present; the moment it opened."""
    meetings.give_notice(
        session, meeting=meeting, text="Välkomna", today=meeting.held_on - timedelta(days=30)
    )
    opens = datetime.combine(meeting.held_on, time(17, 0), tzinfo=UTC)
    meetings.open_meeting(session, meeting=meeting, override_reason=None, now=opens)
    for member_id in member_ids:
        meetings.register_attendance(session, meeting=meeting, member_id=member_id)
    return opens


def _vote_yes(session: Session, meeting: Meeting, item_id: int, member_ids: list[int], at: datetime) -> Vote:
    question = VoteCreate(
        method=VoteMethod.open,
        question="Ändras § 4?",
        decision_kind=DecisionKind.STATUTE_CHANGE,
        agenda_item_id=item_id,
    )
    rng = random.Random(3)
    vote = votes.open_vote(
        session, meeting=meeting, data=question, now=at, tally_key_bits=TEST_TALLY_KEY_BITS, rng=rng
    )
    for member_id in member_ids:
        caster = session.get(Member, member_id)
        assert caster is not None
        votes.cast_vote(
            session, vote=vote, caster=caster, data=BallotCreate(choice=Choice.YES), now=at, rng=rng
        )
    return vote


def _close(session: Session, vote: Vote, officer_id: int, at: datetime) -> Vote:
    officer = session.get(User, officer_id)
    assert officer is not None
    return results.close_vote(
        session, vote=vote, chair_casting_vote=None, now=at, lot_seed=1, shuffle_seed=2, actor=officer
    )


@pytest.fixture
def confirming(committed_url: str) -> Iterator[Confirming]:
    """On a committed database: the first meeting adopted the change in a first reading; the next general
    meeting is open, with two items that name that first adoption (added while it was unconfirmed) and no
    vote yet."""
    pool = {"pool_size": 4} if committed_url.startswith("postgresql") else {}
    engine = make_engine(committed_url, **pool)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        seed_default_rulebook(session)
        two_meeting_rulebook(session)
        officer = User(email="board@example.se", full_name="Styrelsen", password_hash="x")
        officer.role_rows = [UserRole(role=Role.board)]
        session.add(officer)
        ids = _members(session)
        first = _planned(session, title="Extra stämma", day=FIRST_DAY, kind=MeetingKind.EXTRA)
        first_item = _statute_change(session, meeting=first)
        opens = _open(session, first, ids)
        adopted = _close(session, _vote_yes(session, first, first_item, ids, opens), officer.id, opens)
        assert (adopted.result or {}).get("reading") == "first"
        meetings.close_meeting(session, meeting=first, now=opens + timedelta(hours=1))
        second = _planned(session, title="Årsmöte", day=SECOND_DAY, kind=MeetingKind.ANNUAL)
        items = [_statute_change(session, meeting=second, confirms=first_item) for _ in range(2)]
        opens = _open(session, second, ids)
        session.flush()
        confirming = Confirming(
            factory=factory,
            officer_id=officer.id,
            meeting_id=second.id,
            item_ids=items,
            member_ids=ids,
            opens=opens,
        )
    try:
        yield confirming
    finally:
        engine.dispose()


def _put_and_vote_yes(confirming: Confirming, item_id: int) -> Callable[[], str]:
    def request() -> str:
        with transaction(confirming.factory) as session:
            meeting = session.get(Meeting, confirming.meeting_id)
            assert meeting is not None
            _vote_yes(session, meeting, item_id, confirming.member_ids, confirming.opens)
        return "opened"

    return request


def test_two_confirming_votes_put_at_once_open_one(confirming: Confirming) -> None:
    outcomes = at_once(*(_put_and_vote_yes(confirming, item) for item in confirming.item_ids), timeout=60)
    assert sorted(outcomes) == ["confirmation_vote_open", "opened"], outcomes
    with transaction(confirming.factory) as session:
        (opened,) = session.scalars(select(Vote).where(Vote.agenda_item_id.in_(confirming.item_ids))).all()
        assert opened.status == VoteStatus.open
        closed = _close(session, opened, confirming.officer_id, confirming.opens + timedelta(minutes=30))
        assert (closed.result or {}).get("statutes_changed") is True
    # Confirmed: the other item can no longer be put to the vote, and its meeting closes.
    other = next(item for item in confirming.item_ids if item != opened.agenda_item_id)
    assert at_once(_put_and_vote_yes(confirming, other)) == ["already_confirmed"]
    with transaction(confirming.factory) as session:
        meeting = session.get(Meeting, confirming.meeting_id)
        assert meeting is not None
        meetings.close_meeting(
            session,
            meeting=meeting,
            now=confirming.opens + timedelta(hours=1),
            items_left=[other],  # the other item, never put to the vote
        )
        held = session.scalars(select(Vote).where(Vote.agenda_item_id.in_(confirming.item_ids))).all()
        assert [vote.status for vote in held] == [VoteStatus.closed]

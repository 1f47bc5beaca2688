"""A decision without a vote that races another on the same item, or a vote put on it: whichever comes second
sees the first and is refused; never two decisions, never a decision and a vote under one item.

Like ``test_races``: committed work on a database of its own, on PostgreSQL only (SQLite's one writer makes
each writing transaction wait for the one before)."""

from __future__ import annotations

import os
import random

import pytest
from sqlalchemy import func, select

from kooperativet.audit.models import AuditEvent
from kooperativet.db import transaction
from kooperativet.governance import acclamation, meetings, votes
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, Vote
from kooperativet.governance.schemas.meetings import AgendaItemCreate
from kooperativet.governance.schemas.votes import VoteCreate
from tests.concurrency import at_once
from tests.conftest import TEST_DATABASE_ENV
from tests.governance.conftest import TEST_TALLY_KEY_BITS
from tests.governance.test_races import AT, Held, held

pytestmark = pytest.mark.skipif(
    not os.environ.get(TEST_DATABASE_ENV),
    reason="SQLite's one writer (BEGIN IMMEDIATE) makes these interleavings impossible",
)

__all__ = ["held"]


def _item(held: Held) -> int:
    with transaction(held.factory) as session:
        meeting = session.get(Meeting, held.meeting_id)
        data = AgendaItemCreate(kind=AgendaItemKind.procedural, title="Godkännande av röstlängden")
        return meetings.add_agenda_item(session, meeting=meeting, data=data).id


def _decide(held: Held, item_id: int, decision: str) -> str:
    with transaction(held.factory) as session:
        meeting = session.get(Meeting, held.meeting_id)
        item = meetings.get_item(session, meeting=meeting, item_id=item_id)
        acclamation.decide(session, meeting=meeting, item=item, decision=decision, now=AT)
    return "decided"


def _put(held: Held, item_id: int) -> str:
    with transaction(held.factory) as session:
        votes.open_vote(
            session,
            meeting=session.get(Meeting, held.meeting_id),
            data=VoteCreate(method="open", question="Godkänns röstlängden?", agenda_item_id=item_id),
            now=AT,
            tally_key_bits=TEST_TALLY_KEY_BITS,
            rng=random.Random(7),
        )
    return "voted"


def test_two_decisions_at_once_record_one(held: Held) -> None:
    item_id = _item(held)
    outcomes = at_once(
        lambda: _decide(held, item_id, "godkänna röstlängden"),
        lambda: _decide(held, item_id, "godkänna röstlängden med tillägg"),
    )
    assert sorted(outcomes) == ["decided", "item_decided"]
    with transaction(held.factory) as session:
        item = session.get(AgendaItem, item_id)
        assert item.held_as == 1
        decided = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "agenda_item_decided")
        )
        assert decided == 1


def test_a_decision_and_a_vote_at_once_on_one_item_leave_one_of_them(held: Held) -> None:
    item_id = _item(held)
    outcomes = at_once(lambda: _decide(held, item_id, "godkänna röstlängden"), lambda: _put(held, item_id))
    assert sorted(outcomes) in (["decided", "item_decided"], ["item_vote_open", "voted"])
    with transaction(held.factory) as session:
        item = session.get(AgendaItem, item_id)
        vote_count = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.agenda_item_id == item_id)
        )
        assert (item.decision is not None, vote_count) in ((True, 0), (False, 1))

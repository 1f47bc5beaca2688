"""Governance fixtures: the default rulebook, a fixed clock, and a cooperative with members and a board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import now, today
from kooperativet.auth.models import Role
from kooperativet.config import Settings
from kooperativet.governance.dependencies import tally_key_bits
from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.governance.rulebooks import seed_default_rulebook
from kooperativet.governance.rules.terms import swedish_day
from tests.governance.mail_server import set_a_mail_server

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
MEETING_DAY = date(2026, 12, 20)  # notice today is 30 days before: inside the 4–6 week window
#: Paillier keys in tests are 512 bits for speed; production uses 2048 (``ballot_encryption.TALLY_KEY_BITS``).
TEST_TALLY_KEY_BITS = 512
TELLERS_PASSPHRASE = "rösträknarnas lösenfras"


@pytest.fixture(autouse=True)
def mail_server(settings: Settings) -> Settings:
    """A mail server is set, as in production: the notice and a changed time queue their e-mails. A test of
    what happens without one sets ``settings.smtp_host = None`` itself."""
    return set_a_mail_server(settings)


@pytest.fixture
def clock(app: FastAPI) -> dict[str, datetime]:
    """Freeze the API's clock; tests move it by setting ``clock["now"]``. Today is the Swedish day of that
    moment, as in production (``api.dependencies.today``), not its UTC date."""
    state = {"now": NOW}
    app.dependency_overrides[today] = lambda: swedish_day(state["now"])
    app.dependency_overrides[now] = lambda: state["now"]
    return state


@pytest.fixture
def small_tally_keys(app: FastAPI) -> None:
    """Secret ballots opened over the API get 512-bit tally keys, to keep the tests fast."""
    app.dependency_overrides[tally_key_bits] = lambda: TEST_TALLY_KEY_BITS


@pytest.fixture
def rulebook(session: Session) -> int:
    version = seed_default_rulebook(session)
    assert version is not None
    return version.id


@dataclass
class Assembly:
    """Five members (the first three on the board, the first its chair) and an officer login."""

    members: list
    officer: object

    def ids(self) -> list[int]:
        return [a.member.id for a in self.members]


@pytest.fixture
def assembly(session: Session, make_member, make_user, rulebook: int, cooperative) -> Assembly:
    members = [make_member(Role.board) if i < 3 else make_member() for i in range(5)]
    for index, actor in enumerate(members[:3]):
        role = BoardRole.chair if index == 0 else BoardRole.member
        session.add(BoardAssignment(member_id=actor.member.id, role=role, term_from=date(2025, 5, 1)))
    session.flush()
    return Assembly(members=members, officer=make_user(Role.board))

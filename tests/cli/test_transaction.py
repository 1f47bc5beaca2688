"""The CLI's and the demo's transaction is the API's: ``with transaction(factory) as session:``.

An error that ``keeps_changes`` (a reused refresh token revokes its whole family) must commit what was
flushed before it, in a command as in a request; any other error rolls everything back. These commit for
real, so they run on a database of their own (``committed_url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.auth import service
from kooperativet.auth.models import RefreshToken, Role, User
from kooperativet.auth.service import RefreshTokenReused
from kooperativet.auth.tokens import TokenConfig
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.errors import Conflict
from tests.conftest import TEST_AUDIT_KEY

CONFIG = TokenConfig(
    key="t" * 48,
    algorithm="HS256",
    issuer="kooperativet",
    audience="kooperativet-api",
    lifetime=timedelta(minutes=15),
)
LIFETIME = timedelta(days=14)
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def factory(committed_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions made as the CLI makes them: an engine of the command's own and the audit key."""
    engine = make_engine(committed_url)
    try:
        yield make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    finally:
        engine.dispose()


def _user(session: Session, email: str) -> User:
    return service.create_user(
        session, email=email, full_name="Anna", password="a long password", roles=[Role.member]
    )


def _rotated_token(factory: sessionmaker[Session]) -> str:
    """A refresh token that was already used once: presenting it again is a reuse."""
    with transaction(factory) as session:
        user = _user(session, "anna@example.se")
        first = service.issue_tokens(session, user=user, config=CONFIG, refresh_lifetime=LIFETIME, now=NOW)
    with transaction(factory) as session:
        service.refresh_tokens(
            session, refresh_token=first.refresh_token, config=CONFIG, refresh_lifetime=LIFETIME, now=NOW
        )
    return first.refresh_token


def test_an_error_that_keeps_changes_commits_them_in_the_cli_form(factory: sessionmaker[Session]) -> None:
    reused = _rotated_token(factory)

    with pytest.raises(RefreshTokenReused), transaction(factory) as session:
        service.refresh_tokens(
            session, refresh_token=reused, config=CONFIG, refresh_lifetime=LIFETIME, now=NOW
        )

    with transaction(factory) as session:
        # The rotated token's successor was revoked with the family, and that revocation was kept.
        tokens = session.scalars(select(RefreshToken)).all()
        assert len(tokens) == 2
        assert all(token.revoked_at == NOW for token in tokens)


def test_any_other_error_rolls_the_command_back(factory: sessionmaker[Session]) -> None:
    def command() -> None:
        with transaction(factory) as session:
            _user(session, "bo@example.se")
            raise Conflict("something later in the command failed")

    with pytest.raises(Conflict):
        command()

    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0

"""Two concurrent refreshes of the same refresh token: exactly one gets new tokens.

This needs real commits from two connections, so it builds its own throw-away database (SQLite file or a new
PostgreSQL database, as ``tests/conftest.py`` does) instead of the rolled-back test transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.auth import service
from kooperativet.auth.models import RefreshToken, Role
from kooperativet.auth.tokens import TokenConfig
from kooperativet.db import make_engine, make_session_factory, transaction, write_lock_for
from kooperativet.errors import NotAuthenticated
from tests.conftest import TEST_AUDIT_KEY

CONFIG = TokenConfig(
    key="t" * 48,
    algorithm="HS256",
    issuer="kooperativet",
    audience="kooperativet-api",
    lifetime=timedelta(minutes=15),
)
LIFETIME = timedelta(days=14)
# How long the first refresh keeps its transaction open after rotating the token: long enough for the second,
# started then, to read the token row before the first commits.
HOLD_SECONDS = 0.5


@pytest.fixture
def committed_factory(committed_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(committed_url)
    try:
        yield make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    finally:
        engine.dispose()


def _log_in(factory: sessionmaker[Session]) -> str:
    refresh_token = ""
    with transaction(factory) as session:
        user = service.create_user(
            session,
            email="anna@example.se",
            full_name="Anna",
            password="a long password",
            roles=[Role.member],
        )
        now = datetime.now(UTC)
        refresh_token = service.issue_tokens(
            session, user=user, config=CONFIG, refresh_lifetime=LIFETIME, now=now
        ).refresh_token
    return refresh_token


def test_two_concurrent_refreshes_of_one_token_give_new_tokens_only_once(
    committed_factory: sessionmaker[Session],
) -> None:
    refresh_token = _log_in(committed_factory)
    # The app's per-process write queue (a no-op on PostgreSQL, the writers' queue on SQLite).
    write_lock = write_lock_for(committed_factory.kw["bind"])
    first_rotated = threading.Event()
    outcomes: dict[str, str] = {}

    def refresh(name: str) -> None:
        try:
            # As a request does: the transaction sees the error, so a reuse's revocation is kept.
            with transaction(committed_factory, write_lock=write_lock) as session:
                service.refresh_tokens(
                    session,
                    refresh_token=refresh_token,
                    config=CONFIG,
                    refresh_lifetime=LIFETIME,
                    now=datetime.now(UTC),
                )
                if name == "first":
                    first_rotated.set()
                    time.sleep(HOLD_SECONDS)
            outcomes[name] = "new tokens"
        except NotAuthenticated as refused:
            outcomes[name] = refused.code
        except BaseException as unexpected:  # reported by the main thread
            outcomes[name] = repr(unexpected)

    first = threading.Thread(target=refresh, args=("first",))
    second = threading.Thread(target=refresh, args=("second",))
    first.start()
    assert first_rotated.wait(timeout=30), outcomes
    second.start()  # while the first, having rotated the token, still holds its transaction open
    for thread in (first, second):
        thread.join(timeout=60)

    assert outcomes == {"first": "new tokens", "second": "invalid_refresh_token"}
    with transaction(committed_factory) as session:
        # The second saw the rotated token come back and, as for any reuse, revoked the whole family.
        tokens = session.scalars(select(RefreshToken)).all()
        assert len(tokens) == 2
        assert all(token.revoked_at is not None for token in tokens)
        assert session.scalar(select(func.count()).where(RefreshToken.replaced_by_id.is_not(None))) == 1

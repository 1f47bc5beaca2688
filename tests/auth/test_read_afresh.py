"""Who is asking is read before a writer's transaction begins (``db.read_first``); a change to the account
reads the account again inside its own transaction, so that it never decides on, or overwrites, a copy that
another request changed in between."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from kooperativet.auth import service
from kooperativet.auth.models import User
from kooperativet.auth.passwords import hash_password, verify_password
from kooperativet.db import WriteLock, make_engine, make_session_factory, read_first, transaction
from kooperativet.errors import Conflict, RuleViolation
from tests.conftest import TEST_AUDIT_KEY

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(committed_url: str) -> Iterator[Engine]:
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


def _account(engine: Engine) -> int:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        user = User(
            email="frida@example.se",
            full_name="Frida Frilans",
            password_hash=hash_password("the old password 1"),
            is_active=True,
        )
        session.add(user)
        session.flush()
        return user.id


def _changed_meanwhile(engine: Engine, user_id: int) -> None:
    """Another request, committed between the read of who is asking and the work."""
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        user = session.get(User, user_id)
        assert user is not None
        service.change_password(
            session,
            user=user,
            current_password="the old password 1",
            new_password="changed in between 2",
            now=NOW,
        )


def test_a_password_change_checks_the_password_stored_now_not_the_one_read_before(engine: Engine) -> None:
    user_id = _account(engine)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)

    def request() -> None:
        with transaction(factory, write_lock=WriteLock(None)) as session:
            with read_first(session):
                asking = session.get(User, user_id)
            assert asking is not None
            _changed_meanwhile(engine, user_id)
            service.change_password(
                session,
                user=asking,
                current_password="the old password 1",
                new_password="the attacker's choice 3",
                now=NOW,
            )

    with pytest.raises(RuleViolation, match="current password is wrong"):
        request()

    with transaction(factory, read_only=True) as session:
        stored = session.get(User, user_id)
        assert stored is not None
        assert verify_password("changed in between 2", stored.password_hash)


def test_an_account_update_compares_the_version_stored_now(engine: Engine) -> None:
    user_id = _account(engine)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)

    def request() -> None:
        with transaction(factory, write_lock=WriteLock(None)) as session:
            with read_first(session):
                asking = session.get(User, user_id)
            assert asking is not None
            read_version = asking.version
            _changed_meanwhile(engine, user_id)
            service.update_user(session, user=asking, version=read_version, now=NOW, full_name="Frida F.")

    with pytest.raises(Conflict, match="has changed since you read it"):
        request()

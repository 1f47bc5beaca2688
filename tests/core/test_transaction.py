"""``db.transaction``: a reader's transaction opens without touching the database (so that the API opens it
on the event loop), begins as a read, and commits like any other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, select

from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parties.models import Client
from tests.conftest import TEST_AUDIT_KEY


@pytest.fixture
def engine(committed_url: str) -> Iterator[Engine]:
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


def _recorded(engine: Engine) -> tuple[list[str], list[str]]:
    """What ``engine`` does from now on: the statements it sends, and each connection taken from its pool."""
    statements: list[str] = []
    checkouts: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_rest: statements.append(sql))
    event.listen(engine.pool, "checkout", lambda *_args: checkouts.append("checkout"))
    return statements, checkouts


def test_a_reader_takes_its_connection_at_its_first_statement_and_begins_as_a_read(engine: Engine) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements, checkouts = _recorded(engine)

    with transaction(factory, read_only=True) as session:
        opened = (list(statements), list(checkouts))
        session.scalars(select(Client)).all()

    assert opened == ([], [])
    assert checkouts == ["checkout"]
    if engine.dialect.name == "sqlite":  # the engine's begin hook: readers never wait for the writer
        assert statements[0] == "BEGIN DEFERRED"


def test_a_writer_begins_by_taking_the_write_lock_and_what_it_wrote_is_committed(engine: Engine) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements, _ = _recorded(engine)

    with transaction(factory) as session:
        session.add(Client(name="Stadsteatern AB"))

    with transaction(factory, read_only=True) as session:
        assert session.scalars(select(Client.name)).all() == ["Stadsteatern AB"]
    if engine.dialect.name == "sqlite":
        assert statements[0] == "BEGIN IMMEDIATE"

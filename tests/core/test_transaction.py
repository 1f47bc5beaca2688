"""``db.transaction``: a transaction opens without touching the database (so that the API opens it on the
event loop); a reader begins as a read, a writer takes the write lock at its first statement and gives it back
when its transaction ends, and both commit like any other."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from kooperativet.db import after_commit, make_engine, make_session_factory, read_first, transaction
from kooperativet.parties.models import Client
from tests.conftest import TEST_AUDIT_KEY
from tests.statement_count import counted


@pytest.fixture
def engine(committed_url: str) -> Iterator[Engine]:
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


Recorded = tuple[list[str], list[str]]


@pytest.fixture
def recorded(engine: Engine) -> Iterator[Callable[[], Recorded]]:
    """``recorded()``: what ``engine`` does from then on to the end of the test: the statements it sends, and
    each connection taken from its pool (a test adds its own steps among the statements, to see where they
    fall)."""
    with ExitStack() as recording:

        def start() -> Recorded:
            checkouts: list[str] = []
            event.listen(engine.pool, "checkout", lambda *_args: checkouts.append("checkout"))
            sent = recording.enter_context(counted(engine))
            return sent.sql, checkouts

        yield start


def test_a_reader_takes_its_connection_at_its_first_statement_and_begins_as_a_read(
    engine: Engine, recorded: Callable[[], Recorded]
) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements, checkouts = recorded()

    with transaction(factory, read_only=True) as session:
        opened = (list(statements), list(checkouts))
        session.scalars(select(Client)).all()

    assert opened == ([], [])
    assert checkouts == ["checkout"]
    if engine.dialect.name == "sqlite":  # the engine's begin hook: readers never wait for the writer
        assert statements[0] == "BEGIN DEFERRED"


def test_a_writer_begins_by_taking_the_write_lock_and_what_it_wrote_is_committed(
    engine: Engine, recorded: Callable[[], Recorded]
) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements, _ = recorded()

    with transaction(factory) as session:
        session.add(Client(name="Stadsteatern AB"))

    with transaction(factory, read_only=True) as session:
        assert session.scalars(select(Client.name)).all() == ["Stadsteatern AB"]
    if engine.dialect.name == "sqlite":
        assert statements[0] == "BEGIN IMMEDIATE"


class _RecordedLock:
    """A write lock that records when it is taken and given back, among the engine's statements."""

    def __init__(self, statements: list[str]) -> None:
        self.statements = statements

    def acquire(self) -> None:
        self.statements.append("lock taken")

    def release(self) -> None:
        self.statements.append("lock given back")

    def __enter__(self) -> _RecordedLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def test_a_writer_takes_the_lock_at_its_first_statement_and_not_across_the_work_after_its_commit(
    engine: Engine, recorded: Callable[[], Recorded]
) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements, _ = recorded()
    lock = _RecordedLock(statements)

    def rendered_after_commit(session: Session) -> None:
        statements.append("rendering")
        session.add(Client(name="Rendered after the commit AB"))
        session.commit()

    with transaction(factory, write_lock=lock) as session:
        opened = list(statements)
        session.add(Client(name="Stadsteatern AB"))
        after_commit(session, rendered_after_commit)
        session.flush()

    assert opened == []
    assert statements[0] == "lock taken"  # before the first statement (SQLite's BEGIN IMMEDIATE)
    # The commit's transaction and the work after it each hold the lock for themselves only: a slow
    # rendering after the commit does not keep the other writers out.
    steps = [step for step in statements if step in ("lock taken", "lock given back", "rendering")]
    assert steps == ["lock taken", "lock given back", "rendering", "lock taken", "lock given back"]
    with transaction(factory, read_only=True) as session:
        assert sorted(session.scalars(select(Client.name))) == [
            "Rendered after the commit AB",
            "Stadsteatern AB",
        ]


def test_a_writer_gives_the_lock_back_when_its_work_fails(engine: Engine) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements: list[str] = []
    lock = _RecordedLock(statements)

    def fails() -> None:
        with transaction(factory, write_lock=lock) as session:
            session.add(Client(name="Never saved AB"))
            session.flush()
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError, match="the work failed"):
        fails()

    assert statements == ["lock taken", "lock given back"]
    with transaction(factory, read_only=True) as session:
        assert session.scalars(select(Client.name)).all() == []


def test_a_writer_on_the_event_loop_is_refused_before_it_waits_for_the_lock(engine: Engine) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements: list[str] = []
    lock = _RecordedLock(statements)

    async def handler_that_writes_on_the_loop() -> None:
        with transaction(factory, write_lock=lock) as session:
            session.add(Client(name="Written on the loop AB"))
            session.flush()

    with pytest.raises(RuntimeError, match="event loop"):
        asyncio.run(handler_that_writes_on_the_loop())

    assert statements == []  # never waited for the lock


def test_a_writer_reads_first_as_a_read_of_its_own_and_takes_the_lock_only_for_its_work(
    engine: Engine, recorded: Callable[[], Recorded]
) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        session.add(Client(name="Stadsteatern AB"))
    statements, _ = recorded()
    lock = _RecordedLock(statements)

    with transaction(factory, write_lock=lock) as session:
        with read_first(session):
            asked = session.scalars(select(Client.name)).all()
        statements.append("work")
        session.add(Client(name="Konserthuset AB"))

    assert asked == ["Stadsteatern AB"]
    steps = [step for step in statements if step in ("lock taken", "lock given back", "work")]
    assert steps == ["work", "lock taken", "lock given back"]
    if engine.dialect.name == "sqlite":
        assert statements[0] == "BEGIN DEFERRED"  # the read waits for no writer
        assert statements[statements.index("lock taken") + 1] == "BEGIN IMMEDIATE"


def test_a_read_first_that_fails_ends_its_read_and_the_work_after_it_takes_the_lock(
    engine: Engine, recorded: Callable[[], Recorded]
) -> None:
    """A commission refused while it was read first is refused again by its writing transaction (so that a
    replay is answered as the first time): that transaction must be a new one, holding the lock, not the
    read left open."""
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements, _ = recorded()
    lock = _RecordedLock(statements)

    with transaction(factory, write_lock=lock) as session:
        with pytest.raises(LookupError):
            _refused_while_reading_first(session)
        assert not session.in_transaction()
        session.add(Client(name="Efter läsningen AB"))

    steps = [step for step in statements if step in ("lock taken", "lock given back")]
    assert steps == ["lock taken", "lock given back"]
    with transaction(factory, read_only=True) as session:
        assert session.scalars(select(Client.name)).all() == ["Efter läsningen AB"]
    if engine.dialect.name == "sqlite":
        assert statements[0] == "BEGIN DEFERRED"
        assert statements[statements.index("lock taken") + 1] == "BEGIN IMMEDIATE"


def _refused_while_reading_first(session: Session) -> None:
    with read_first(session):
        session.scalars(select(Client.name)).all()
        raise LookupError("refused while reading first")


def test_a_read_first_inside_begun_work_reads_within_it(engine: Engine) -> None:
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    statements: list[str] = []
    lock = _RecordedLock(statements)

    with transaction(factory, write_lock=lock) as session:
        session.add(Client(name="Folkteatern AB"))
        session.flush()
        with read_first(session):
            seen = session.scalars(select(Client.name)).all()
        assert statements == ["lock taken"]  # still the work's transaction, still holding the lock

    assert seen == ["Folkteatern AB"]
    assert statements == ["lock taken", "lock given back"]

"""Database plumbing: the declarative base, column types, engines and the per-request transaction.

SQLite (embedded default) runs in WAL mode with foreign keys on and a busy timeout; every transaction starts
with ``BEGIN IMMEDIATE`` so that writers queue instead of failing half-way (one writer at a time, which
also makes counter rows safe). PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, ClassVar, Final, TypeVar

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Engine,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    inspect,
    literal_column,
    select,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    QueryableAttribute,
    Session,
    SessionTransaction,
    class_mapper,
    make_transient_to_detached,
    mapped_column,
    object_mapper,
    object_session,
    sessionmaker,
)
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from kooperativet.errors import DomainError, NotSaved

try:
    import fcntl
except ImportError:  # Windows: each process queues its own writers only (``WriteLock``)
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
#: An id or a reference, chunked for ``IN (…)`` lists (``in_chunks``).
SortableT = TypeVar("SortableT", int, str)
#: A column or an ordering of one (``Invoice.id``, ``Invoice.id.desc()``).
OrderBy = ColumnElement[Any] | QueryableAttribute[Any]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "kooperativet_read_only"  # execution option: begin a deferred (read) transaction on SQLite
AUDIT_KEY = "kooperativet_audit_key"  # Session.info: the audit chain's HMAC key (make_session_factory)
AFTER_COMMIT = "kooperativet_after_commit"  # Session.info: work that waits for the commit (after_commit)
HOLDS_WRITE_LOCK = "kooperativet_holds_write_lock"  # Session.info: its transaction holds the write lock
WRITE_LOCK_TAKER = "kooperativet_write_lock_taker"  # Session.info: its transactions take the write lock
READING_FIRST = "kooperativet_reading_first"  # Session.info: a read of its own before the work (read_first)
CLOCK = "kooperativet_clock"  # Session.info: the time work recorded after a commit is stamped with (clock_of)
#: Session.info: the address people reach the web interface at, which e-mail links to (public_url_of).
PUBLIC_URL = "kooperativet_public_url"

# SQLite has no decimal type: NUMERIC(14,2) values travel as IEEE doubles. Amounts are capped at twelve
# integer digits and two decimals (the API pattern), fourteen significant digits, which a double carries
# exactly through SQLAlchemy's quantizing result processor. Sums are always taken in Python with Decimal.
warnings.filterwarnings(
    "ignore", message=r"Dialect sqlite\+pysqlite does \*not\* support Decimal objects natively"
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both databases (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Numeric(14, 2, asdecimal=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), Decimal: Money}


class TimestampedMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic concurrency: clients send back the ``version`` they read; a stale one is a 409."""

    version: Mapped[int] = mapped_column(default=1)


#: The ``PRAGMA synchronous`` levels an embedded database may run at (``Settings.sqlite_synchronous``).
SQLITE_SYNCHRONOUS: Final = ("normal", "full")


def make_engine(
    url: str, *, pool_size: int | None = None, max_overflow: int = 10, sqlite_synchronous: str = "normal"
) -> Engine:
    kwargs: dict[str, Any] = {}
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if pool_size is not None and not in_memory:
        kwargs = {"pool_size": pool_size, "max_overflow": max_overflow}
    if url.startswith("sqlite"):
        # The pool hands a connection to one thread at a time, so sqlite3's same-thread check is moot.
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, synchronous=sqlite_synchronous)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, *, synchronous: str) -> None:
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"PRAGMA synchronous is one of {', '.join(SQLITE_SYNCHRONOUS)}, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (savepoints work then).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # SQLite's own lower() changes A–Z only; searches by name lower Å, Ä, Ö too (``contains_text``).
        dbapi_connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")  # one of SQLITE_SYNCHRONOUS
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front and queue on the busy timeout; read-only work does not.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(
    engine: Engine, *, audit_key: bytes, clock: Callable[[], datetime] = utcnow, public_url: str | None = None
) -> sessionmaker[Session]:
    """Sessions on ``engine`` that carry the audit chain's key (``Session.info``), so that every service can
    append to the chain without passing the key through each call, and none can append without it.

    They carry a ``clock`` too, for the work that runs after a commit (``after_commit``), which no caller
    hands a ``now``: the document pipeline stamps the audit event of a stored PDF with it. The demo gives
    its fixed moment, so that two runs chain the same log.

    And the ``public_url`` of the web interface (``KOOPERATIVET_PUBLIC_URL``), for the links of the e-mail a
    service queues: the message is written out in the transaction that causes it, far from any request."""
    info: dict[str, Any] = {AUDIT_KEY: audit_key, CLOCK: clock}
    if public_url is not None:
        info[PUBLIC_URL] = public_url
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True, info=info)


def public_url_of(session: Session) -> str | None:
    """The web interface's address the session was made with (``make_session_factory``), if any."""
    url: str | None = session.info.get(PUBLIC_URL)
    return url


def clock_of(session: Session) -> datetime:
    """The moment by the session's clock (``make_session_factory``); the wall clock for a session without."""
    clock: Callable[[], datetime] = session.info.get(CLOCK, utcnow)
    return clock()


def _clock_stamped(cls: type[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The attributes of ``cls`` whose column is stamped with ``utcnow`` when a row is inserted, and those
    stamped when it is updated: ``created_at``, ``updated_at``, ``queued_at``, ``issued_at`` …"""
    found = _STAMPED.get(cls)
    if found is None:
        inserted: list[str] = []
        updated: list[str] = []
        for attribute in class_mapper(cls).column_attrs:
            for column in attribute.columns:
                if stamped_with_utcnow(getattr(column, "default", None)):
                    inserted.append(attribute.key)
                if stamped_with_utcnow(getattr(column, "onupdate", None)):
                    updated.append(attribute.key)
        found = _STAMPED[cls] = (tuple(inserted), tuple(updated))
    return found


_STAMPED: dict[type[Any], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def stamped_with_utcnow(default: Any) -> bool:
    """Whether a column default (or onupdate) is ``utcnow``: a row's own time, by the session's clock."""
    function = getattr(default, "arg", None)
    return getattr(function, "__wrapped__", function) is utcnow


@event.listens_for(Session, "before_flush")
def _stamp_by_the_session_clock(session: Session, _flush_context: Any, _instances: Any) -> None:
    """A row the unit of work inserts or changes is stamped by the session's clock (``clock_of``), not the
    wall clock its column default reads: the same moment the services hand to what they record, so that a
    commission registered and handed in by the demo at its fixed moment is not registered weeks later. In
    production the clock is the wall clock, so nothing changes there. A value the caller set is kept."""
    if CLOCK not in session.info or not (session.new or session.dirty):
        return
    moment = clock_of(session)
    for row in session.new:
        for key in _clock_stamped(type(row))[0]:
            if getattr(row, key) is None:
                setattr(row, key, moment)
    for row in session.dirty:
        updated = _clock_stamped(type(row))[1]
        if not updated or not session.is_modified(row, include_collections=False):
            continue
        state = inspect(row)
        for key in updated:
            if not state.attrs[key].history.has_changes():
                setattr(row, key, moment)
                # Written even when it already holds ``moment`` (the demo's every step): an unchanged value
                # would leave the column out of the UPDATE, and its ``onupdate`` would read the wall clock.
                flag_modified(row, key)


@contextmanager
def transaction(
    factory: sessionmaker[Session],
    *,
    read_only: bool = False,
    write_lock: AbstractContextManager[Any] | None = None,
) -> Iterator[Session]:
    """One transaction per request, command or demo step: ``with transaction(factory) as session:``.

    Commit on success (a commit the database refuses is ``NotSaved``, 503); roll back on any error, except
    a ``DomainError`` that ``keeps_changes`` (e.g. a failed-login counter), whose flushed work is committed
    before the error goes on. The API (``api.dependencies.get_session``), the CLI and the demo all use this
    one form, so the error always reaches the transaction: a ``for session in ...`` loop over a generator
    would only see ``GeneratorExit`` and roll back what an error meant to keep.

    ``read_only`` lets SQLite begin a deferred transaction, so reads never wait for writers (WAL).
    ``write_lock`` queues this process's writers in order instead of leaving them to SQLite's busy polling,
    which starves some of them under load.

    After the commit, and never after a rollback, it runs what the work left for then (``after_commit``):
    the documents the transaction issued are rendered from their committed snapshots.
    """
    session = _reader(factory) if read_only else factory()
    if write_lock is not None and not read_only:
        hold_write_lock_per_transaction(session, write_lock)
    try:
        yield session
        commit_now(session)
    except DomainError as error:
        if error.keeps_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def hold_write_lock_per_transaction(session: Session, write_lock: AbstractContextManager[Any]) -> None:
    """Make each of ``session``'s transactions hold ``write_lock`` from before it begins (before SQLite's
    ``BEGIN IMMEDIATE``) until after it has ended.

    The lock is taken when the work issues its first statement, in the thread that issues it, not when the
    session is opened: a request opened its session, then went back to the event loop before its first
    statement, and under 64 clients that turn held SQLite's one writer for 1–3 ms of the 7–9 ms a commission
    held it in all. Taken the other way round — SQLite's lock first — a transaction holding the lock would
    wait for SQLite while another holding SQLite waited for the lock.

    The listeners are the session's own, not its class's: SQLAlchemy's class-level session events are shared
    with every other sessionmaker."""
    lock: Any = write_lock

    def take(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is not None or READING_FIRST in session.info:
            return
        if not session.info.get(HOLDS_WRITE_LOCK):
            _refuse_on_event_loop()
            lock.acquire()
            session.info[HOLDS_WRITE_LOCK] = True

    def give(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and session.info.pop(HOLDS_WRITE_LOCK, False):
            lock.release()

    session.info[WRITE_LOCK_TAKER] = True
    event.listen(session, "after_transaction_create", take)
    event.listen(session, "after_transaction_end", give)


@contextmanager
def read_first(session: Session) -> Iterator[Session]:
    """A read in a transaction of its own, ended before the work's transaction begins: who is asking.

    On SQLite a request's transaction holds the one writer from its first statement to its commit. Who is
    asking is read in a dependency, in another worker thread than the handler, with a turn of the event loop
    between the two: under 64 clients that turn held the writer for a millisecond or more of every
    commission. Read apart, as a read (``BEGIN DEFERRED``, no write lock), the writer is held by the work
    alone. What is read is as fresh as the moment the request arrived; a session that has begun its work
    already reads within it, and a session without the write lock (a reader's, PostgreSQL's) needs no other.
    """
    if session.in_transaction() or WRITE_LOCK_TAKER not in session.info:
        yield session
        return
    session.info[READING_FIRST] = True
    try:
        session.connection(execution_options={READ_ONLY: True})
        yield session
    except BaseException:
        # The read ends with the error: the work that goes on (a refusal stored, a replay answered) begins
        # a transaction of its own, under the write lock, not inside the read.
        session.rollback()
        raise
    finally:
        del session.info[READING_FIRST]
    _commit(session)


def _refuse_on_event_loop() -> None:
    """A writer waiting for the lock on the event loop would stop every request of its process, among them
    the one that holds the lock and needs the loop to finish: the process would hang. An ``async`` handler
    must leave its database work to a plain ``def`` (FastAPI runs those in worker threads)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError("a write transaction began on the event loop; do database work in a worker thread")


def _reader(factory: sessionmaker[Session]) -> Session:
    """A session whose transaction begins as a read (``READ_ONLY``). On an engine it takes its connection
    at its first statement, with the option (the same pool and events): opening it does no I/O, so the API
    opens a reader's transaction on the event loop (``api.dependencies``). On one connection (the tests')
    the option is set on it now."""
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine):
        return factory(bind=bind.execution_options(**{READ_ONLY: True}))
    session = factory()
    session.connection(execution_options={READ_ONLY: True})
    return session


def after_commit(session: Session, work: Callable[[Session], None]) -> None:
    """Run ``work`` with ``session`` once the unit of work has committed, never after a rollback.

    The document pipeline (``documents.pipeline``) renders the documents a transaction issued this way: the
    transaction stores their snapshots, and the slow rendering runs after its commit, in short transactions
    of its own, so that it never holds the database's one writer."""
    session.info.setdefault(AFTER_COMMIT, []).append(work)


def commit_now(session: Session) -> None:
    """Commit the unit of work and run what waits for its commit (``after_commit``), in order.

    The transaction owner ends with this; an API route whose answer shows what the commit produced (the
    SHA-256 of a document rendered after it) calls it before it builds the answer, and the owner's own
    commit then finds nothing left to do."""
    if session.in_transaction():  # a handler that committed its work already (``api.idempotency``) is done
        _commit(session)
    while waiting := session.info.pop(AFTER_COMMIT, None):
        for work in waiting:
            work(session)


def _commit(session: Session) -> None:
    """Commit, or say plainly that nothing was saved: the caller must never report success for this work."""
    try:
        session.commit()
    except sa_exc.DBAPIError as error:
        raise NotSaved("the database could not save the change; nothing was saved, try again") from error


def write_lock_for(engine: Engine) -> WriteLock | None:
    """SQLite has one writer at a time: a lock for its write transactions, shared by every process serving
    the same database file (``WriteLock``); none elsewhere."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
    return WriteLock(None if in_memory else Path(f"{database}.write-lock"))


class WriteLock:
    """SQLite's writers queued in order: across the threads of this process by a lock, and across the
    server processes serving the same database file (``serve --workers``, each with its embedded worker) by
    an exclusive ``flock`` on a file beside it. CLI commands do not take it; SQLite's busy timeout queues
    them as before.

    SQLite lets one writer in at a time and makes the others poll for its lock, sleeping longer the longer
    they wait (its busy timeout): with two server processes, registered commissions waited 2–3 s at the
    99th percentile for a lock held a few milliseconds. A waiter here sleeps in the kernel and is woken
    when the lock is free. The lock only orders the writers: SQLite's own lock still keeps every
    transaction whole, for a process that does not take this one (a backup, a sysadmin's ``sqlite3``), and
    the kernel drops a ``flock`` when its process dies. Where ``fcntl`` is missing (Windows) the lock is
    the process's alone and the processes poll as before."""

    def __init__(self, path: Path | None) -> None:
        self.path = path if fcntl is not None else None
        self._threads = threading.Lock()
        self._file: int | None = None
        self._opened_by = 0  # the process that opened it: a forked child opens its own (flock is per file)

    def acquire(self) -> None:
        self._threads.acquire()
        try:
            if self.path is not None:
                fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            if self.path is not None and self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def _descriptor(self) -> int:
        assert self.path is not None
        if self._file is None or self._opened_by != os.getpid():
            self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._opened_by = os.getpid()
        return self._file


#: The most rows one page holds; the API refuses a larger ``limit`` (422) before a query is built.
MAX_PAGE_SIZE = 100


def fetch_locked(session: Session, query: Select[T]) -> T | None:
    """The one row ``query`` selects, locked until the transaction ends (``SELECT … FOR UPDATE`` on
    PostgreSQL; SQLite's one writer holds every write lock already) and read afresh after the wait, so that
    the caller decides on what the transaction that held the lock committed, not on a copy the session had
    cached before (``populate_existing``)."""
    return session.scalar(query.with_for_update().execution_options(populate_existing=True))


def read_locked(entity: Any) -> None:
    """Read ``entity`` afresh and lock its row until the transaction ends (``SELECT … FOR UPDATE`` on
    PostgreSQL; SQLite's one writer holds every write lock already): what is decided from it next is decided
    on what the last committed change left, and no other transaction changes it before this one ends. Its
    unflushed changes are dropped, so call it before making any."""
    session = object_session(entity)
    if session is None:
        raise ValueError(f"{entity!r} belongs to no session")
    # Only the entity's own table: PostgreSQL cannot lock the nullable side of the outer join that loads a
    # relationship eagerly (a user's roles).
    session.refresh(entity, with_for_update={"of": type(entity)})


def take_turns(session: Session, *, work: str) -> None:
    """Make transactions that do ``work`` take turns until this one ends: on PostgreSQL a transaction-level
    advisory lock named by ``work``, on SQLite nothing, since its one writer makes every writing transaction
    wait for the one before (``BEGIN IMMEDIATE``).

    For work that decides from what no row of its own holds yet, where ``fetch_locked`` has no row to lock:
    two payroll runs made at the same moment would each read the same assignments as not yet in a run. Call
    it before reading what is decided on; under PostgreSQL's READ COMMITTED each later statement then sees
    what the transaction before committed."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_lock_key(work))))


def _lock_key(work: str) -> int:
    """A stable signed 64-bit key for ``work`` (PostgreSQL's advisory locks are named by a bigint)."""
    return int.from_bytes(hashlib.sha256(work.encode()).digest()[:8], "big", signed=True)


def count_rows(session: Session, query: Select[Any]) -> int:
    """How many rows a filtered query matches: the ``total`` of a page."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def fetch_page(
    session: Session,
    query: Select[T],
    *,
    limit: int,
    offset: int,
    order: Sequence[OrderBy],
    tiebreak: OrderBy,
) -> tuple[list[T], int]:
    """One page of a filtered query and the total it matches; every list goes through here.

    ``order`` is what the user asked for; ``tiebreak`` (the id, usually) makes the order total, so that
    rows with the same date never swap places between two pages. Bounds are checked here too, because a
    caller outside the API (the CLI, a test) gets no help from the query-parameter validation."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"a page holds 1 to {MAX_PAGE_SIZE} rows, not {limit}")
    if offset < 0:
        raise ValueError(f"a page cannot start before the first row (offset {offset})")
    total = count_rows(session, query)
    rows = session.scalars(query.order_by(*order, tiebreak).limit(limit).offset(offset))
    # unique(): a joined-eager relationship would otherwise repeat the row it joins to.
    return list(rows.unique()), total


def is_unique_violation(error: sa_exc.IntegrityError) -> bool:
    text = str(error.orig).lower()
    return "unique" in text or "duplicate key" in text


SQLITE_LOWER: Final = "kooperativet_lower"


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


class lowered(FunctionElement[str]):
    """``lower(value)`` that lowers every letter, as PostgreSQL's does; SQLite's leaves "Östra" as "Östra"."""

    type = String()
    inherit_cache = True


@compiles(lowered)
def _lowered(element: lowered, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lowered, "sqlite")
def _lowered_sqlite(element: lowered, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def contains_text(column: ColumnElement[str] | QueryableAttribute[str], text: str) -> ColumnElement[bool]:
    """``column`` holds ``text`` anywhere, whatever the case of any letter; ``%`` and ``_`` in ``text`` are
    themselves, not patterns (a search for "_" found every name)."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return lowered(column).like(f"%{escaped}%", escape="\\")


class zero_padded(FunctionElement[str]):
    """``f"{value:0{width}d}"`` in SQL: an integer as text, padded with zeros to at least ``width`` digits."""

    type = String()
    inherit_cache = True

    def __init__(self, value: ColumnElement[Any], width: int) -> None:
        super().__init__(value, literal_column(str(int(width))))


@compiles(zero_padded, "sqlite")
def _zero_padded_sqlite(element: zero_padded, compiler: Any, **kw: Any) -> str:
    value, width = list(element.clauses)
    return f"printf('%0{compiler.process(width, **kw)}d', {compiler.process(value, **kw)})"


@compiles(zero_padded, "postgresql")
def _zero_padded_postgresql(element: zero_padded, compiler: Any, **kw: Any) -> str:
    value, width = (compiler.process(clause, **kw) for clause in element.clauses)
    text = f"CAST({value} AS TEXT)"
    return f"lpad({text}, greatest({width}, length({text})), '0')"


def table_of(entity: type[Base]) -> Table:
    """The mapped ``Table`` of an entity, for Core statements (bulk inserts, INSERT … SELECT) typed as one."""
    table = entity.__table__
    assert isinstance(table, Table)
    return table


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, one per row) into ``table`` in the session's transaction.

    On SQLite one executemany on the driver's cursor (SQLAlchemy's own builds each row's parameters anew,
    which cost a third of inserting a large run's lines). On PostgreSQL one ``COPY … FROM STDIN``:
    psycopg's executemany still sends a statement per row, which for the twenty thousand lines of a large
    payroll run costs several times what the rows do. The values go through each column's own bind
    processing first (encryption, JSON, enums, dates), as they would in an INSERT; the statement is
    announced to ``before_cursor_execute`` listeners like any other, so statement counts stay honest.
    Python-side column defaults are not applied: every column without a server default must be in the rows.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    quote = dialect.identifier_preparer
    columns = f"{quote.format_table(table)} ({', '.join(quote.quote(name) for name in names)})"
    if dialect.name == "postgresql":
        statement = f"COPY {columns} FROM STDIN"
    else:
        # Names quoted by the dialect from the table's own columns; the values go as parameters.
        statement = f"INSERT INTO {columns} VALUES ({', '.join('?' * len(names))})"  # noqa: S608
    values = _bound_values(table, dialect, names, rows)
    raw = connection.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    connection.dispatch.before_cursor_execute(connection, cursor, statement, (), None, True)
    try:
        if dialect.name == "postgresql":
            with cursor.copy(statement) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(statement, values)
    except dialect.loaded_dbapi.Error as exc:
        # The same exception an INSERT would raise (IntegrityError for a violated constraint, …).
        raise sa_exc.DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()


def insert_built(session: Session, parent: Base, children: Sequence[Base] = ()) -> None:
    """Write a new object and its new children (objects built but never added to a session) by the INSERTs a
    flush would make (one per table; one per row where the database cannot return several rows' ids in
    order, SQLite), and join them to the session as though they had been loaded: persistent, nothing
    pending.

    It does what the unit of work's flush does for such a graph, at a fraction of its cost: the flush of a
    commission (an assignment, its fee lines, its expenses) sorted its dependencies and walked the member
    and the client it refers to, and took more than half of the time its writing transaction held
    SQLite's one writer, for which every other commission waited (docs/quality.md, "A commission's rows
    written by their INSERTs"). Python-side column defaults are applied as the flush applies them (to a
    value left unset or ``None``) and set on the objects; each child's foreign key to the parent is filled
    in. Nothing else of a flush happens: the objects' other relationships must already be set or loaded,
    and their classes must have no ORM events, so it is for plain rows such as a commission's."""
    _insert_objects(session, [parent])
    parent_table = _table_of_object(parent)
    by_class: dict[type[Base], list[Base]] = {}
    for child in children:
        by_class.setdefault(type(child), []).append(child)
    parent_id = object_mapper(parent).primary_key_from_instance(parent)[0]
    for objects in by_class.values():
        child_table = _table_of_object(objects[0])
        (reference,) = (
            column.key
            for column in child_table.columns
            if any(key.column.table is parent_table for key in column.foreign_keys)
        )
        for child in objects:
            setattr(child, reference, parent_id)
        _insert_objects(session, objects)
    for built in (*children, parent):
        make_transient_to_detached(built)
    session.add(parent)  # the children come with it, through the relationships that hold them


#: Values per ``IN (…)`` list: well under SQLite's and PostgreSQL's limits on bound parameters.
VALUES_PER_QUERY: Final = 5_000


def in_chunks(values: Iterable[SortableT]) -> Iterator[list[SortableT]]:
    """``values`` without repeats, sorted, in lists of at most ``VALUES_PER_QUERY``, one ``IN (…)`` each: a
    month of 20 000 payslips, or a bank file of 10 000 credits, is a few statements, not one a row."""
    ordered = sorted(set(values))
    for start in range(0, len(ordered), VALUES_PER_QUERY):
        yield ordered[start : start + VALUES_PER_QUERY]


def expire_loaded(session: Session, entity: type[Base], ids: set[int]) -> None:
    """Expire the objects of ``entity`` with these ids that the session holds, after a bulk UPDATE of their
    rows that the session did not see: read again when next used, they show what was written."""
    # By the identity key: asking an object already expired for its id would read it again.
    for state in list(session.identity_map.all_states()):
        loaded = state.obj()  # None once the object was let go: nothing to expire
        if (
            loaded is not None
            and isinstance(loaded, entity)
            and state.key is not None
            and state.key[1][0] in ids
        ):
            session.expire(loaded)


def insert_new(session: Session, objects: Sequence[Base]) -> None:
    """Write new objects of one class (built, never added to a session) by one bulk insert (``insert_rows``),
    their Python-side defaults applied as a flush applies them and set on them. Their ids are not read back:
    the caller reads the rows again by a unique column when it needs them. The unit of work writes such
    objects one INSERT each on SQLite (which cannot return several rows' ids in order), a statement per row
    of a bank file of thousands of credits."""
    if not objects:
        return
    mapper = object_mapper(objects[0])
    moment = clock_of(session)
    insert_rows(
        session, _table_of_object(objects[0]), [_column_values(new, mapper, moment=moment) for new in objects]
    )


def _table_of_object(instance: Base) -> Table:
    table = object_mapper(instance).local_table
    assert isinstance(table, Table)
    return table


def _insert_objects(session: Session, objects: Sequence[Base]) -> None:
    """One INSERT of ``objects`` (all of one class), their defaults applied and their new ids set."""
    mapper = object_mapper(objects[0])
    table = _table_of_object(objects[0])
    (key,) = (prop.key for prop in mapper.column_attrs if prop.columns[0].primary_key)
    statement = _INSERTS_RETURNING_ID.get(table)
    if statement is None:
        statement = _INSERTS_RETURNING_ID[table] = insert(table).returning(
            table.c[key], sort_by_parameter_order=True
        )
    moment = clock_of(session)  # a row's own times by the session's clock, as a flush stamps them
    rows = [_column_values(instance, mapper, moment=moment) for instance in objects]
    # On the session's connection: the session's ``execute`` adds ORM work that a table's INSERT needs not.
    connection = session.connection()
    ids = connection.execute(statement, rows[0] if len(rows) == 1 else rows).scalars()
    for instance, new_id in zip(objects, ids, strict=True):
        setattr(instance, key, new_id)


#: Each table's ``INSERT … RETURNING id``, built once (and its cache key with it).
_INSERTS_RETURNING_ID: dict[Table, Any] = {}


def _column_values(instance: Base, mapper: Any, *, moment: datetime) -> dict[str, Any]:
    """The row of a built object: its column attributes, a Python-side default for each left unset or
    ``None`` (set on the object too; ``moment`` for a ``utcnow`` one); its primary key left to the
    database."""
    row = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        value = instance.__dict__.get(prop.key)
        if value is None and column.default is not None:
            default = column.default
            if not (default.is_scalar or default.is_callable):
                raise TypeError(f"{column} has a default only the database applies; flush the object instead")
            if stamped_with_utcnow(default):
                value = moment
            else:
                value = default.arg if default.is_scalar else default.arg(None)
        if value is None and column.primary_key:
            continue
        if instance.__dict__.get(prop.key, ...) is not value:
            # Set even when ``None``: an attribute never set would be expired, and read back by a SELECT.
            setattr(instance, prop.key, value)
        row[column.key] = value
    return row


def _bound_values(
    table: Table, dialect: Dialect, names: list[str], rows: Sequence[dict[str, Any]]
) -> Iterator[list[Any]]:
    """Each row's values as the driver receives them from an INSERT: through each column's bind processing
    (encryption, JSON, dates on SQLite): the processor of each column type's implementation on ``dialect``."""
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    # Only the columns that have a processor are touched (on PostgreSQL most have none): a large run's lines
    # pass a million values through here, and a Python call per value that changes nothing is most of it.
    processed = [(index, process) for index, process in enumerate(processors) if process is not None]
    values_of = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    for row in rows:
        values = list(values_of(row))
        for index, process in processed:
            values[index] = process(values[index])
        yield values

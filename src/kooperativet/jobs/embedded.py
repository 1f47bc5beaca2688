"""The embedded setup's worker: a thread in the API process, so that ``make run`` needs nothing else.

It has an engine of its own on the same database. On SQLite, which has one writer at a time, its write
transactions take the API process's write lock (``app.state.write_lock``) before they begin, so that they
queue with the requests' writers in order instead of racing them on SQLite's busy timeout. A request whose
commit enqueued work wakes the thread at once (``wake_on_commit``); otherwise it looks every
``worker_poll_seconds``, which is when periodic work and retries come due.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.db import hold_write_lock_per_transaction, make_engine, make_session_factory
from kooperativet.jobs.queue import WORK_ENQUEUED
from kooperativet.jobs.worker import Worker, worker_name

STOP_TIMEOUT_SECONDS = 60.0
SessionMaker = Callable[[], Session]


def wake_on_commit(factory: sessionmaker[Session], wake: threading.Event) -> None:
    """Set ``wake`` after each commit of a ``factory`` session that enqueued a job."""

    @event.listens_for(factory, "after_commit")
    def _woken(session: Session) -> None:
        if session.info.pop(WORK_ENQUEUED, False):
            wake.set()

    @event.listens_for(factory, "after_soft_rollback")
    def _forgotten(session: Session, _previous: Any) -> None:
        session.info.pop(WORK_ENQUEUED, None)


def queue_with_writers(
    factory: sessionmaker[Session], write_lock: AbstractContextManager[Any]
) -> SessionMaker:
    """Sessions of ``factory`` whose every transaction holds ``write_lock``, as a request's transaction does
    (``db.hold_write_lock_per_transaction``)."""

    def locked_session() -> Session:
        session = factory()
        hold_write_lock_per_transaction(session, write_lock)
        return session

    return locked_session


class EmbeddedWorker:
    """Started and stopped with the application (its lifespan); ``wake`` is set by committing requests."""

    def __init__(
        self, settings: Any, *, audit_key: bytes, write_lock: AbstractContextManager[Any] | None
    ) -> None:
        self.settings = settings
        self.audit_key = audit_key
        self.write_lock = write_lock
        self.wake = threading.Event()
        self._engine: Engine | None = None
        self._worker: Worker | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        engine = make_engine(
            self.settings.resolved_database_url,
            pool_size=2,
            max_overflow=2,
            sqlite_synchronous=self.settings.sqlite_synchronous,
        )
        factory = make_session_factory(engine, audit_key=self.audit_key, public_url=self.settings.public_url)
        sessions = factory if self.write_lock is None else queue_with_writers(factory, self.write_lock)
        worker = Worker(sessions, self.settings, name=worker_name("embedded"))
        worker.wake = self.wake
        self._engine, self._worker = engine, worker
        self._thread = threading.Thread(target=worker.run, name="kooperativet-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the job at hand (a job cut short by a hard exit is claimed again after its lease)."""
        if self._worker is not None:
            self._worker.request_stop()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS)
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._worker = self._thread = None

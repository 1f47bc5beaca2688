"""Recording work for the workers (``enqueue``) and naming who does each kind of it (``handler``).

A change and the work it causes commit together or not at all: ``enqueue`` only adds a row to the
transaction at hand. A handler runs later, in a worker, with its own transactions; it must be idempotent
(a job may run again after a worker died half-way), which is why most work is keyed and checks what is
already done before it does anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kooperativet.db import clock_of
from kooperativet.jobs.models import Job, JobState

WORK_ENQUEUED = "kooperativet_work_enqueued"  # Session.info: set when a transaction enqueued a job


class JobWaits(Exception):
    """The job cannot be done until something outside it changes: a setting nobody has made yet (no SMTP
    server configured). It is retried like any failure and its reason recorded on the job, but the worker
    says it in its log once, not once for every message of the demo or of a new installation."""


class KnownFailure(Exception):
    """A failure whose cause the handler knows. Its ``code`` (a stable word: ``no_mail_server``) is stored
    with the error on the job (``Job.error_code``), so that the office is told the cause in its own words
    however the error's text reads; the text stays beside it for whoever mends the cause."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


#: The code of a job whose worker stopped during its last attempt (``runner.claim``): no handler ran.
WORKER_STOPPED = "worker_stopped"


@dataclass(frozen=True)
class JobContext:
    """What a handler gets besides its payload: a session of its own and the settings (SMTP, data folder)."""

    #: A session with no transaction open; the handler commits its own work.
    session: Session
    settings: Any  # kooperativet.config.Settings
    job_id: int
    attempt: int
    #: Who holds the job's lease (``hostname:pid``), and for how long a lease runs.
    worker: str = "inline"
    lease: timedelta = timedelta(minutes=5)

    def extend_lease(self, duration: timedelta | None = None) -> bool:
        """Keep the job leased for ``duration`` (the worker's lease by default) from now: a long handler
        calls this between its steps, so that no other worker takes the job as abandoned meanwhile.

        It commits, so call it with no work of the handler's own pending. ``False`` when the lease was
        lost already (it ran out and another worker claimed the job): the handler should stop then."""
        if self.session.in_transaction() and (self.session.new or self.session.dirty or self.session.deleted):
            raise RuntimeError("extend_lease commits: call it between the handler's transactions")
        until = clock_of(self.session) + (duration or self.lease)
        result = self.session.execute(
            update(Job)
            .where(Job.id == self.job_id, Job.locked_by == self.worker, Job.state == JobState.running)
            .values(locked_until=until)
        )
        self.session.commit()
        return bool(getattr(result, "rowcount", 0))


Handler = Callable[[JobContext, Mapping[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does jobs of ``kind`` (``@handler("send_mail")``)."""

    def register(function: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not function:
            raise ValueError(f"two handlers for jobs of kind {kind!r}")
        _HANDLERS[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


#: What a kind of work does when its job's state changes outside its handler, in that change's transaction
#: (which it must not commit): the e-mail a job was sending follows the job when it is given up or retried.
Hook = Callable[[Session, Job], None]
_GIVEN_UP: dict[str, Hook] = {}
_RETRIED: dict[str, Hook] = {}


def when_given_up(kind: str) -> Callable[[Hook], Hook]:
    """Register what to do when a job of ``kind`` fails for good: after its last attempt failed, or when its
    worker stopped during the last attempt (``runner.claim``), where no handler of its own runs."""
    return _register_hook(_GIVEN_UP, kind)


def when_retried(kind: str) -> Callable[[Hook], Hook]:
    """Register what to do when a failed job of ``kind`` is sent back to the workers (``requeue``)."""
    return _register_hook(_RETRIED, kind)


def given_up(session: Session, job: Job) -> None:
    hook = _GIVEN_UP.get(job.kind)
    if hook is not None:
        hook(session, job)


def requeue(session: Session, job: Job, *, now: datetime) -> None:
    """Send a finished job back to the workers, due now, with all its attempts again (its last error kept
    until the next attempt replaces it). The caller holds the job's row (``db.fetch_locked``)."""
    job.state = JobState.pending
    job.attempts = 0
    job.run_after = now
    job.locked_by = None
    job.locked_until = None
    job.finished_at = None
    session.flush()
    hook = _RETRIED.get(job.kind)
    if hook is not None:
        hook(session, job)
    announce_work(session)  # as a new job does: the embedded worker is woken by the commit


def _register_hook(hooks: dict[str, Hook], kind: str) -> Callable[[Hook], Hook]:
    def register(function: Hook) -> Hook:
        if hooks.get(kind, function) is not function:
            raise ValueError(f"two hooks for jobs of kind {kind!r}")
        hooks[kind] = function
        return function

    return register


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    key: str | None = None,
    run_after: datetime | None = None,
) -> Job | None:
    """Record a job in this transaction; with a ``key`` already queued (or done), nothing is added."""
    if key is not None:
        existing = session.scalar(select(Job).where(Job.key == key))
        if existing is not None:
            return None
    job = Job(
        kind=kind,
        payload=dict(payload),
        key=key,
        state=JobState.pending,
        run_after=run_after or clock_of(session),
        created_at=clock_of(session),
    )
    session.add(job)
    session.flush()
    announce_work(session)
    return job


def enqueue_new(session: Session, kind: str, jobs: Sequence[tuple[Mapping[str, Any], str | None]]) -> None:
    """Record many jobs of ``kind`` at once, each ``(payload, key)``, in one multi-row INSERT; for keys
    that are new by construction (the rows they name were just made), so no key is looked up first."""
    if not jobs:
        return
    now = clock_of(session)
    rows = [
        {
            "kind": kind,
            "payload": dict(payload),
            "key": key,
            "state": JobState.pending,
            "run_after": now,
            "created_at": now,
        }
        for payload, key in jobs
    ]
    session.execute(insert(Job), rows)
    announce_work(session)


def announce_work(session: Session) -> None:
    """This transaction has work for the workers: the embedded worker is woken by its commit, and an inline
    session runs the work right after it."""
    session.info[WORK_ENQUEUED] = True
    from kooperativet.jobs.runner import schedule_inline_run  # the runner imports this module

    schedule_inline_run(session)

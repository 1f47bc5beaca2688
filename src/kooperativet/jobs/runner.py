"""Doing the recorded work: claim one due job, run its handler, record the outcome.

A claim is a short transaction of its own (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that
workers on several machines never take the same job; SQLite's one writer serialises claims by itself). A
claimed job is leased to its worker (``worker_lease_seconds``, ``LEASE`` by default): a worker that dies
leaves the lease to run out, and the job is claimed again; a long handler extends its lease
(``JobContext.extend_lease``). A handler that raises is retried later, with a delay that doubles each
time, until it has failed ``max_attempts`` times: then it stays ``failed`` with its error for the office
to see.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.db import after_commit, clock_of
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.queue import (
    WORK_ENQUEUED,
    WORKER_STOPPED,
    JobContext,
    JobWaits,
    KnownFailure,
    given_up,
    handler_for,
)

log = logging.getLogger(__name__)
#: The reasons jobs wait (``JobWaits``) this process has logged already, by kind.
_SAID: set[tuple[str, str]] = set()

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
INLINE_SETTINGS = "kooperativet_jobs_inline"  # Session.info: run enqueued work right after the commit


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour between attempts."""
    delay: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


def lease_of(settings: Any) -> timedelta:
    """How long a claim holds: the setting ``worker_lease_seconds``, or ``LEASE``."""
    seconds = getattr(settings, "worker_lease_seconds", None)
    return LEASE if seconds is None else timedelta(seconds=seconds)


def claim(session: Session, worker: str, now: datetime, *, lease: timedelta = LEASE) -> Job | None:
    """Lease the next due job to ``worker`` and commit the lease; ``None`` when nothing is due.

    A job whose lease ran out on its last allowed attempt (its worker died each time) is not run again
    but marked failed, so that a job that kills its worker cannot take the workers down forever."""
    due = or_(
        and_(Job.state == JobState.pending, Job.run_after <= now),
        and_(Job.state == JobState.running, Job.locked_until < now),
    )
    query = select(Job).where(due).order_by(Job.run_after, Job.id).limit(1)
    while True:
        job = session.scalar(query.with_for_update(skip_locked=True))
        if job is None:
            session.commit()
            return None
        if job.state == JobState.running and job.attempts >= job.max_attempts:
            job.state = JobState.failed
            job.finished_at = now
            job.locked_until = None
            job.last_error = f"the worker {job.locked_by} stopped during the last attempt"
            job.error_code = WORKER_STOPPED
            session.flush()
            given_up(session, job)
            continue
        job.state = JobState.running
        job.locked_by = worker
        job.locked_until = now + lease
        job.attempts += 1
        session.commit()
        return job


def run_one(session: Session, settings: Any, worker: str) -> bool:
    """Claim and run one due job; ``False`` when there was none."""
    lease = lease_of(settings)
    job = claim(session, worker, clock_of(session), lease=lease)
    if job is None:
        return False
    job_id, kind, payload, attempt = job.id, job.kind, dict(job.payload), job.attempts
    function = handler_for(kind)
    context = JobContext(
        session=session, settings=settings, job_id=job_id, attempt=attempt, worker=worker, lease=lease
    )
    try:
        if function is None:
            raise LookupError(f"no handler for jobs of kind {kind!r}")
        function(context, payload)
        session.commit()
    except Exception as error:
        session.rollback()
        if not isinstance(error, JobWaits):
            log.warning("job %s (%s) failed on attempt %s: %s", job_id, kind, attempt, error)
        elif (kind, str(error)) not in _SAID:
            _SAID.add((kind, str(error)))
            log.warning("%s jobs wait: %s (each is retried; this is said once)", kind, error)
        _record_failure(session, job_id, worker, error)
        return True
    _record_done(session, job_id, worker)
    return True


def run_due(session: Session, settings: Any, worker: str, *, limit: int = 1000) -> int:
    """Run due jobs one after the other until none is due (or ``limit``); how many ran."""
    ran = 0
    while ran < limit and run_one(session, settings, worker):
        ran += 1
    return ran


def _record_done(session: Session, job_id: int, worker: str) -> None:
    job = session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is not None and job.locked_by == worker and job.state == JobState.running:
        job.state = JobState.done
        job.finished_at = clock_of(session)
        job.locked_until = None
        job.last_error = None
        job.error_code = None
    session.commit()


def _record_failure(session: Session, job_id: int, worker: str, error: Exception) -> None:
    job = session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is not None and job.locked_by == worker and job.state == JobState.running:
        now = clock_of(session)
        job.last_error = "".join(traceback.format_exception_only(error)).strip()[:4000]
        job.error_code = error.code if isinstance(error, KnownFailure) else None
        job.locked_until = None
        if job.attempts >= job.max_attempts:
            job.state = JobState.failed
            job.finished_at = now
            session.flush()
            given_up(session, job)
        else:
            job.state = JobState.pending
            job.run_after = now + retry_delay(job.attempts)
    session.commit()


def run_inline(factory: sessionmaker[Session], settings: Any) -> None:
    """Sessions of ``factory`` run the work they enqueue right after their commit, in the same process.

    For tests, which need to see a message arrive at the end of the request that caused it; real
    deployments run a worker (``kooperativet worker``, or the embedded one in the API process)."""
    factory.kw.setdefault("info", {})[INLINE_SETTINGS] = settings


def schedule_inline_run(session: Session) -> None:
    """Called by ``enqueue``: in an inline session, run the due work once this transaction committed."""
    settings = session.info.get(INLINE_SETTINGS)
    if settings is None or session.info.get("kooperativet_inline_scheduled"):
        return
    session.info["kooperativet_inline_scheduled"] = True

    def run(committed: Session) -> None:
        committed.info.pop("kooperativet_inline_scheduled", None)
        committed.info.pop(WORK_ENQUEUED, None)
        run_due(committed, settings, "inline")

    after_commit(session, run)

"""What the office sees of the background work: the jobs that failed for good, the ones waiting for another
try, and sending a failed one back to the queue by hand once its cause is fixed (the SMTP password, a
template)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.db import fetch_locked, fetch_page
from kooperativet.errors import Conflict, NotFound
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.queue import requeue


def list_jobs(
    session: Session, *, state: JobState | None, limit: int, offset: int, retrying: bool = False
) -> tuple[list[Job], int]:
    """Jobs in ``state`` (all without one), newest first; ``retrying``: only those that failed at least
    once."""
    query = select(Job)
    if state is not None:
        query = query.where(Job.state == state)
    if retrying:
        query = query.where(Job.attempts > 0, Job.last_error.is_not(None))
    return fetch_page(
        session, query, limit=limit, offset=offset, order=[Job.created_at.desc()], tiebreak=Job.id.desc()
    )


def retry_job(session: Session, *, job_id: int, now: datetime) -> Job:
    """Put a failed job back in the queue, due now, with all its attempts again (its last error kept until
    the next attempt replaces it). A job that has not failed is a 409 ``job_not_failed``: a job waiting or
    running already does the work, and a second one for it would do it twice."""
    job = fetch_locked(session, select(Job).where(Job.id == job_id))
    if job is None:
        raise NotFound("no such job")
    if job.state != JobState.failed:
        raise Conflict(
            f"the job is {job.state}, not failed: only a failed job is retried", code="job_not_failed"
        )
    requeue(session, job, now=now)
    return job

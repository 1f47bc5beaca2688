"""Retrying a failed job by hand, recorded in the audit log: the API's and the web page's one path."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.jobs import office
from kooperativet.jobs.models import Job


def retry_failed_job(session: Session, *, job_id: int, actor: User, now: datetime) -> Job:
    """Send a failed job back to the workers (``jobs.office.retry_job``); who did it is in the audit log."""
    job = office.retry_job(session, job_id=job_id, now=now)
    append_event(
        session,
        kind="job_retried",
        payload={"job_id": job.id, "job": job.kind, "by_user_id": actor.id},
        now=now,
    )
    return job

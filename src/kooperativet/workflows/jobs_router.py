"""The office's view of the background work over the API: failed and waiting jobs, and a retry.

It lives here, above the domains, because it joins the jobs (below every domain) with who is asking
(auth) and the audit log; the jobs package itself knows neither."""

from __future__ import annotations

from fastapi import APIRouter

from kooperativet.api.dependencies import DbSession, Now, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import OfficeReader, TreasurerOrAdmin
from kooperativet.jobs import office
from kooperativet.jobs.models import JobState
from kooperativet.jobs.schemas import JobRead
from kooperativet.workflows.jobs_office import retry_failed_job

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("", responses=problem_responses(401, 403, 422))
def list_jobs(
    _user: OfficeReader, session: DbSession, window: Window, state: JobState | None = None
) -> Page[JobRead]:
    """Background jobs (e-mail, documents, reminders), newest first; ``state=failed`` lists those the
    workers gave up on, with their last error (treasurer or admin)."""
    rows, total = office.list_jobs(session, state=state, limit=window.limit, offset=window.offset)
    return window.page([JobRead.model_validate(job) for job in rows], total)


@router.post("/{job_id}/retry", responses=problem_responses(401, 403, 404, 409))
def retry_job(job_id: int, user: TreasurerOrAdmin, session: DbSession, clock: Now) -> JobRead:
    """Send a failed job back to the workers with all its attempts again, once its cause is fixed
    (treasurer or admin). A job that has not failed is a 409 ``job_not_failed``."""
    return JobRead.model_validate(retry_failed_job(session, job_id=job_id, actor=user, now=clock))

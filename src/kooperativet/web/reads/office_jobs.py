"""Reads for the office's jobs page: the jobs that failed for good and those waiting for another try, each
a page of its own and a count (four statements, however many jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kooperativet.jobs import office
from kooperativet.jobs.models import Job, JobState
from kooperativet.web.i18n import N_
from kooperativet.web.reads.failures import Failure, failure

#: What each kind of job does, said to the office; a kind not listed is "other background work".
JOB_LABELS = {
    "send_mail": N_("Sending an e-mail"),
    "render_documents": N_("Making the PDF of a document"),
    "send_due_reminders": N_("Sending payment reminders"),
}
OTHER_WORK = N_("Other background work")


@dataclass(frozen=True, slots=True)
class JobLine:
    job: Job
    label: str
    #: What went wrong: a sentence, with the stored error text for the admin.
    failure: Failure | None


@dataclass(frozen=True, slots=True)
class JobLists:
    failed: list[JobLine]
    failed_total: int
    retrying: list[JobLine]
    retrying_total: int


def _line(job: Job) -> JobLine:
    return JobLine(
        job=job,
        label=JOB_LABELS.get(job.kind, OTHER_WORK),
        failure=failure(job.error_code, job.last_error, kind=job.kind),
    )


def job_lists(session: Session, *, limit: int, offset: int) -> JobLists:
    failed, failed_total = office.list_jobs(session, state=JobState.failed, limit=limit, offset=offset)
    retrying, retrying_total = office.list_jobs(
        session, state=JobState.pending, limit=limit, offset=0, retrying=True
    )
    return JobLists(
        failed=[_line(job) for job in failed],
        failed_total=failed_total,
        retrying=[_line(job) for job in retrying],
        retrying_total=retrying_total,
    )

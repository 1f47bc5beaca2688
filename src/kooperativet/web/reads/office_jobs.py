"""Reads for the office's jobs page: the jobs that failed for good and those waiting for another try, each
a page of its own and a count, and what the e-mails on the page are (five statements, however many jobs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.jobs import office
from kooperativet.jobs.models import Job, JobState
from kooperativet.mail.models import OutgoingMail
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
class MailAbout:
    """The e-mail a sending job is about: its subject and recipients, as the mail page shows them (none once
    erased after the retention period)."""

    id: int
    subject: str
    to_addresses: list[str]
    erased: bool


@dataclass(frozen=True, slots=True)
class JobLine:
    job: Job
    label: str
    #: What went wrong: a sentence, with the stored error text for the admin.
    failure: Failure | None
    #: A sending job's e-mail (None for other work, or a message that is gone).
    mail: MailAbout | None = None
    #: A rendering job's kind of document and how many (``payslip``, 80), said in words by the page.
    documents: tuple[str, int] | None = None


@dataclass(frozen=True, slots=True)
class JobLists:
    failed: list[JobLine]
    failed_total: int
    retrying: list[JobLine]
    retrying_total: int


def _line(job: Job, mails: dict[int, MailAbout]) -> JobLine:
    return JobLine(
        job=job,
        label=JOB_LABELS.get(job.kind, OTHER_WORK),
        failure=failure(job.error_code, job.last_error, kind=job.kind),
        mail=mails.get(_mail_id(job)) if job.kind == "send_mail" else None,
        documents=_documents(job.payload) if job.kind == "render_documents" else None,
    )


def _mail_id(job: Job) -> int:
    mail_id = job.payload.get("mail_id") if isinstance(job.payload, dict) else None
    return mail_id if isinstance(mail_id, int) else 0


def _documents(payload: Any) -> tuple[str, int] | None:
    """``{"kind": "payslip", "ids": [...]}`` (documents.pipeline) → ``("payslip", 80)``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("ids"), list):
        return None
    return str(payload.get("kind", "")), len(payload["ids"])


def _mails(session: Session, jobs: list[Job]) -> dict[int, MailAbout]:
    """The e-mails of the page's sending jobs, in one statement however many (the bodies are not read)."""
    ids = sorted({_mail_id(job) for job in jobs if job.kind == "send_mail"} - {0})
    rows = session.execute(
        select(
            OutgoingMail.id, OutgoingMail.subject, OutgoingMail.to_addresses, OutgoingMail.erased_at
        ).where(OutgoingMail.id.in_(ids))
    )
    return {
        row.id: MailAbout(
            id=row.id,
            subject=row.subject,
            to_addresses=[] if row.erased_at else list(row.to_addresses or []),
            erased=row.erased_at is not None,
        )
        for row in rows
    }


def job_lists(session: Session, *, limit: int, offset: int) -> JobLists:
    failed, failed_total = office.list_jobs(session, state=JobState.failed, limit=limit, offset=offset)
    retrying, retrying_total = office.list_jobs(
        session, state=JobState.pending, limit=limit, offset=0, retrying=True
    )
    mails = _mails(session, [*failed, *retrying])
    return JobLists(
        failed=[_line(job, mails) for job in failed],
        failed_total=failed_total,
        retrying=[_line(job, mails) for job in retrying],
        retrying_total=retrying_total,
    )

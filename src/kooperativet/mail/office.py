"""What the office sees of the outbox: the messages sent, waiting or given up, and sending a failed one again.

The list never loads bodies (``load_only``): a page of a hundred messages is two statements whatever they
hold, and one message's bodies are read without their secrets (``redaction.readable_bodies``). Sending again
sends the message's own job back to the workers, so it keeps its Message-ID, a reader's mail program sees
one message, not two, and no second job can send it at the same time.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from kooperativet.db import clock_of, fetch_locked, fetch_page, read_locked
from kooperativet.errors import Conflict, NotFound
from kooperativet.jobs import enqueue
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.queue import requeue
from kooperativet.mail import send_job  # noqa: F401 - the hooks that keep a message's state with its job's
from kooperativet.mail.attachments import resolve
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import SEND_MAIL, sending_key

LISTED = (
    OutgoingMail.template,
    OutgoingMail.language,
    OutgoingMail.to_addresses,
    OutgoingMail.subject,
    OutgoingMail.message_id,
    OutgoingMail.state,
    OutgoingMail.queued_at,
    OutgoingMail.sent_at,
    OutgoingMail.last_error,
    OutgoingMail.error_code,
    OutgoingMail.erased_at,
)


def list_mail(
    session: Session, *, state: MailState | None, limit: int, offset: int
) -> tuple[list[OutgoingMail], int]:
    """Messages, the latest queued first, optionally only those in ``state``; bodies are not loaded."""
    query = select(OutgoingMail).options(load_only(*LISTED))
    if state is not None:
        query = query.where(OutgoingMail.state == state)
    return fetch_page(
        session,
        query,
        limit=limit,
        offset=offset,
        order=[OutgoingMail.queued_at.desc()],
        tiebreak=OutgoingMail.id.desc(),
    )


def get_mail(session: Session, *, mail_id: int) -> OutgoingMail:
    message = session.get(OutgoingMail, mail_id)
    if message is None:
        raise NotFound(f"no message {mail_id}", code="mail_not_found")
    return message


def attachment_names(session: Session, message: OutgoingMail) -> list[str]:
    """The file names the message carries (each source is asked, as when it is sent); a source that cannot
    give its file now (a document still rendering, one removed) is named by its reference instead, so that
    the record stays readable."""
    names = []
    for reference in message.attachments:
        try:
            names.append(resolve(session, reference).filename)
        except Exception:  # any source's failure; the send job reports it when it matters
            names.append(f"{reference.get('source')} {reference.get('id')}")
    return names


def send_again(session: Session, *, message: OutgoingMail) -> OutgoingMail:
    """Queue a message the workers gave up once more, as the same message (same Message-ID), by sending its
    own job back to the workers: never by a second job beside one that waits or runs, and so never twice
    (Send again here and Retry on the jobs page are one action). A message still ``queued`` whose job failed
    (given up before the runner marked its message) counts as failed; anything else is a 409."""
    job = fetch_locked(session, select(Job).where(Job.key == sending_key(message.id)))
    read_locked(message)
    if message.erased_at is not None:
        raise Conflict(
            f"message {message.id} was erased after the retention period; it has no recipient to send to",
            code="erased_after_retention",
        )
    if not _given_up(message, job):
        raise Conflict(
            f"message {message.id} is {message.state}; only a failed message is sent again",
            code="mail_not_failed",
        )
    if job is None:
        enqueue(session, SEND_MAIL, {"mail_id": message.id}, key=sending_key(message.id))
    elif job.state in (JobState.done, JobState.failed):
        requeue(session, job, now=clock_of(session))
    message.state = MailState.queued
    session.flush()
    return message


def _given_up(message: OutgoingMail, job: Job | None) -> bool:
    if message.state == MailState.failed:
        return True
    return message.state == MailState.queued and job is not None and job.state == JobState.failed

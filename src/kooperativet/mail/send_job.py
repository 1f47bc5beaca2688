"""The worker's side of an e-mail: build the MIME message from the stored one and hand it to SMTP.

A failed attempt is written on the message (``last_error``) and raised again, so that the job runner
retries it later with a growing delay; when the runner gives the job up the message is ``failed`` and the
office may send it again (``mail.office.send_again``). Nothing is lost while the server is away: the message
stays ``queued`` with its job pending. Each message has one job of its own, which alone sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.config import Settings
from kooperativet.db import clock_of, fetch_locked
from kooperativet.jobs import JobContext, handler
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.queue import requeue, when_given_up, when_retried
from kooperativet.mail.addresses import domain_of, envelope_addresses, header_addresses, sender_address
from kooperativet.mail.attachments import resolve
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import PENDING_DOMAIN, SEND_MAIL, sending_key
from kooperativet.mail.redaction import readable_bodies
from kooperativet.mail.smtp import MailFailure, MailNotSent, require_server, transmit


@handler(SEND_MAIL)
def send_queued_mail(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Send one queued message, once: only by its own job (``_to_send``), only while this worker holds that
    job's lease, and never again once it is sent (a job run again after a crash sends nothing)."""
    session = context.session
    mail_id = int(payload["mail_id"])
    message = _to_send(session, context, mail_id)
    if message is None:
        session.commit()
        return
    settle_message_id(message, context.settings)
    session.commit()  # the Message-ID is fixed before anything leaves, so a retry sends the same message
    try:
        require_server(context.settings)  # before the attachments are made: nothing to send them with
        mime = build_message(session, message, settings=context.settings)
        recipients = envelope_addresses([*message.to_addresses, *message.bcc_addresses])
        session.commit()  # nothing is held open while the SMTP server answers
        if not context.extend_lease():  # the lease ran out while the attachments were made: not ours now
            return
        transmit(context.settings, mime, recipients)
    except Exception as error:
        session.rollback()
        _record_attempt(session, mail_id, error)
        raise
    message = session.get(OutgoingMail, mail_id, populate_existing=True)
    assert message is not None
    message.state = MailState.sent
    message.sent_at = clock_of(session)
    message.last_error = None
    message.error_code = None
    redact_secrets(message)
    session.commit()


def _to_send(session: Session, context: JobContext, mail_id: int) -> OutgoingMail | None:
    """The message, read afresh with its row locked, when this job is the one to send it now: it is not sent
    yet and this is its own job (``sending_key``). Two jobs of one message ran at once and both sent it
    (Send again on the mail page and Retry on the jobs page); a job of it that is not its own — one queued
    by Send again before it sent the message's own job back — hands the sending to that job, so however
    many jobs point at a message, one sends it, and the job's lease keeps it to one worker at a time."""
    own = fetch_locked(session, select(Job).where(Job.key == sending_key(mail_id)))
    message = fetch_locked(session, select(OutgoingMail).where(OutgoingMail.id == mail_id))
    if message is None or message.state == MailState.sent or message.erased_at is not None:
        return None  # an erased message has no recipient left to send to (``privacy.purge``)
    if own is None:  # a message left without its own job: this one becomes it (the key is unique)
        session.get_one(Job, context.job_id).key = sending_key(mail_id)
        session.flush()
        return message
    if own.id == context.job_id:
        return message
    if own.state in (JobState.done, JobState.failed):
        requeue(session, own, now=clock_of(session))
    return None


@when_given_up(SEND_MAIL)
def mark_failed(session: Session, job: Job) -> None:
    """The workers gave the message's job up (also when its worker stopped during the last attempt, where
    no handler ran): the message is failed, so that the office sees it and can send it again."""
    message = _message_of(session, job)
    if message is not None and message.state == MailState.queued:
        message.state = MailState.failed
        if message.last_error is None:  # no attempt of its own recorded why: the job's reason is the one
            message.last_error, message.error_code = job.last_error, job.error_code


@when_retried(SEND_MAIL)
def mark_queued(session: Session, job: Job) -> None:
    """The message's failed job was retried from the jobs page: the message waits to be sent again."""
    message = _message_of(session, job)
    if message is not None and message.state == MailState.failed:
        message.state = MailState.queued


def _message_of(session: Session, job: Job) -> OutgoingMail | None:
    """The message ``job`` is the own job of (locked), or ``None`` for a job that hands its sending over."""
    mail_id = job.payload.get("mail_id")
    if not isinstance(mail_id, int) or job.key != sending_key(mail_id):
        return None
    return fetch_locked(session, select(OutgoingMail).where(OutgoingMail.id == mail_id))


def redact_secrets(message: OutgoingMail) -> None:
    """Blank the secrets (one-time links) out of the stored bodies of a sent message: the person has them,
    and a copy of the database must not hold a link that still works."""
    bodies = readable_bodies(message)
    message.text_body, message.html_body = bodies.text, bodies.html
    message.redact_after_sending = []


def settle_message_id(message: OutgoingMail, settings: Settings) -> None:
    """Give a message queued without a Message-ID domain the From address's domain, once."""
    suffix = f"@{PENDING_DOMAIN}>"
    if message.message_id.endswith(suffix):
        unique = message.message_id[1 : -len(suffix)]
        message.message_id = f"<{unique}@{domain_of(settings.smtp_from)}>"


def build_message(session: Session, message: OutgoingMail, *, settings: Settings) -> EmailMessage:
    """The MIME message: headers through ``email.headerregistry`` (names with å, ä, ö are RFC 2047
    encoded by the library), plain text with an HTML alternative, then the attachments."""
    mime = EmailMessage()
    mime["From"] = sender_address(settings.smtp_from)
    mime["To"] = header_addresses(message.to_addresses)
    if settings.smtp_reply_to:
        mime["Reply-To"] = sender_address(settings.smtp_reply_to)
    mime["Subject"] = message.subject
    queued_at = message.queued_at
    mime["Date"] = format_datetime(queued_at if queued_at.tzinfo else queued_at.replace(tzinfo=UTC))
    mime["Message-ID"] = message.message_id
    mime.set_content(message.text_body)
    if message.html_body is not None:
        mime.add_alternative(message.html_body, subtype="html")
    for reference in message.attachments:
        file = resolve(session, reference)
        maintype, subtype = file.content_type.split("/", 1)
        mime.add_attachment(file.content, maintype=maintype, subtype=subtype, filename=file.filename)
    return mime


def _record_attempt(session: Session, mail_id: int, error: Exception) -> None:
    """Write why this attempt failed on the message, for the office (an address the server refused is named
    here, never in the log); the runner marks it failed when it gives the job up (``mark_failed``). An
    error that is not the server's came before anything was sent: the message could not be put together
    (an attachment whose document cannot be rendered, an address no header can hold)."""
    message = session.get(OutgoingMail, mail_id, populate_existing=True)
    if message is not None:
        if isinstance(error, MailNotSent):
            reason, code = error.detail, error.code
        else:
            reason, code = f"{type(error).__name__}: {error}", MailFailure.not_built
        message.last_error = reason[:2000]
        message.error_code = code
    session.commit()

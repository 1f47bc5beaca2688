"""The worker's side of an e-mail: build the MIME message from the stored one and hand it to SMTP.

A failed attempt is written on the message (``last_error``) and raised again, so that the job runner
retries it later with a growing delay; after the job's last attempt the message is ``failed`` and the office
may send it again (``mail.office.send_again``). Nothing is lost while the server is away: the message stays
``queued`` with its job pending.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.config import Settings
from kooperativet.db import clock_of
from kooperativet.jobs import JobContext, handler
from kooperativet.jobs.models import Job
from kooperativet.mail.addresses import domain_of, envelope_addresses, header_addresses, sender_address
from kooperativet.mail.attachments import resolve
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import PENDING_DOMAIN, SEND_MAIL
from kooperativet.mail.smtp import require_server, transmit


@handler(SEND_MAIL)
def send_queued_mail(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Send one queued message unless it was sent already (a job run again after a crash sends nothing)."""
    session = context.session
    mail_id = int(payload["mail_id"])
    message = session.get(OutgoingMail, mail_id)
    if message is None or message.state == MailState.sent:
        session.commit()
        return
    settle_message_id(message, context.settings)
    session.commit()  # the Message-ID is fixed before anything leaves, so a retry sends the same message
    try:
        require_server(context.settings)  # before the attachments are made: nothing to send them with
        mime = build_message(session, message, settings=context.settings)
        recipients = envelope_addresses([*message.to_addresses, *message.bcc_addresses])
        session.commit()  # nothing is held open while the SMTP server answers
        transmit(context.settings, mime, recipients)
    except Exception as error:
        session.rollback()
        _record_attempt(session, context, mail_id, error)
        raise
    message = session.get(OutgoingMail, mail_id, populate_existing=True)
    assert message is not None
    message.state = MailState.sent
    message.sent_at = clock_of(session)
    message.last_error = None
    redact_secrets(message)
    session.commit()


REDACTED = "[…]"


def redact_secrets(message: OutgoingMail) -> None:
    """Blank the secrets (one-time links) out of the stored bodies of a sent message: the person has them,
    and a copy of the database must not hold a link that still works."""
    for secret in message.redact_after_sending:
        message.text_body = message.text_body.replace(secret, REDACTED)
        if message.html_body is not None:
            message.html_body = message.html_body.replace(secret, REDACTED)
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


def _record_attempt(session: Session, context: JobContext, mail_id: int, error: Exception) -> None:
    """Write why this attempt failed on the message; after the job's last attempt the message is failed."""
    message = session.get(OutgoingMail, mail_id, populate_existing=True)
    job = session.get(Job, context.job_id)
    if message is not None:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if job is not None and context.attempt >= job.max_attempts:
            message.state = MailState.failed
    session.commit()

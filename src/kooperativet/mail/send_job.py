"""The worker's side of an e-mail: build the MIME message from the stored one and hand it to SMTP."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.db import clock_of
from kooperativet.jobs import JobContext, handler
from kooperativet.mail.attachments import resolve
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import SEND_MAIL
from kooperativet.mail.smtp import transmit


@handler(SEND_MAIL)
def send_queued_mail(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Send one queued message unless it was sent already (a job run again after a crash sends nothing)."""
    session = context.session
    message = session.get(OutgoingMail, payload["mail_id"])
    if message is None or message.state == MailState.sent:
        session.commit()
        return
    mime = build_message(session, message, sender=context.settings.smtp_from)
    recipients = [*message.to_addresses, *message.bcc_addresses]
    session.commit()  # nothing is held open while the SMTP server answers
    transmit(context.settings, mime, recipients)
    message = session.get(OutgoingMail, payload["mail_id"], populate_existing=True)
    assert message is not None
    message.state = MailState.sent
    message.sent_at = clock_of(session)
    message.last_error = None
    session.commit()


def build_message(session: Session, message: OutgoingMail, *, sender: str) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = ", ".join(message.to_addresses)
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(message.queued_at)
    mime["Message-ID"] = message.message_id
    mime.set_content(message.text_body)
    if message.html_body is not None:
        mime.add_alternative(message.html_body, subtype="html")
    for reference in message.attachments:
        file = resolve(session, reference)
        maintype, subtype = file.content_type.split("/", 1)
        mime.add_attachment(file.content, maintype=maintype, subtype=subtype, filename=file.filename)
    return mime

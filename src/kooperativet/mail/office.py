"""What the office sees of the outbox: the messages sent, waiting or given up, and sending a failed one again.

The list never loads bodies (``load_only``): a page of a hundred messages is two statements whatever they
hold. Sending again makes a new job for the same stored message, so it keeps its Message-ID and a reader's
mail program sees one message, not two.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from kooperativet.db import fetch_page
from kooperativet.errors import Conflict, NotFound
from kooperativet.jobs import enqueue
from kooperativet.mail.attachments import resolve
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import SEND_MAIL

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
    """Queue a failed message once more: a new job for the same message (same Message-ID)."""
    if message.state != MailState.failed:
        raise Conflict(
            f"message {message.id} is {message.state}; only a failed message is sent again",
            code="mail_not_failed",
        )
    message.state = MailState.queued
    session.flush()
    enqueue(session, SEND_MAIL, {"mail_id": message.id})
    return message

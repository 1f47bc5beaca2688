"""The office's view of sent e-mail over HTTP (treasurer and admin): what went out, what waits, what failed,
and sending a failed message again. The outbox itself is ``kooperativet.mail``; this router sits here because
it asks ``auth`` who calls, and auth sits above mail."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import OfficeReader, TreasurerOrAdmin
from kooperativet.mail import office
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.redaction import readable_bodies
from kooperativet.mail.schemas import MailRead, MailSummary

router = APIRouter(prefix="/api/v1/mail", tags=["mail"])


@router.get("", responses=problem_responses(401, 403, 422))
def list_mail(
    _user: OfficeReader, session: DbSession, window: Window, state: MailState | None = None
) -> Page[MailSummary]:
    """Outgoing messages, the latest first, without their bodies; ``state`` keeps queued, sent or failed."""
    rows, total = office.list_mail(session, state=state, limit=window.limit, offset=window.offset)
    return window.page([MailSummary.model_validate(row) for row in rows], total)


@router.get("/{mail_id}", responses=problem_responses(401, 403, 404))
def get_mail(mail_id: int, _user: OfficeReader, session: DbSession) -> MailRead:
    """One message as it was composed: recipients, subject, plain text, HTML and attachment names; a
    one-time link in it (an invitation, a password reset) reads ``[…]``, sent or not."""
    return _read(session, office.get_mail(session, mail_id=mail_id))


@router.post("/{mail_id}/send-again", responses=problem_responses(401, 403, 404, 409))
def send_again(mail_id: int, _user: TreasurerOrAdmin, session: DbSession) -> MailRead:
    """Queue a failed message again (same Message-ID); 409 ``mail_not_failed`` for any other message."""
    return _read(session, office.send_again(session, message=office.get_mail(session, mail_id=mail_id)))


def _read(session: Session, message: OutgoingMail) -> MailRead:
    """The message without its secrets: a one-time link waiting to be sent is its recipient's alone."""
    summary = MailSummary.model_validate(message).model_dump()
    bodies = readable_bodies(message)
    return MailRead(
        **summary,
        bcc_addresses=message.bcc_addresses,
        text_body=bodies.text,
        html_body=bodies.html,
        attachment_names=office.attachment_names(session, message),
    )

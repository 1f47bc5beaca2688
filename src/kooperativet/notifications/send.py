"""Queuing a notification in the caller's transaction, if its recipient wants it.

``notify`` is one message (``queue_mail``). ``notify_many`` tells many people the same kind of thing — a vote
opening to every voter, a run's payslips — in a constant number of statements however many they are: the
preferences in one query, the messages and their send jobs each in one multi-row INSERT.

Amounts (``Decimal``) and days (``date``) in the context are written as the recipient's language writes them
(``12 772,57`` in Swedish), so the templates print them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.utils import make_msgid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kooperativet.db import clock_of
from kooperativet.documents.render import long_date, money
from kooperativet.jobs.queue import enqueue_new
from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import LANGUAGES, PENDING_DOMAIN, SEND_MAIL, compose
from kooperativet.notifications.preferences import receives
from kooperativet.notifications.recipients import Recipient
from kooperativet.notifications.topics import topic

Context = Mapping[str, Any]
Attachments = Sequence[Mapping[str, object]]


def in_language(value: Any, language: str) -> Any:
    """``value`` with its amounts and days written out for ``language`` (lists and dicts throughout)."""
    if isinstance(value, Decimal):
        return money(value, language)
    if isinstance(value, date):
        return long_date(value, language)
    if isinstance(value, Mapping):
        return {key: in_language(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [in_language(item, language) for item in value]
    return value


def _language(recipient: Recipient) -> str:
    return recipient.language if recipient.language in LANGUAGES else "sv"


def _context(recipient: Recipient, context: Context) -> dict[str, Any]:
    written: dict[str, Any] = in_language({"name": recipient.name, **context}, _language(recipient))
    return written


def notify(
    session: Session,
    topic_key: str,
    recipient: Recipient | None,
    context: Context,
    *,
    attachments: Attachments = (),
) -> OutgoingMail | None:
    """Queue ``topic_key``'s message to ``recipient`` unless she turned it off; ``None`` when not sent."""
    if recipient is None:
        return None
    topic(topic_key)  # an unknown topic is a programming error, even for someone who would not get it
    if not receives(session, [recipient.user_id], topic_key)[recipient.user_id]:
        return None
    return queue_mail(
        session,
        to=recipient.email,
        template=topic_key,
        language=_language(recipient),
        context=_context(recipient, context),
        attachments=attachments,
    )


@dataclass(frozen=True)
class Notice:
    """One message of a ``notify_many``: to whom, what it says, what it carries.

    With a ``message_id`` chosen by the caller (``<payslip-7@…>``) a message already queued under it is not
    queued again, so a job that runs twice tells nobody twice."""

    recipient: Recipient
    context: Context
    attachments: Attachments = ()
    message_id: str | None = None


def notify_many(session: Session, topic_key: str, notices: Sequence[Notice]) -> list[int]:
    """Queue each notice whose recipient wants ``topic_key``, in a constant number of statements; the ids
    of the messages queued."""
    topic(topic_key)
    wanted = receives(session, [n.recipient.user_id for n in notices], topic_key)
    already = _queued_already(session, [n.message_id for n in notices if n.message_id is not None])
    now = clock_of(session)
    rows = []
    for notice in notices:
        message_id = notice.message_id or make_msgid(
            domain=PENDING_DOMAIN
        )  # the worker puts the From domain in
        if not wanted[notice.recipient.user_id] or message_id in already:
            continue
        language = _language(notice.recipient)
        subject, text, html = compose(topic_key, language, _context(notice.recipient, notice.context))
        rows.append(
            {
                "template": topic_key,
                "language": language,
                "to_addresses": [notice.recipient.email],
                "bcc_addresses": [],
                "subject": subject,
                "text_body": text,
                "html_body": html,
                "attachments": [dict(reference) for reference in notice.attachments],
                "message_id": message_id,
                "state": MailState.queued,
                "queued_at": now,
            }
        )
    if not rows:
        return []
    # One executemany; the ids are read back by Message-ID (unique), since SQLite cannot return them in order.
    session.execute(insert(OutgoingMail), rows)
    mail_ids = list(
        session.scalars(
            select(OutgoingMail.id)
            .where(OutgoingMail.message_id.in_([row["message_id"] for row in rows]))
            .order_by(OutgoingMail.id)
        )
    )
    _enqueue_sends(session, mail_ids)
    return mail_ids


def _queued_already(session: Session, message_ids: Sequence[str]) -> set[str]:
    if not message_ids:
        return set()
    return set(
        session.scalars(select(OutgoingMail.message_id).where(OutgoingMail.message_id.in_(message_ids)))
    )


def _enqueue_sends(session: Session, mail_ids: Sequence[int]) -> None:
    """One send job per message, as ``queue_mail`` makes them, in one INSERT: the messages were just made,
    so their keys are new."""
    enqueue_new(session, SEND_MAIL, [({"mail_id": mail_id}, f"mail:{mail_id}") for mail_id in mail_ids])

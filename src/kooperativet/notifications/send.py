"""Queuing a notification in the caller's transaction, if its recipient wants it.

``notify`` is one message (``queue_mail``). ``notify_many`` tells many people the same kind of thing — a vote
opening to every voter, a run's payslips — in a constant number of statements however many they are: the
preferences in one query, the messages and their send jobs each in one multi-row INSERT.

Amounts (``Decimal``), days (``date``) and moments (``datetime``) in the context are written as the
recipient's language writes them in running text (``12 772,57``, ``20 november 2026``, ``20 november 2026
kl. 19.00`` in Swedish), so the templates print them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.documents.render import long_date, money
from kooperativet.mail import Message, queue_mail, queue_many
from kooperativet.mail.formatting import moment
from kooperativet.mail.models import OutgoingMail
from kooperativet.mail.outbox import LANGUAGES
from kooperativet.notifications.preferences import receives
from kooperativet.notifications.recipients import Recipient
from kooperativet.notifications.topics import topic
from kooperativet.parties.models import Cooperative

Context = Mapping[str, Any]
Attachments = Sequence[Mapping[str, object]]


def in_language(value: Any, language: str) -> Any:
    """``value`` with its amounts, days and moments written out for ``language`` (lists and dicts
    throughout). A moment in Swedish time, to the minute, as the mail filter ``moment`` writes it."""
    if isinstance(value, Decimal):
        return money(value, language)
    if isinstance(value, datetime):  # before ``date``: a datetime is a date too, and would lose its time
        return moment(value, language)
    if isinstance(value, date):
        return long_date(value, language)
    if isinstance(value, Mapping):
        return {key: in_language(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [in_language(item, language) for item in value]
    return value


def _language(recipient: Recipient) -> str:
    return recipient.language if recipient.language in LANGUAGES else "sv"


def _context(recipient: Recipient, context: Context, *, cooperative: str) -> dict[str, Any]:
    written: dict[str, Any] = in_language(
        {"name": recipient.name, "cooperative": cooperative, **context}, _language(recipient)
    )
    return written


def cooperative_name(session: Session) -> str:
    """The cooperative's name from its record, which every message is signed with; read once for a whole
    batch of messages (``notify_many``). Empty before the cooperative is registered: the templates then
    sign with a plain word."""
    return session.scalar(select(Cooperative.name).order_by(Cooperative.id).limit(1)) or ""


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
        context=_context(recipient, context, cooperative=cooperative_name(session)),
        attachments=attachments,
        member_id=recipient.member_id,
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
    """Queue each notice whose recipient wants ``topic_key``, in a constant number of statements
    (``mail.queue_many``); the ids of the messages queued."""
    topic(topic_key)
    wanted = receives(session, [n.recipient.user_id for n in notices], topic_key)
    already = _queued_already(session, [n.message_id for n in notices if n.message_id is not None])
    cooperative = cooperative_name(session) if notices else ""
    messages = [
        Message(
            to=[notice.recipient.email],
            language=_language(notice.recipient),
            context=_context(notice.recipient, notice.context, cooperative=cooperative),
            attachments=notice.attachments,
            message_id=notice.message_id,
            member_id=notice.recipient.member_id,
        )
        for notice in notices
        if wanted[notice.recipient.user_id] and notice.message_id not in already
    ]
    return queue_many(session, template=topic_key, messages=messages)


def _queued_already(session: Session, message_ids: Sequence[str]) -> set[str]:
    if not message_ids:
        return set()
    return set(
        session.scalars(select(OutgoingMail.message_id).where(OutgoingMail.message_id.in_(message_ids)))
    )

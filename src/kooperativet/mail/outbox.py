"""Composing an e-mail in the transaction that causes it; a worker sends it after the commit.

The message is written out in full when it is queued (subject, plain text and HTML from the template in the
recipient's language) and stored, so the record shows what was said even if the template changes later,
and the send job only has to transmit it. Its attachments are references (``mail.attachments``), turned
into bytes when it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kooperativet.config import DEFAULT_PUBLIC_URL
from kooperativet.db import clock_of, public_url_of
from kooperativet.jobs import enqueue
from kooperativet.jobs.queue import enqueue_new
from kooperativet.mail.formatting import install_filters
from kooperativet.mail.models import MailState, OutgoingMail

LANGUAGES = ("sv", "en")
SEND_MAIL = "send_mail"
#: The Message-ID domain of a message queued without one: the worker replaces it with the domain of the From
#: address the first time it handles the message, and keeps it from then on (RFC 6761 reserves .invalid).
PENDING_DOMAIN = "outbox.invalid"

_templates = Environment(
    loader=PackageLoader("kooperativet.mail", "templates"),
    autoescape=select_autoescape(default=False, enabled_extensions=("html",)),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
install_filters(_templates)


def compose(
    template: str, language: str, context: Mapping[str, Any], *, site: str = DEFAULT_PUBLIC_URL
) -> tuple[str, str, str | None]:
    """Subject, plain text and HTML (``None`` without an HTML template) of ``template`` in ``language``.

    Templates see ``language`` (the filters format amounts and dates by it), ``site`` (the web interface's
    address without a trailing slash, which a notice links the page it is about to) and the body templates
    the composed ``subject`` too (the HTML layout's title)."""
    if language not in LANGUAGES:
        language = "sv"
    values = {**context, "language": language, "site": site.rstrip("/")}
    subject = " ".join(_templates.get_template(f"{template}/{language}.subject.txt").render(values).split())
    values["subject"] = subject
    text = _templates.get_template(f"{template}/{language}.txt").render(values)
    html_name = f"{template}/{language}.html"
    html = (
        _templates.get_template(html_name).render(values)
        if html_name in _templates.list_templates()
        else None
    )
    return subject, text, html


@dataclass(frozen=True, kw_only=True)
class Message:
    """One message to queue: to whom, in which language, what its template is filled with and carries.

    ``to`` holds addresses or ``"Name <address>"`` (``mail.recipient``). ``secrets`` (a one-time link) are
    blanked out of the stored copy once the message is sent. A ``message_id`` chosen by the caller
    (``<payslip-7@…>``) lets a caller see what it queued before; without one a new id is made. ``member_id``
    is the member it is addressed to, when the caller knows one: the purge after retention finds her
    messages by it (``privacy.purge``)."""

    to: str | Sequence[str]
    language: str
    context: Mapping[str, Any]
    attachments: Sequence[Mapping[str, object]] = ()
    bcc: Sequence[str] = ()
    secrets: Sequence[str] = ()
    message_id: str | None = None
    member_id: int | None = None


def queue_mail(
    session: Session,
    *,
    to: str | Sequence[str],
    template: str,
    language: str,
    context: Mapping[str, Any],
    attachments: Sequence[Mapping[str, object]] = (),
    bcc: Sequence[str] = (),
    domain: str | None = None,
    secrets: Sequence[str] = (),
    member_id: int | None = None,
) -> OutgoingMail:
    """Compose ``template`` for ``to`` and queue it in this transaction; it is sent after the commit.

    ``domain`` is the Message-ID's domain, by default the From address's (settled by the worker, which
    knows the settings); ``member_id`` the member it is addressed to, if it is (``Message``)."""
    one = Message(
        to=to,
        language=language,
        context=context,
        attachments=attachments,
        bcc=bcc,
        secrets=secrets,
        member_id=member_id,
    )
    message = OutgoingMail(**_composed(session, template, one, domain=domain))
    session.add(message)
    session.flush()
    enqueue(session, SEND_MAIL, {"mail_id": message.id}, key=sending_key(message.id))
    return message


def queue_many(
    session: Session, *, template: str, messages: Sequence[Message], domain: str | None = None
) -> list[int]:
    """``queue_mail`` for many messages of one template — a meeting notice to every member, a vote opening
    to every voter — in a constant number of statements however many they are: the messages in one
    multi-row INSERT, their ids read back by Message-ID (unique; SQLite cannot return them in order), their
    send jobs in one more. The ids, in the order of ``messages``."""
    if not messages:
        return []
    rows = [_composed(session, template, message, domain=domain) for message in messages]
    session.execute(insert(OutgoingMail), rows)
    ids = dict(
        session.execute(
            select(OutgoingMail.message_id, OutgoingMail.id).where(
                OutgoingMail.message_id.in_([row["message_id"] for row in rows])
            )
        ).all()
    )
    queued = [ids[row["message_id"]] for row in rows]
    enqueue_new(session, SEND_MAIL, [({"mail_id": mail_id}, sending_key(mail_id)) for mail_id in queued])
    return queued


def sending_key(mail_id: int) -> str:
    """The key of a message's own job, the one that sends it (``send_job``); Send again sends that job back
    to the workers rather than adding another."""
    return f"mail:{mail_id}"


def _composed(session: Session, template: str, message: Message, *, domain: str | None) -> dict[str, Any]:
    """The stored columns of ``message``: written out in full from ``template`` now, sent later."""
    site = public_url_of(session) or DEFAULT_PUBLIC_URL
    subject, text, html = compose(template, message.language, message.context, site=site)
    return {
        "template": template,
        "language": message.language,
        "to_addresses": [message.to] if isinstance(message.to, str) else list(message.to),
        "member_id": message.member_id,
        "bcc_addresses": list(message.bcc),
        "subject": subject,
        "text_body": text,
        "html_body": html,
        "attachments": [dict(reference) for reference in message.attachments],
        "redact_after_sending": [secret for secret in message.secrets if secret],
        "message_id": message.message_id or make_msgid(domain=domain or PENDING_DOMAIN),
        "state": MailState.queued,
        "queued_at": clock_of(session),
    }

"""Composing an e-mail in the transaction that causes it; a worker sends it after the commit.

The message is written out in full when it is queued (subject, plain text and HTML from the template in the
recipient's language) and stored, so the record shows what was said even if the template changes later,
and the send job only has to transmit it. Its attachments are references (``mail.attachments``), turned
into bytes when it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.utils import make_msgid
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from kooperativet.db import clock_of
from kooperativet.jobs import enqueue
from kooperativet.mail.models import MailState, OutgoingMail

LANGUAGES = ("sv", "en")
SEND_MAIL = "send_mail"

_templates = Environment(
    loader=PackageLoader("kooperativet.mail", "templates"),
    autoescape=select_autoescape(default=False, enabled_extensions=("html",)),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def compose(template: str, language: str, context: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """Subject, plain text and HTML (``None`` without an HTML template) of ``template`` in ``language``."""
    if language not in LANGUAGES:
        language = "sv"
    subject = _templates.get_template(f"{template}/{language}.subject.txt").render(context)
    text = _templates.get_template(f"{template}/{language}.txt").render(context)
    html_name = f"{template}/{language}.html"
    html = (
        _templates.get_template(html_name).render(context)
        if html_name in _templates.list_templates()
        else None
    )
    return " ".join(subject.split()), text, html


def queue_mail(
    session: Session,
    *,
    to: str | Sequence[str],
    template: str,
    language: str,
    context: Mapping[str, Any],
    attachments: Sequence[Mapping[str, object]] = (),
    bcc: Sequence[str] = (),
    domain: str = "kooperativet.local",
) -> OutgoingMail:
    """Compose ``template`` for ``to`` and queue it in this transaction; it is sent after the commit."""
    subject, text, html = compose(template, language, context)
    message = OutgoingMail(
        template=template,
        language=language,
        to_addresses=[to] if isinstance(to, str) else list(to),
        bcc_addresses=list(bcc),
        subject=subject,
        text_body=text,
        html_body=html,
        attachments=[dict(reference) for reference in attachments],
        message_id=make_msgid(domain=domain),
        state=MailState.queued,
        queued_at=clock_of(session),
    )
    session.add(message)
    session.flush()
    enqueue(session, SEND_MAIL, {"mail_id": message.id}, key=f"mail:{message.id}")
    return message

"""Sending one e-mail through the configured SMTP server; nothing is sent when none is configured."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from kooperativet.config import Settings

SMTP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class MailOutcome:
    status: str  # "sent", "failed", "not_configured"
    detail: str | None


def send_mail(
    settings: Settings, *, to: str, subject: str, body: str, bcc: Sequence[str] = ()
) -> MailOutcome:
    """Send a plain-text message to ``to`` and, unseen by each other, to ``bcc``; failures are reported."""
    if settings.smtp_host is None:
        return MailOutcome("not_configured", "no SMTP server is configured")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    recipients = list(bcc) or [to]
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            refused = smtp.send_message(message, to_addrs=recipients)
    except (smtplib.SMTPException, OSError) as exc:
        return MailOutcome("failed", f"{type(exc).__name__}: {exc}"[:500])
    if refused:
        return MailOutcome("failed", f"refused by the server: {', '.join(sorted(refused))}"[:500])
    return MailOutcome("sent", f"sent to {len(recipients)} recipient(s)")


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the message; the job tries again later."""


def transmit(settings: Settings, message: EmailMessage, recipients: Sequence[str]) -> None:
    """Hand ``message`` to the configured SMTP server for ``recipients``, or raise ``MailNotSent``."""
    if settings.smtp_host is None:
        raise MailNotSent("no SMTP server is configured (KOOPERATIVET_SMTP_HOST)")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            refused = smtp.send_message(message, to_addrs=list(recipients))
    except (smtplib.SMTPException, OSError) as exc:
        raise MailNotSent(f"{type(exc).__name__}: {exc}"[:500]) from exc
    if refused:
        raise MailNotSent(f"refused by the server: {', '.join(sorted(refused))}"[:500])

"""Sending a meeting notice (kallelse) by e-mail. Called after the meeting's transaction has committed."""

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


def send_notice(settings: Settings, *, recipients: Sequence[str], subject: str, body: str) -> MailOutcome:
    """Send one message to every recipient (as Bcc, so members do not see each other's addresses)."""
    if settings.smtp_host is None:
        return MailOutcome("not_configured", "no SMTP server is configured; send the notice another way")
    if not recipients:
        return MailOutcome("failed", "nobody entitled has an e-mail address")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = settings.smtp_from
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            refused = smtp.send_message(message, to_addrs=list(recipients))
    except (smtplib.SMTPException, OSError) as exc:
        return MailOutcome("failed", f"{type(exc).__name__}: {exc}"[:500])
    if refused:
        return MailOutcome("failed", f"refused by the server: {', '.join(sorted(refused))}"[:500])
    return MailOutcome("sent", f"sent to {len(recipients)} recipient(s)")

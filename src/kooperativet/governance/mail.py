"""Sending a meeting notice (kallelse) by e-mail. Called after the meeting's transaction has committed."""

from __future__ import annotations

from collections.abc import Sequence

from kooperativet.config import Settings
from kooperativet.mail.smtp import MailOutcome, send_mail


def send_notice(settings: Settings, *, recipients: Sequence[str], subject: str, body: str) -> MailOutcome:
    """Send one message to every recipient (as Bcc, so members do not see each other's addresses)."""
    if settings.smtp_host is None:
        return MailOutcome("not_configured", "no SMTP server is configured; send the notice another way")
    if not recipients:
        return MailOutcome("failed", "nobody entitled has an e-mail address")
    return send_mail(settings, to=settings.smtp_from, subject=subject, body=body, bcc=recipients)

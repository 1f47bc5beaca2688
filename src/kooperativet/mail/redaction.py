"""The secrets of a stored message (a one-time sign-in link) are for its recipient alone.

A message may carry secrets (``Message.secrets``: the link of an invitation or a password reset). The stored
copy keeps them only until the worker has sent them; whoever reads the record before or after — the API,
the office's pages, the worker blanking the copy once it is sent — reads the bodies through
``readable_bodies``, with each secret replaced by ``[…]``. Otherwise a treasurer could ask a password reset
for the admin's address and, while the message waits for the mail server, read the working link in the
outbox and take the admin's account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kooperativet.mail.models import OutgoingMail

REDACTED = "[…]"


@dataclass(frozen=True, slots=True)
class Bodies:
    text: str
    html: str | None


def readable_bodies(message: OutgoingMail) -> Bodies:
    """The message's plain text and HTML as anyone but its recipient may read them: no secret in them."""
    secrets = message.redact_after_sending or []
    html = None if message.html_body is None else _blanked(message.html_body, secrets)
    return Bodies(text=_blanked(message.text_body, secrets), html=html)


def _blanked(body: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        body = body.replace(secret, REDACTED)
    return body

"""A mail server set in the settings, for tests of what the meetings' e-mails queue.

With no SMTP server set (``KOOPERATIVET_SMTP_HOST`` unset, the test settings' default) a notice queues no
e-mail at all and the board is told to call the members another way (``governance.mail.NOT_CONFIGURED``).
Tests of the e-mails a notice or a changed time queues set a server first: one on a local port nobody
listens on, so that the inline worker's attempt to send is refused at once and the messages stay queued, as
they wait for a server that is down.
"""

from __future__ import annotations

import socket

from kooperativet.config import Settings


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


CLOSED_PORT = _closed_port()


def set_a_mail_server(settings: Settings) -> Settings:
    """``settings`` with an SMTP server set that refuses every connection (messages queue and wait)."""
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = CLOSED_PORT
    settings.smtp_starttls = False
    return settings

"""Talking to the configured SMTP server: the connection (STARTTLS, implicit TLS or none), the login, and
handing over one message. The certificate is always verified (the system's CAs, plus ``smtp_ca_file`` for
a private CA); a server that cannot prove who it is gets no password and no member's mail."""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from enum import StrEnum

from kooperativet.config import Settings, SmtpSecurity
from kooperativet.jobs.queue import WORKER_STOPPED, JobWaits, KnownFailure
from kooperativet.mail.addresses import sender_address


class MailFailure(StrEnum):
    """Why a message was not sent, stored with its error (``OutgoingMail.error_code``, ``Job.error_code``)
    for the office's pages to say in their own words; the error's text keeps the server's answer."""

    no_mail_server = "no_mail_server"  # no SMTP server is configured
    connection_failed = "connection_failed"  # no answer: the connection, its TLS, a timeout
    login_refused = "login_refused"  # the server refused the cooperative's user name or password
    server_refused = "server_refused"  # the server answered with an error (the sender, the data, busy …)
    recipient_refused = "recipient_refused"  # the server refused one or more of the recipients' addresses
    not_built = "not_built"  # the message could not be put together: an attachment, an address
    worker_stopped = WORKER_STOPPED  # the worker stopped during the last attempt (the job's code, copied)


class MailNotSent(KnownFailure):
    """The SMTP server could not be reached or refused the message; the job tries again later.

    Its text goes to the worker's log and names nobody: the server's codes, never its words, which repeat
    the refused address (``550 5.1.1 <asa@example.org>: no such mailbox``). ``detail`` has the words too,
    for the message's ``last_error``, which only the office reads; ``code`` says which failure it is."""

    def __init__(self, summary: str, *, code: MailFailure, detail: str | None = None) -> None:
        super().__init__(summary, code=code)
        self.detail = detail or summary


class NoMailServer(MailNotSent, JobWaits):
    """No SMTP server is configured: every message waits in the outbox until one is."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary, code=MailFailure.no_mail_server)


def tls_context(settings: Settings) -> ssl.SSLContext:
    """A verifying context: hostname and chain checked against the system's CAs and ``smtp_ca_file``."""
    context = ssl.create_default_context()
    if settings.smtp_ca_file is not None:
        context.load_verify_locations(cafile=str(settings.smtp_ca_file))
    return context


@contextmanager
def connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """An open, secured and logged-in connection to the configured server."""
    require_server(settings)
    assert settings.smtp_host is not None
    security = settings.resolved_smtp_security
    timeout = settings.smtp_timeout_seconds
    smtp: smtplib.SMTP
    if security is SmtpSecurity.tls:
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=tls_context(settings)
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if security is SmtpSecurity.starttls:
            smtp.starttls(context=tls_context(settings))
        if settings.smtp_username is not None and settings.smtp_password is not None:
            login(smtp, settings.smtp_username, settings.smtp_password.get_secret_value())
        yield smtp


def login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """Log in; a name or password with å, ä or ö goes as UTF-8 over AUTH PLAIN (RFC 4616), which
    ``smtplib.login`` cannot do (it encodes credentials as ASCII)."""
    if username.isascii() and password.isascii():
        smtp.login(username, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("the server offers no AUTH PLAIN for a non-ASCII login")
    credentials = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, answer = smtp.docmd("AUTH", f"PLAIN {credentials}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def require_server(settings: Settings) -> None:
    """Raise ``MailNotSent`` when no SMTP server is configured: the message waits in the outbox."""
    if settings.smtp_host is None:
        raise NoMailServer("no SMTP server is configured (KOOPERATIVET_SMTP_HOST)")


def transmit(settings: Settings, message: EmailMessage, recipients: Sequence[str]) -> None:
    """Hand ``message`` to the configured SMTP server for ``recipients``, or raise ``MailNotSent``.

    Every recipient must be accepted: a message some of them did not get is not sent, and its job tries
    again (which is why each message has few recipients: a retry must not pester the ones who got it)."""
    envelope_from = sender_address(settings.smtp_from).addr_spec
    try:
        with connection(settings) as smtp:
            refused = smtp.send_message(message, from_addr=envelope_from, to_addrs=list(recipients))
    except MailNotSent:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refused(exc.recipients) from exc
    except smtplib.SMTPResponseException as exc:
        summary = f"{type(exc).__name__}: {_codes(exc.smtp_code, exc.smtp_error)}"
        code = (
            MailFailure.login_refused
            if isinstance(exc, smtplib.SMTPAuthenticationError)
            else MailFailure.server_refused
        )
        raise MailNotSent(summary, code=code, detail=f"{type(exc).__name__}: {exc}"[:500]) from exc
    except (smtplib.SMTPException, OSError) as exc:  # no server answer: the connection, TLS, smtplib itself
        raise MailNotSent(f"{type(exc).__name__}: {exc}"[:500], code=MailFailure.connection_failed) from exc
    if refused:
        raise _refused(refused)


def _refused(refused: Mapping[str, tuple[int, bytes]]) -> MailNotSent:
    """``1 recipient refused: 550 5.1.1`` for the log; each address with the server's words for the office."""
    codes = ", ".join(sorted({_codes(code, answer) for code, answer in refused.values()}))
    count = len(refused)
    summary = f"{count} recipient{'s' if count != 1 else ''} refused: {codes}"
    detail = "; ".join(
        f"{address}: {_words(code, answer)}" for address, (code, answer) in sorted(refused.items())
    )
    return MailNotSent(
        summary, code=MailFailure.recipient_refused, detail=f"refused by the server: {detail}"[:500]
    )


#: An enhanced status code (RFC 3463) at the start of a server's answer: ``5.1.1``.
_ENHANCED_CODE = re.compile(r"[245]\.\d{1,3}\.\d{1,3}")


def _codes(code: int, answer: bytes | str) -> str:
    """The reply code and the enhanced status code of an answer, without its words: ``550 5.1.1``."""
    enhanced = _ENHANCED_CODE.match(_text(answer))
    return f"{code} {enhanced.group()}" if enhanced else str(code)


def _words(code: int, answer: bytes | str) -> str:
    return f"{code} {_text(answer)}"


def _text(answer: bytes | str) -> str:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
    return " ".join(text.split())

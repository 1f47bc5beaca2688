"""STARTTLS and implicit TLS, each with a login, against an aiosmtpd server whose certificate comes from a
private CA made in the test: trusted through ``smtp_ca_file``, refused without it (verified by default)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings, SmtpSecurity
from kooperativet.db import transaction
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.runner import run_due
from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from tests.mail.certificates import ServerCertificate, make_certificate
from tests.mailbox import Mailbox

USER, PASSWORD = "kansliet", "hemligt lösenord"


def _check_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> ServerCertificate:
    return make_certificate(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def starttls_server(certificate: ServerCertificate) -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=certificate.server_context(),
        require_starttls=True,
        auth_required=True,
        authenticator=_check_login,
    )
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture
def implicit_tls_server(certificate: ServerCertificate) -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=_free_port(),
        ssl_context=certificate.server_context(),
        auth_required=True,
        auth_require_tls=False,  # the whole connection is TLS; aiosmtpd cannot tell
        authenticator=_check_login,
    )
    controller.start()
    yield box, controller.port
    controller.stop()


def _point(settings: Settings, port: int, security: SmtpSecurity, ca_file: Path | None) -> None:
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = port
    settings.smtp_security = security
    settings.smtp_username = USER
    settings.smtp_password = _secret(PASSWORD)
    settings.smtp_ca_file = ca_file
    settings.smtp_from = "Interim kultur <kansliet@example.org>"


def _secret(value: str) -> Any:
    from pydantic import SecretStr

    return SecretStr(value)


def _send_one(factory: sessionmaker[Session], settings: Settings) -> int:
    with transaction(factory) as session:
        mail_id = queue_mail(
            session,
            to="Örjan Åberg <orjan@example.org>",
            template="test_message",
            language="sv",
            context={"name": "Örjan", "cooperative": "Interim kultur"},
        ).id
    with factory() as session:
        run_due(session, settings, "test")
    return mail_id


@pytest.mark.parametrize("security", [SmtpSecurity.starttls, SmtpSecurity.tls])
def test_mail_goes_over_tls_with_a_login_and_a_private_ca(
    request: pytest.FixtureRequest,
    security: SmtpSecurity,
    certificate: ServerCertificate,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    server = "starttls_server" if security is SmtpSecurity.starttls else "implicit_tls_server"
    box, port = request.getfixturevalue(server)
    _point(settings, port, security, certificate.ca_file)
    mail_id = _send_one(session_factory, settings)
    [arrived] = box.messages
    assert arrived["To"].addresses[0].display_name == "Örjan Åberg"
    with session_factory() as session:
        stored = session.get(OutgoingMail, mail_id)
        assert stored is not None
        assert stored.state == MailState.sent


@pytest.mark.parametrize("security", [SmtpSecurity.starttls, SmtpSecurity.tls])
def test_a_certificate_from_an_unknown_ca_is_refused_and_the_mail_waits(
    request: pytest.FixtureRequest,
    security: SmtpSecurity,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    server = "starttls_server" if security is SmtpSecurity.starttls else "implicit_tls_server"
    box, port = request.getfixturevalue(server)
    _point(settings, port, security, ca_file=None)  # the system's CAs do not know the test CA
    mail_id = _send_one(session_factory, settings)
    assert box.messages == []
    with session_factory() as session:
        stored = session.get(OutgoingMail, mail_id)
        assert stored is not None
        assert stored.state == MailState.queued
        assert stored.last_error is not None
        assert "CERTIFICATE_VERIFY_FAILED" in stored.last_error
        [job] = session.query(Job).all()
        assert job.state == JobState.pending
        assert stored.error_code == job.error_code == "connection_failed"


def test_a_wrong_password_is_refused_and_the_mail_waits(
    starttls_server: tuple[Mailbox, int],
    certificate: ServerCertificate,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    box, port = starttls_server
    _point(settings, port, SmtpSecurity.starttls, certificate.ca_file)
    settings.smtp_password = _secret("fel lösenord")
    mail_id = _send_one(session_factory, settings)
    assert box.messages == []
    with session_factory() as session:
        stored = session.get(OutgoingMail, mail_id)
        assert stored is not None
        assert stored.state == MailState.queued
        assert stored.last_error is not None
        assert "SMTPAuthenticationError" in stored.last_error
        assert stored.error_code == "login_refused"

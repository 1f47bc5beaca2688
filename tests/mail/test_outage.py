"""An SMTP outage delays mail and loses none: the job fails and is rescheduled, the message stays queued with
the reason, and once the server is back it arrives exactly once. After the last attempt (or a worker that died
during it) the message is failed and the office sends it again, as the same message. A refused recipient is
named to the office, never in the log."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings
from kooperativet.db import CLOCK
from kooperativet.jobs import runner
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.runner import run_due
from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.office import send_again
from tests.mailbox import Mailbox

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _at(factory: sessionmaker[Session], moment: datetime) -> Session:
    """A session whose clock says ``moment``: what the runner takes for now."""
    return factory(info={CLOCK: lambda: moment})


def _queue(factory: sessionmaker[Session]) -> int:
    """A message queued at ``START`` (its job is due then)."""
    with _at(factory, START) as session:
        mail_id = queue_mail(
            session,
            to="Åsa Öberg <asa@example.org>",
            template="test_message",
            language="sv",
            context={"name": "Åsa", "cooperative": "Interim kultur"},
        ).id
        session.commit()
    return mail_id


def _state(factory: sessionmaker[Session], mail_id: int) -> tuple[OutgoingMail, Job]:
    with factory() as session:
        message = session.get(OutgoingMail, mail_id)
        [job] = session.query(Job).order_by(Job.id.desc()).limit(1).all()
        assert message is not None
        return message, job


def _outage_then_recovery(
    factory: sessionmaker[Session],
    settings: Settings,
    mailbox: Mailbox,
    break_server: Callable[[], None],
    mend_server: Callable[[], None],
    reason: str,
    code: str,
) -> None:
    mail_id = _queue(factory)
    break_server()
    with _at(factory, START) as session:
        assert run_due(session, settings, "test") == 1
    message, job = _state(factory, mail_id)
    assert mailbox.messages == []
    assert (message.state, job.state, job.attempts) == (MailState.queued, JobState.pending, 1)
    assert message.last_error is not None
    assert reason in message.last_error
    assert message.error_code == job.error_code == code  # what the office's pages say in words
    assert job.run_after.replace(tzinfo=UTC) > START  # rescheduled, not given up
    with _at(factory, START) as session:
        assert run_due(session, settings, "test") == 0  # not due again yet
    mend_server()
    later = START + timedelta(hours=2)
    with _at(factory, later) as session:
        assert run_due(session, settings, "test") == 1
    with _at(factory, later + timedelta(hours=2)) as session:
        assert run_due(session, settings, "test") == 0
    [arrived] = mailbox.to("asa@example.org")  # exactly once
    message, job = _state(factory, mail_id)
    assert (message.state, job.state, message.last_error) == (MailState.sent, JobState.done, None)
    assert message.error_code is job.error_code is None
    assert arrived["Message-ID"] == message.message_id


def test_a_server_answering_451_delays_the_mail_and_loses_none(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    def refuse() -> None:
        mailbox.refuse = True

    def accept() -> None:
        mailbox.refuse = False

    _outage_then_recovery(session_factory, settings, mailbox, refuse, accept, "451", "server_refused")


def test_a_server_that_is_down_delays_the_mail_and_loses_none(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    working_port = settings.smtp_port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody_listens = probe.getsockname()[1]

    def take_down() -> None:
        settings.smtp_port = nobody_listens

    def bring_up() -> None:
        settings.smtp_port = working_port

    _outage_then_recovery(
        session_factory, settings, mailbox, take_down, bring_up, "ConnectionRefused", "connection_failed"
    )


def test_after_the_last_attempt_the_message_fails_and_is_sent_again_as_the_same_message(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    mail_id = _queue(session_factory)
    mailbox.refuse = True
    moment = START
    for _attempt in range(8):  # Job.max_attempts
        with _at(session_factory, moment) as session:
            assert run_due(session, settings, "test") == 1
        moment += timedelta(hours=2)
    message, job = _state(session_factory, mail_id)
    assert (message.state, job.state) == (MailState.failed, JobState.failed)
    first_id = message.message_id
    mailbox.refuse = False
    with _at(session_factory, moment) as session:
        stored = session.get(OutgoingMail, mail_id)
        assert stored is not None
        send_again(session, message=stored)
        session.commit()
    with _at(session_factory, moment) as session:
        assert run_due(session, settings, "test") == 1
    [arrived] = mailbox.messages
    message, _job = _state(session_factory, mail_id)
    assert message.state == MailState.sent
    assert arrived["Message-ID"] == first_id == message.message_id


def test_without_a_server_every_message_waits_and_the_worker_says_so_once(
    session_factory: sessionmaker[Session], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    unconfigured = settings.model_copy(update={"smtp_host": None})
    first, second = _queue(session_factory), _queue(session_factory)
    runner._SAID.clear()  # what an earlier test in this process said
    with (
        caplog.at_level(logging.WARNING, logger="kooperativet.jobs.runner"),
        _at(session_factory, START) as session,
    ):
        assert run_due(session, unconfigured, "test") == 2

    said = [record.getMessage() for record in caplog.records]
    assert said == [
        "send_mail jobs wait: no SMTP server is configured (KOOPERATIVET_SMTP_HOST) "
        "(each is retried; this is said once)"
    ]
    for mail_id in (first, second):
        with session_factory() as session:
            message = session.get_one(OutgoingMail, mail_id)
            job = session.scalars(select(Job).where(Job.key == f"mail:{mail_id}")).one()
            assert (message.state, job.state, job.attempts) == (MailState.queued, JobState.pending, 1)
            assert "no SMTP server is configured" in (job.last_error or "")
            assert message.error_code == job.error_code == "no_mail_server"


class _Refusing:
    """An SMTP server that refuses every recipient as a real one does, naming the address in its answer."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"


@pytest.fixture
def refusing_server() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    controller = Controller(_Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def test_a_refused_recipient_is_named_to_the_office_and_not_in_the_workers_log(
    session_factory: sessionmaker[Session],
    settings: Settings,
    refusing_server: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """docs/personal-data.md: nothing logs personal data, and an e-mail address is personal data."""
    settings.smtp_host, settings.smtp_port, settings.smtp_security = "127.0.0.1", refusing_server, None
    settings.smtp_starttls = False
    address = "asa.oberg.private@example.org"
    with _at(session_factory, START) as session:
        mail_id = queue_mail(
            session,
            to=f"Åsa Öberg <{address}>",
            template="test_message",
            language="sv",
            context={"name": "Åsa", "cooperative": "Interim kultur"},
        ).id
        session.commit()
    with caplog.at_level(logging.DEBUG), _at(session_factory, START) as session:
        assert run_due(session, settings, "test") == 1
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith("kooperativet")
    )
    assert "1 recipient refused: 550 5.1.1" in logged  # the failure is logged …
    assert address not in logged  # … without whom it was for
    message, job = _state(session_factory, mail_id)
    assert message.state == MailState.queued  # tried again later
    assert message.last_error is not None
    assert address in message.last_error
    assert address not in (job.last_error or "")
    assert message.error_code == job.error_code == "recipient_refused"


def test_a_message_whose_worker_died_on_the_last_attempt_is_failed_and_sent_again(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    """The runner gives up a job whose worker stopped during its last attempt, without running its handler;
    the message follows it, or it would wait as queued for ever and Send again would refuse it."""
    mail_id = _queue(session_factory)
    with _at(session_factory, START) as session:
        job = session.scalars(select(Job).where(Job.key == f"mail:{mail_id}")).one()
        job.attempts = job.max_attempts - 1
        session.commit()
        claimed = runner.claim(session, "dies-mid-job", START)  # the last attempt; its worker is then killed
        assert claimed is not None
        assert claimed.attempts == claimed.max_attempts
    later = START + timedelta(hours=1)
    with _at(session_factory, later) as session:
        assert run_due(session, settings, "test") == 0  # nothing run: the job is given up
    message, job = _state(session_factory, mail_id)
    assert (message.state, job.state) == (MailState.failed, JobState.failed)
    assert message.last_error == "the worker dies-mid-job stopped during the last attempt"
    assert message.error_code == job.error_code == "worker_stopped"
    with _at(session_factory, later) as session:
        send_again(session, message=session.get_one(OutgoingMail, mail_id))
        session.commit()
    with _at(session_factory, later) as session:
        assert run_due(session, settings, "test") == 1
    assert len(mailbox.to("asa@example.org")) == 1
    assert _state(session_factory, mail_id)[0].state == MailState.sent


def test_a_message_left_queued_by_a_job_given_up_earlier_can_be_sent_again(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    """A message whose job was given up before the runner marked messages failed waits as queued; the
    office can still send it."""
    mail_id = _queue(session_factory)
    with _at(session_factory, START) as session:
        session.execute(
            update(Job).where(Job.key == f"mail:{mail_id}").values(state=JobState.failed, attempts=8)
        )
        session.commit()
    with _at(session_factory, START) as session:
        send_again(session, message=session.get_one(OutgoingMail, mail_id))
        session.commit()
        assert run_due(session, settings, "test") == 1
    assert len(mailbox.to("asa@example.org")) == 1

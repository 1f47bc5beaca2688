"""An SMTP outage delays mail and loses none: the job fails and is rescheduled, the message stays queued with
the reason, and once the server is back it arrives exactly once. After the last attempt the message is failed
and the office sends it again, as the same message."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
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
    assert arrived["Message-ID"] == message.message_id


def test_a_server_answering_451_delays_the_mail_and_loses_none(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    def refuse() -> None:
        mailbox.refuse = True

    def accept() -> None:
        mailbox.refuse = False

    _outage_then_recovery(session_factory, settings, mailbox, refuse, accept, "451")


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

    _outage_then_recovery(session_factory, settings, mailbox, take_down, bring_up, "ConnectionRefused")


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

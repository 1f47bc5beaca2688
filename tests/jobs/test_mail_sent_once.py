"""A message reaches its reader once however many jobs point at it: only the message's own job sends it, so
two workers running two of its jobs at once (one queued beside it by Send again of an earlier version)
deliver it once, and a job of it that is not its own hands the sending to that one."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings
from kooperativet.jobs import enqueue
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.runner import run_due, run_one
from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import SEND_MAIL


class _SlowBox:
    """Accepts every message after a second, as a real server over the internet may."""

    def __init__(self) -> None:
        self.received: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(1.0)
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def slow_box(settings: Settings) -> Iterator[_SlowBox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    box = _SlowBox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
    settings.smtp_from = "Interim kultur <kansliet@example.org>"
    yield box
    controller.stop()


def _message_with_a_second_job(factory: sessionmaker[Session], *, own_job: JobState) -> int:
    """A queued message whose own job is in ``own_job``, with a second job beside it (no key)."""
    with factory() as session:
        mail_id = queue_mail(
            session,
            to="asa@example.org",
            template="test_message",
            language="sv",
            context={"name": "Åsa", "cooperative": "Interim kultur"},
        ).id
        enqueue(session, SEND_MAIL, {"mail_id": mail_id})
        session.execute(update(Job).where(Job.key == f"mail:{mail_id}").values(state=own_job))
        session.commit()
    return mail_id


def _jobs(factory: sessionmaker[Session], mail_id: int) -> list[tuple[str | None, JobState]]:
    with factory() as session:
        jobs = session.scalars(select(Job).where(Job.kind == SEND_MAIL).order_by(Job.id)).all()
        return [(job.key, job.state) for job in jobs if job.payload == {"mail_id": mail_id}]


def test_two_workers_running_two_jobs_of_one_message_at_once_deliver_it_once(
    factory: sessionmaker[Session], settings: Settings, slow_box: _SlowBox
) -> None:
    mail_id = _message_with_a_second_job(factory, own_job=JobState.pending)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            start.wait()
            with factory() as session:
                assert run_one(session, settings, name)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert slow_box.received == [["asa@example.org"]]
    assert _jobs(factory, mail_id) == [(f"mail:{mail_id}", JobState.done), (None, JobState.done)]
    with factory() as session:
        assert session.get_one(OutgoingMail, mail_id).state == MailState.sent


def test_a_second_job_of_a_message_whose_own_job_failed_sends_that_one_back(
    factory: sessionmaker[Session], settings: Settings, slow_box: _SlowBox
) -> None:
    """The state Send again of an earlier version left: the message's own job failed, a new one beside it."""
    mail_id = _message_with_a_second_job(factory, own_job=JobState.failed)
    with factory() as session:
        assert run_due(session, settings, "w") == 2  # the second job, then the own job it sent back
        assert run_due(session, settings, "w") == 0
    assert slow_box.received == [["asa@example.org"]]
    assert _jobs(factory, mail_id) == [(f"mail:{mail_id}", JobState.done), (None, JobState.done)]

"""Enqueueing once, retrying with a growing pause, giving up, and leases that run out or are extended."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings
from kooperativet.db import AUDIT_KEY, CLOCK
from kooperativet.jobs import JobContext, enqueue
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.runner import claim, retry_delay, run_due, run_one
from tests.conftest import TEST_AUDIT_KEY
from tests.jobs import handlers
from tests.jobs.handlers import effects

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def factory(connection: Connection, clock: Clock) -> sessionmaker[Session]:
    """Sessions on the test's connection whose clock the test moves."""
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={AUDIT_KEY: TEST_AUDIT_KEY, CLOCK: clock},
    )


def queued(factory: sessionmaker[Session], kind: str, payload: dict[str, object], **options: object) -> int:
    with factory() as session:
        job = enqueue(session, kind, payload, **options)  # type: ignore[arg-type]
        assert job is not None
        session.commit()
        return job.id


def job_row(factory: sessionmaker[Session], job_id: int) -> Job:
    with factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_a_key_makes_work_once_only(
    factory: sessionmaker[Session], tmp_path: Path, settings: Settings
) -> None:
    effect = tmp_path / "effects"
    with factory() as session:
        first = enqueue(session, handlers.RECORD, {"effects": str(effect)}, key="reminder:42")
        second = enqueue(session, handlers.RECORD, {"effects": str(effect)}, key="reminder:42")
        session.commit()
        assert first is not None
        assert second is None
        assert run_due(session, settings, "w") == 1
        assert enqueue(session, handlers.RECORD, {"effects": str(effect)}, key="reminder:42") is None
        session.commit()
        assert run_due(session, settings, "w") == 0
        assert session.scalars(select(Job.key)).all() == ["reminder:42"]
    assert len(effects(effect)) == 1


def test_the_pause_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert retry_delay(30) == timedelta(hours=1)


def test_a_failing_job_is_retried_later_and_fails_for_good_after_its_attempts(
    factory: sessionmaker[Session], clock: Clock, settings: Settings
) -> None:
    job_id = queued(factory, handlers.FAIL, {"message": "the bank is closed"})
    with factory() as session:
        session.get_one(Job, job_id).max_attempts = 3
        session.commit()
        assert run_due(session, settings, "w") == 1
        job = job_row(factory, job_id)
        assert (job.state, job.attempts, job.run_after) == (
            JobState.pending,
            1,
            START + timedelta(seconds=30),
        )
        assert job.last_error == "RuntimeError: the bank is closed"
        clock.now = START + timedelta(seconds=29)
        assert run_due(session, settings, "w") == 0  # not due before its pause is over
        clock.now = START + timedelta(seconds=30)
        assert run_due(session, settings, "w") == 1
        assert job_row(factory, job_id).run_after == clock.now + timedelta(minutes=1)
        clock.now += timedelta(minutes=1)
        assert run_due(session, settings, "w") == 1
        job = job_row(factory, job_id)
        assert (job.state, job.attempts, job.finished_at) == (JobState.failed, 3, clock.now)
        clock.now += timedelta(days=1)
        assert run_due(session, settings, "w") == 0  # failed stays failed until the office retries it


def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(
    factory: sessionmaker[Session], clock: Clock, tmp_path: Path, settings: Settings
) -> None:
    effect = tmp_path / "effects"
    job_id = queued(factory, handlers.RECORD, {"effects": str(effect)})
    with factory() as session:
        dead = claim(session, "host:1", clock.now, lease=timedelta(minutes=5))
        assert dead is not None
        assert dead.id == job_id
        clock.now += timedelta(minutes=4, seconds=59)
        assert run_one(session, settings, "host:2") is False  # still leased to the dead worker
        clock.now += timedelta(seconds=2)
        assert run_one(session, settings, "host:2") is True
    job = job_row(factory, job_id)
    assert (job.state, job.attempts, job.locked_by) == (JobState.done, 2, "host:2")
    assert effects(effect) == [f"{job_id} host:2"]


def test_the_first_worker_coming_back_late_cannot_overwrite_the_outcome(
    factory: sessionmaker[Session], clock: Clock
) -> None:
    from kooperativet.jobs.runner import _record_done

    job_id = queued(factory, handlers.FAIL, {})
    with factory() as session:
        claim(session, "host:1", clock.now)
        clock.now += timedelta(minutes=6)
        claim(session, "host:2", clock.now)
        _record_done(session, job_id, "host:1")  # the slow first worker finishes after losing its lease
    assert job_row(factory, job_id).state == JobState.running


def test_a_job_that_kills_its_worker_every_time_ends_failed(
    factory: sessionmaker[Session], clock: Clock
) -> None:
    job_id = queued(factory, handlers.FAIL, {})
    with factory() as session:
        session.get_one(Job, job_id).max_attempts = 2
        session.commit()
        for worker in ("host:1", "host:2"):
            assert claim(session, worker, clock.now) is not None
            clock.now += timedelta(minutes=6)
        assert claim(session, "host:3", clock.now) is None
    job = job_row(factory, job_id)
    assert job.state == JobState.failed
    assert job.last_error == "the worker host:2 stopped during the last attempt"


def test_a_long_handler_extends_its_lease(
    factory: sessionmaker[Session], clock: Clock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bool, datetime | None]] = []

    def long_work(context: JobContext, _payload: object) -> None:
        clock.now += timedelta(minutes=4)
        extended = context.extend_lease(timedelta(minutes=10))
        seen.append((extended, job_row(factory, context.job_id).locked_until))

    steps: dict[str, Callable[..., None]] = {"test_long": long_work}
    monkeypatch.setattr("kooperativet.jobs.runner.handler_for", steps.get)
    job_id = queued(factory, "test_long", {})
    with factory() as session:
        assert run_one(session, settings, "host:1")
    assert seen == [(True, START + timedelta(minutes=14))]
    assert job_row(factory, job_id).state == JobState.done


def test_a_lost_lease_is_not_extended(factory: sessionmaker[Session], clock: Clock) -> None:
    job_id = queued(factory, handlers.FAIL, {})
    with factory() as session:
        claim(session, "host:1", clock.now)
        clock.now += timedelta(minutes=6)
        claim(session, "host:2", clock.now)
        context = JobContext(session=session, settings=None, job_id=job_id, attempt=1, worker="host:1")
        assert context.extend_lease() is False
    assert job_row(factory, job_id).locked_by == "host:2"

"""Periodic work: one job per kind and slot, however many workers notice the slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import sessionmaker

from kooperativet.config import Settings
from kooperativet.db import AUDIT_KEY, CLOCK
from kooperativet.jobs import periodic
from kooperativet.jobs.models import Job
from kooperativet.jobs.periodic import PeriodicSchedule, register_periodic, slot_start
from kooperativet.jobs.worker import Worker
from tests.conftest import TEST_AUDIT_KEY
from tests.jobs import handlers
from tests.statement_count import counted

register_periodic(handlers.PERIODIC, timedelta(days=1))


def test_a_daily_slot_starts_at_midnight_utc() -> None:
    assert slot_start(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), timedelta(days=1)) == datetime(
        2026, 12, 1, tzinfo=UTC
    )
    assert slot_start(datetime(2026, 12, 2, 0, 0, tzinfo=UTC), timedelta(days=1)) == datetime(
        2026, 12, 2, tzinfo=UTC
    )
    assert slot_start(datetime(2026, 12, 1, 10, 17, tzinfo=UTC), timedelta(hours=1)) == datetime(
        2026, 12, 1, 10, tzinfo=UTC
    )


def test_a_period_is_registered_once() -> None:
    register_periodic(handlers.PERIODIC, timedelta(days=1))  # the same again is harmless
    with pytest.raises(ValueError, match="another period"):
        register_periodic(handlers.PERIODIC, timedelta(hours=1))
    with pytest.raises(ValueError, match="once a minute"):
        register_periodic("test_too_often", timedelta(seconds=10))


def test_three_workers_make_one_job_per_day_and_it_runs_once(
    connection: Connection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only this test's periodic work: the product's own (the daily reminders) would be counted too.
    monkeypatch.setattr(periodic, "_PERIODIC", {handlers.PERIODIC: periodic.registered()[handlers.PERIODIC]})
    now = [datetime(2026, 12, 1, 9, 30, tzinfo=UTC)]
    factory = sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={AUDIT_KEY: TEST_AUDIT_KEY, CLOCK: lambda: now[0]},
    )
    workers = [Worker(factory, settings, name=f"host:{n}") for n in range(3)]
    handlers.PERIODIC_SLOTS.clear()
    assert [w.drain() for w in workers] == [1, 0, 0]
    now[0] = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # later the same day: nothing new
    assert [w.drain() for w in workers] == [0, 0, 0]
    now[0] = datetime(2026, 12, 2, 0, 1, tzinfo=UTC)
    assert [w.drain() for w in reversed(workers)] == [1, 0, 0]
    assert handlers.PERIODIC_SLOTS == ["2026-12-01T00:00:00+00:00", "2026-12-02T00:00:00+00:00"]
    with factory() as session:
        keys = session.scalars(select(Job.key).where(Job.kind == handlers.PERIODIC).order_by(Job.id)).all()
    assert keys == ["test_periodic:2026-12-01T00:00:00+00:00", "test_periodic:2026-12-02T00:00:00+00:00"]


def test_a_worker_asks_the_database_only_when_a_new_slot_begins(connection: Connection) -> None:
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    schedule = PeriodicSchedule()

    with factory() as session:
        assert schedule.enqueue_due(session, now) >= 1
        with counted(connection) as statements:
            assert schedule.enqueue_due(session, now + timedelta(hours=1)) == 0
            assert statements.sql == []  # the same slot: no look at all
            schedule.enqueue_due(session, now + timedelta(days=1))
            assert statements.sql != []

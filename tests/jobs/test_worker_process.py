"""Real worker processes: one killed half-way through a job, another that finishes it exactly once; and two
workers on PostgreSQL that never run the same job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import JobsMode, Settings
from kooperativet.db import make_engine, make_session_factory
from kooperativet.jobs import enqueue
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.worker import Worker
from kooperativet.parameters import service as parameters_service
from tests.conftest import TEST_AUDIT_KEY, TEST_BLIND_INDEX_KEY, TEST_DATA_KEY
from tests.jobs import handlers
from tests.jobs.handlers import effects

ROOT = Path(__file__).resolve().parents[2]


def worker_environment(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "KOOPERATIVET_DATABASE_URL": url,
        "KOOPERATIVET_DATA_DIR": str(data_dir),
        "KOOPERATIVET_DATA_KEY": TEST_DATA_KEY,
        "KOOPERATIVET_BLIND_INDEX_KEY": TEST_BLIND_INDEX_KEY,
        "KOOPERATIVET_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "KOOPERATIVET_WORKER_LEASE_SECONDS": "1",
        "KOOPERATIVET_WORKER_POLL_SECONDS": "0.1",
        "KOOPERATIVET_LOG_LEVEL": "WARNING",
    }


def start_worker(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    """``kooperativet worker`` in a process of its own, with a one-second lease and a short poll."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.worker_main", "worker"],
        cwd=data_dir,
        env=worker_environment(url, data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_worker_killed_mid_job_loses_nothing_and_the_next_does_it_once(
    committed_url: str, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    started, release, effect = tmp_path / "started", tmp_path / "release", tmp_path / "effects"
    with factory() as session:
        job = enqueue(
            session,
            handlers.BLOCK,
            {"started": str(started), "release": str(release), "effects": str(effect)},
            key="the one job",
        )
        assert job is not None
        job_id = job.id
        session.commit()

    first = start_worker(committed_url, tmp_path)
    try:
        wait_for(lambda: effects(started) != [], "the first worker to start the job")
    finally:
        first.kill()  # SIGKILL: no clean-up, the lease is left to run out
        first.wait()
    assert effects(effect) == []
    with factory() as session:
        leased = session.get_one(Job, job_id)
        assert (leased.state, leased.locked_by) == (JobState.running, effects(started)[0].split()[1])

    release.touch()
    second = start_worker(committed_url, tmp_path)
    try:
        wait_for(lambda: _state(factory, job_id) == JobState.done, "the second worker to finish the job")
    finally:
        second.send_signal(signal.SIGTERM)  # a clean stop: between jobs
        output, _ = second.communicate(timeout=20)
    assert second.returncode == 0, output.decode()
    [line] = effects(effect)
    assert line.split() == [str(job_id), f"{os.uname().nodename}:{second.pid}"]
    with factory() as session:
        done = session.get_one(Job, job_id)
        assert (done.attempts, done.locked_by) == (2, f"{os.uname().nodename}:{second.pid}")


def test_worker_once_runs_what_is_due_and_exits(
    committed_url: str, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with factory() as session:
        parameters_service.seed_defaults(session)  # the daily reminders, due too, read their schedule
        for mail_id in (1, 2):  # messages that are not there: each job is done at once
            enqueue(session, "send_mail", {"mail_id": mail_id})
        session.commit()
    finished = subprocess.run(
        [sys.executable, "-m", "kooperativet", "worker", "--once"],
        cwd=tmp_path,
        env=worker_environment(committed_url, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The two messages, the day's reminders, the day's purge after retention and the day's forgetting of
    # stored answers (periodic work, due at once; no invoice is overdue, nobody is due for the purge).
    assert (finished.returncode, finished.stdout) == (0, "jobs run: 5\n"), finished.stderr
    with factory() as session:
        assert sorted(session.scalars(select(Job.kind))) == [
            "forget_answered_requests",
            "purge_after_retention",
            "send_due_reminders",
            "send_mail",
            "send_mail",
        ]
        assert set(session.scalars(select(Job.state))) == {JobState.done}


def _state(factory: sessionmaker[Session], job_id: int) -> JobState:
    with factory() as session:
        return session.get_one(Job, job_id).state


def test_two_workers_on_postgresql_never_run_the_same_job(
    committed_url: str, committed_engine: Engine, tmp_path: Path
) -> None:
    if not committed_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: its claims never race (run with KOOPERATIVET_TEST_DATABASE_URL)")
    effect = tmp_path / "effects"
    settings = Settings(
        env="test", data_dir=tmp_path, database_url=committed_url, jobs_mode=JobsMode.external
    )
    factory = make_session_factory(committed_engine, audit_key=TEST_AUDIT_KEY)
    with factory() as session:
        for _ in range(80):
            enqueue(session, handlers.RECORD, {"effects": str(effect), "seconds": 0.002})
        session.commit()

    engines = [make_engine(committed_url) for _ in range(2)]
    try:
        workers = [
            Worker(make_session_factory(engine, audit_key=TEST_AUDIT_KEY), settings, name=f"w{n}")
            for n, engine in enumerate(engines)
        ]
        threads = [threading.Thread(target=worker.drain) for worker in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        for engine in engines:
            engine.dispose()

    done = [line.split() for line in effects(effect)]
    assert len(done) == 80
    assert len({job_id for job_id, _ in done}) == 80  # each job's effect once
    assert {worker for _, worker in done} == {"w0", "w1"}  # both took part
    with factory() as session:
        jobs = session.scalars(select(Job).where(Job.kind == handlers.RECORD)).all()
        assert {(job.state, job.attempts) for job in jobs} == {(JobState.done, 1)}

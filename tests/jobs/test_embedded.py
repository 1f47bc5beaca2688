"""The embedded setup: the API process's own worker thread does the work, with no other process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kooperativet.config import JobsMode, Settings
from kooperativet.db import transaction
from kooperativet.jobs import enqueue
from kooperativet.mail import queue_mail
from kooperativet.main import create_app
from tests.conftest import TEST_AUDIT_KEY, TEST_BLIND_INDEX_KEY, TEST_DATA_KEY
from tests.jobs import handlers
from tests.jobs.handlers import effects
from tests.mailbox import Mailbox


def embedded_settings(url: str, data_dir: Path, mode: JobsMode | None = JobsMode.embedded) -> Settings:
    return Settings(
        jobs_mode=mode,
        env="test",
        data_dir=data_dir,
        database_url=url,
        secret_key="t" * 48,
        audit_key=TEST_AUDIT_KEY.decode(),
        data_key=TEST_DATA_KEY,
        blind_index_key=TEST_BLIND_INDEX_KEY,
        # A poll far longer than the test: only the wake-up after the commit can make the work happen in time.
        worker_poll_seconds=120,
    )


def test_sqlite_runs_a_worker_thread_by_default() -> None:
    assert Settings(database_url="sqlite:///x.sqlite3").resolved_jobs_mode is JobsMode.embedded
    assert Settings(database_url="postgresql+psycopg://db/k").resolved_jobs_mode is JobsMode.external
    app = create_app(embedded_settings("postgresql+psycopg://db/k", Path("."), mode=None))
    assert app.state.embedded_worker is None


def test_a_commit_wakes_the_embedded_worker_and_it_stops_with_the_app(
    committed_url: str, tmp_path: Path
) -> None:
    effect = tmp_path / "effects"
    app = create_app(embedded_settings(committed_url, tmp_path))
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        with transaction(app.state.session_factory, write_lock=app.state.write_lock) as session:
            enqueue(session, handlers.RECORD, {"effects": str(effect)})
        deadline = time.monotonic() + 10
        while not effects(effect) and time.monotonic() < deadline:
            time.sleep(0.02)
        [line] = effects(effect)
        assert line.split()[1].endswith(":embedded")
        thread = app.state.embedded_worker._thread
        assert thread is not None
        assert thread.is_alive()
    assert not thread.is_alive()  # the lifespan's end stopped it


def test_an_email_queued_by_a_commit_is_sent_by_the_embedded_worker(
    committed_url: str, tmp_path: Path, smtp_server: tuple[Mailbox, int]
) -> None:
    mailbox, smtp_port = smtp_server
    mailbox.clear()
    settings = embedded_settings(committed_url, tmp_path)
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", smtp_port, False
    app = create_app(settings)
    with TestClient(app):
        with transaction(app.state.session_factory, write_lock=app.state.write_lock) as session:
            queue_mail(
                session,
                to="ebba.embedded@example.org",
                template="test_message",
                language="sv",
                context={"name": "Ebba", "cooperative": "Interim kultur"},
            )
        deadline = time.monotonic() + 10
        while not mailbox.to("ebba.embedded@example.org") and time.monotonic() < deadline:
            time.sleep(0.02)
        [arrived] = mailbox.to("ebba.embedded@example.org")
    assert arrived["Subject"] == "Provmeddelande från Interim kultur"


def test_on_sqlite_the_worker_queues_behind_the_requests_write_lock(
    committed_url: str, tmp_path: Path
) -> None:
    if not committed_url.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    effect = tmp_path / "effects"
    app = create_app(embedded_settings(committed_url, tmp_path))
    with TestClient(app):
        with app.state.write_lock:  # as a request writing for a while
            with transaction(app.state.session_factory) as session:  # the lock is held here already
                enqueue(session, handlers.RECORD, {"effects": str(effect)})
            time.sleep(0.5)
            assert effects(effect) == []  # woken by the commit, the worker waits for the lock to claim
        deadline = time.monotonic() + 10
        while not effects(effect) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(effects(effect)) == 1

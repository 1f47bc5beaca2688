"""The embedded setup: the API process's own worker thread does the work, with no other process."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from kooperativet.config import JobsMode, Settings
from kooperativet.db import transaction
from kooperativet.jobs import enqueue
from kooperativet.main import create_app
from tests.conftest import TEST_AUDIT_KEY, TEST_BLIND_INDEX_KEY, TEST_DATA_KEY
from tests.jobs import handlers
from tests.jobs.handlers import effects


def embedded_settings(url: str, data_dir: Path) -> Settings:
    return Settings(
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
    app = create_app(embedded_settings("postgresql+psycopg://db/k", Path(".")))
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

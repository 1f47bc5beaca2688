"""R10: a backup is a consistent copy that restores to the same data."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from kooperativet import backup as backup_module
from kooperativet import migrate
from kooperativet.backup import BackupFailed, backup_database
from kooperativet.config import Settings
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.jobs import enqueue
from kooperativet.jobs.models import Job, JobState
from kooperativet.jobs.runner import run_due
from kooperativet.parties.models import Client
from tests.conftest import TEST_AUDIT_KEY, TEST_DATABASE_ENV, throwaway_postgres_database
from tests.jobs import handlers
from tests.jobs.handlers import effects


def add_clients(url: str, count: int) -> None:
    engine = make_engine(url)
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        session.add_all(Client(name=f"Kund {n}") for n in range(count))
    engine.dispose()


def client_names(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        names = list(connection.scalars(select(Client.name).order_by(Client.name)))
    engine.dispose()
    return names


def test_a_sqlite_backup_holds_the_same_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(url)
    add_clients(url, 25)
    copy = backup_database(url, tmp_path / "backups" / "copy.sqlite3")
    copy_url = f"sqlite:///{copy}"
    assert client_names(copy_url) == client_names(url)
    assert len(client_names(copy_url)) == 25
    migrate.check(copy_url)  # the copy is at the same schema revision


def test_a_missing_database_is_a_clear_error_and_leaves_no_file(tmp_path: Path) -> None:
    """An empty file left behind would be taken for a backup, and refuse the next one (``--force``)."""
    missing = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    with pytest.raises(BackupFailed, match="does not exist"):
        backup_database(missing, tmp_path / "copy.sqlite3")
    older = tmp_path / "older.sqlite3"
    older.write_bytes(b"an older backup")
    with pytest.raises(BackupFailed, match="does not exist"):
        backup_database(missing, older, overwrite=True)
    assert older.read_bytes() == b"an older backup"  # a failed copy replaces nothing
    assert sorted(path.name for path in tmp_path.iterdir()) == ["older.sqlite3"]


def test_an_existing_file_is_written_over_only_when_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(url)
    add_clients(url, 2)
    older = tmp_path / "backup.sqlite3"
    older.write_bytes(b"yesterday's backup")
    dangling = tmp_path / "dangling.sqlite3"
    dangling.symlink_to(tmp_path / "nowhere")

    for existing in (older, dangling):
        with pytest.raises(FileExistsError):
            backup_database(url, existing)
    assert older.read_bytes() == b"yesterday's backup"
    assert not (tmp_path / "nowhere").exists()

    backup_database(url, older, overwrite=True)
    assert len(client_names(f"sqlite:///{older}")) == 2


def test_a_backup_over_the_database_itself_is_refused(tmp_path: Path) -> None:
    """It would report a backup written while there is no copy at all, by the path, another spelling of
    it, or a hard link."""
    live = tmp_path / "live.sqlite3"
    url = f"sqlite:///{live}"
    migrate.upgrade(url)
    add_clients(url, 3)
    (tmp_path / "sub").mkdir()
    linked = tmp_path / "linked.sqlite3"
    os.link(live, linked)
    for destination in (live, tmp_path / "sub" / ".." / "live.sqlite3", linked):
        with pytest.raises(BackupFailed, match="is the database itself"):
            backup_database(url, destination)
    assert len(client_names(url)) == 3


def test_pg_dump_gets_the_password_in_its_environment_not_its_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A program's arguments are readable by every user of the machine (ps, /proc/PID/cmdline)."""
    seen: dict[str, Any] = {}

    def run(args: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        seen["args"], seen["env"] = args, options.get("env")
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: "/usr/bin/pg_dump")
    monkeypatch.setattr(backup_module.subprocess, "run", run)
    backup_database(
        "postgresql+psycopg://kooperativet:s3cret-db-pw@db.example:5432/kooperativet", tmp_path / "x"
    )
    assert not any("s3cret-db-pw" in argument for argument in seen["args"]), seen["args"]
    assert "--dbname=postgresql://kooperativet@db.example:5432/kooperativet" in seen["args"]
    assert seen["env"]["PGPASSWORD"] == "s3cret-db-pw"


def test_jobs_waiting_in_a_backup_run_once_after_it_is_restored(tmp_path: Path, settings: Settings) -> None:
    live_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(live_url)
    record = tmp_path / "effects.txt"
    live = make_engine(live_url)
    with transaction(make_session_factory(live, audit_key=TEST_AUDIT_KEY)) as session:
        for _ in range(3):
            enqueue(session, handlers.RECORD, {"effects": str(record)})
    copy = backup_database(live_url, tmp_path / "backup.sqlite3")
    live.dispose()
    restored = make_engine(f"sqlite:///{copy}")
    with make_session_factory(restored, audit_key=TEST_AUDIT_KEY)() as session:
        assert run_due(session, settings, "after-restore") == 3
        assert run_due(session, settings, "after-restore") == 0
        states = session.scalars(select(Job.state).where(Job.kind == handlers.RECORD)).all()
    restored.dispose()
    assert sorted(states) == [JobState.done] * 3
    assert len(effects(record)) == 3


@pytest.mark.skipif(
    not os.environ.get(TEST_DATABASE_ENV) or shutil.which("pg_restore") is None,
    reason="needs a PostgreSQL server and pg_dump/pg_restore",
)
def test_a_postgresql_dump_restores_to_the_same_data(tmp_path: Path) -> None:
    server = os.environ[TEST_DATABASE_ENV]
    with throwaway_postgres_database(server) as live, throwaway_postgres_database(server) as restored:
        migrate.upgrade(live)
        add_clients(live, 25)
        dump = backup_database(live, tmp_path / "kooperativet.dump")
        target = make_url(restored).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(dump)], check=True)
        assert client_names(restored) == client_names(live)
        with create_engine(restored).connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Client)) == 25

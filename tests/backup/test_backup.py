"""R10: a backup is a consistent copy that restores to the same data."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from kooperativet import migrate
from kooperativet.backup import BackupFailed, backup_database
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parties.models import Client
from tests.conftest import TEST_AUDIT_KEY, TEST_DATABASE_ENV, throwaway_postgres_database


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


def test_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackupFailed, match="does not exist"):
        backup_database(f"sqlite:///{tmp_path / 'nothing.sqlite3'}", tmp_path / "copy.sqlite3")


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

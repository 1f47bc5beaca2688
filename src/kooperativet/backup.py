"""Consistent backups (quality.md R10): SQLite's online backup API, PostgreSQL through ``pg_dump``.

SQLite copies page by page while other connections keep working, and the copy is a transaction-consistent
database file. PostgreSQL is dumped in ``pg_dump``'s custom format, restored with ``pg_restore``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupFailed(RuntimeError):
    pass


def backup_database(database_url: str, destination: Path) -> Path:
    """Write a consistent copy of the database to ``destination`` and return it."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupFailed("an in-memory database cannot be backed up")
        _refuse_the_database_itself(Path(url.database), destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        _backup_sqlite(Path(url.database), destination)
    elif url.get_backend_name() == "postgresql":
        destination.parent.mkdir(parents=True, exist_ok=True)
        _backup_postgresql(url.set(drivername="postgresql"), destination)
    else:
        raise BackupFailed(f"no backup method for {url.get_backend_name()}")
    return destination


def _refuse_the_database_itself(source: Path, destination: Path) -> None:
    """A backup written over the live database would be the database itself, and no copy at all."""
    same = destination.resolve() == source.resolve()
    if not same and destination.exists() and source.exists():
        same = destination.samefile(source)  # a hard link
    if same:
        raise BackupFailed(f"{destination} is the database itself; write the backup to another file")


def _backup_sqlite(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupFailed(f"{source} does not exist")
    with sqlite3.connect(source) as live, sqlite3.connect(destination) as copy:
        live.backup(copy)
    copy.close()
    live.close()


def _backup_postgresql(url: URL, destination: Path) -> None:
    """``pg_dump`` with the password in its environment (``PGPASSWORD``), never on its command line, which
    every user of the machine can read (``ps``, ``/proc/PID/cmdline``)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump is not installed (Debian: postgresql-client)")
    without_password = URL.create(
        url.drivername, url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string(hide_password=False)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    result = subprocess.run(  # noqa: S603 - a fixed program and our own database URL
        [pg_dump, "--format=custom", "--no-owner", f"--file={destination}", f"--dbname={without_password}"],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if result.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {result.stderr.strip()}")

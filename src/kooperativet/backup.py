"""Consistent backups (quality.md R10): SQLite's online backup API, PostgreSQL through ``pg_dump``.

SQLite copies page by page while other connections keep working, and the copy is a transaction-consistent
database file. PostgreSQL is dumped in ``pg_dump``'s custom format, restored with ``pg_restore``.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(RuntimeError):
    pass


def backup_database(database_url: str, destination: Path) -> Path:
    """Write a consistent copy of the database to ``destination`` and return it."""
    url = make_url(database_url)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupFailed("an in-memory database cannot be backed up")
        _backup_sqlite(Path(url.database), destination)
    elif url.get_backend_name() == "postgresql":
        _backup_postgresql(
            url.set(drivername="postgresql").render_as_string(hide_password=False), destination
        )
    else:
        raise BackupFailed(f"no backup method for {url.get_backend_name()}")
    return destination


def _backup_sqlite(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupFailed(f"{source} does not exist")
    with sqlite3.connect(source) as live, sqlite3.connect(destination) as copy:
        live.backup(copy)
    copy.close()
    live.close()


def _backup_postgresql(libpq_url: str, destination: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump is not installed (Debian: postgresql-client)")
    result = subprocess.run(  # noqa: S603 - a fixed program and our own database URL
        [pg_dump, "--format=custom", "--no-owner", f"--file={destination}", f"--dbname={libpq_url}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {result.stderr.strip()}")

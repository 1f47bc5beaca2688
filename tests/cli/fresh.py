"""Run ``kooperativet`` as a user does: ``python -m kooperativet`` in a new process, with its own environment.

Nothing the test process imported or configured helps the command: every mapper, key and setting it needs it
must load itself. The database is a new SQLite file, or a throw-away PostgreSQL database when
``KOOPERATIVET_TEST_DATABASE_URL`` is set (as for the rest of the suite).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from tests.conftest import (
    TEST_AUDIT_KEY,
    TEST_BLIND_INDEX_KEY,
    TEST_DATA_KEY,
    TEST_DATABASE_ENV,
    throwaway_postgres_database,
)

TAX_TABLES = (
    Path(__file__).resolve().parents[1] / "payroll" / "data" / "synthetic-allmanna-tabeller-manad-2026.txt"
)
COOPERATIVE_NAME = "CLI-kooperativet"


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """The URL of a database with nothing in it, not even tables."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url) as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'kooperativet.sqlite3'}"


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


@dataclass
class Kooperativet:
    """The command line against one database, with the test suite's keys, run from ``folder``."""

    database_url: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kooperativet", *args],
            cwd=self.folder,  # no .env file of the developer's is read
            env=self.environment(**env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def environment(self, **overrides: str) -> dict[str, str]:
        inherited = {
            name: value for name, value in os.environ.items() if not name.startswith("KOOPERATIVET_")
        }
        return {
            **inherited,
            "KOOPERATIVET_DATABASE_URL": self.database_url,
            "KOOPERATIVET_DATA_DIR": str(self.folder / "data"),
            "KOOPERATIVET_DATA_KEY": TEST_DATA_KEY,
            "KOOPERATIVET_BLIND_INDEX_KEY": TEST_BLIND_INDEX_KEY,
            "KOOPERATIVET_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
            "KOOPERATIVET_COOPERATIVE_NAME": COOPERATIVE_NAME,
            **self.env,
            **overrides,
        }


def rows(database: Engine, query: str, **parameters: object) -> list[tuple[object, ...]]:
    with database.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), parameters)]


def output(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines a successful command printed; fails the test with what it said on stderr otherwise."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def assert_error(result: subprocess.CompletedProcess[str], message: str, *, code: int = 1) -> None:
    """The command failed with exactly one line on stderr, ``error: message``, and printed nothing else."""
    assert (result.returncode, result.stderr) == (code, f"error: {message}\n")
    assert result.stdout == ""


def usage_error(command: str, message: str) -> str:
    """The line of a bad or missing option or argument: what is wrong, and where the help is."""
    return f"{message} (see 'kooperativet {command} --help')"

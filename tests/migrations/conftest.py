"""The migration tests' throw-away database: SQLite in the test's folder, or one of its own on the PostgreSQL
server the run names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_ENV, throwaway_postgres_database


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with throwaway_postgres_database(server_url) as made:
        yield made

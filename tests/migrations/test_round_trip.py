"""Every migration goes up, down to base and up again on the database under test, and matches the models."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from kooperativet import migrate
from kooperativet.all_models import Base
from kooperativet.db import make_engine
from tests.conftest import TEST_DATABASE_ENV, throwaway_postgres_database


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        yield f"sqlite:///{tmp_path / 'round-trip.sqlite3'}"
        return
    with throwaway_postgres_database(server_url) as url:
        yield url


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_upgrade_downgrade_upgrade_leaves_the_schema_the_models_describe(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url)
    assert table_names(fresh_database_url) == set(Base.metadata.tables)
    migrate.check(fresh_database_url)

    migrate.downgrade(fresh_database_url, "base")
    assert table_names(fresh_database_url) == set()

    migrate.upgrade(fresh_database_url)
    assert table_names(fresh_database_url) == set(Base.metadata.tables)
    migrate.check(fresh_database_url)


def test_migration_files_have_dated_names() -> None:
    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    names = sorted(p.name for p in versions.glob("*.py"))
    assert names, "no migrations found"
    for name in names:
        assert re.match(r"^\d{4}_\d{2}_\d{2}_\d{4}-", name), name

"""How an embedded database's commit waits for the disk: SQLite's advice for WAL mode by default, every commit
on the disk when the sysadmin asks for it (``KOOPERATIVET_SQLITE_SYNCHRONOUS``), and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from kooperativet.config import Settings, SqliteSynchronous
from kooperativet.db import make_engine

#: SQLite's numbers for the levels (``PRAGMA synchronous`` answers them): NORMAL 1, FULL 2.
LEVELS = {"normal": 1, "full": 2}


def _level(url: str, **options: str) -> int:
    engine = make_engine(url, **options)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("PRAGMA synchronous")).scalar_one())
    finally:
        engine.dispose()


def test_the_embedded_database_waits_for_the_disk_at_checkpoints_unless_told_at_every_commit(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'durable.sqlite3'}"

    assert _level(url) == LEVELS["normal"]
    assert _level(url, sqlite_synchronous="full") == LEVELS["full"]


def test_the_setting_takes_normal_or_full_and_refuses_anything_else(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).sqlite_synchronous is SqliteSynchronous.normal
    assert Settings(data_dir=tmp_path, sqlite_synchronous="full").sqlite_synchronous is SqliteSynchronous.full
    with pytest.raises(ValidationError, match="sqlite_synchronous"):
        Settings(data_dir=tmp_path, sqlite_synchronous="off")
    with pytest.raises(ValueError, match="normal, full"):
        make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", sqlite_synchronous="off")


def test_the_served_app_opens_its_database_as_the_settings_say(settings: Settings) -> None:
    if not settings.resolved_database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL flushes every commit to disk by its own setting (synchronous_commit)")
    from kooperativet.main import create_app

    app = create_app(settings.model_copy(update={"sqlite_synchronous": SqliteSynchronous.full}))
    engine = app.state.engine
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar_one() == LEVELS["full"]

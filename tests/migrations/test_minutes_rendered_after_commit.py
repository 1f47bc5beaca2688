"""The migration that puts minutes on the document pipeline keeps the minutes' guards on both databases
(SQLite rebuilds the table, which drops its triggers): minutes from before keep their PDF, locked ones stay
unchangeable, a locked version without a PDF takes one once, and the downgrade brings the old guard back."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "3b60ebb69e86"
AFTER = "8f2d4c6a1e03"
NOW = "2026-11-01 12:00:00+00:00"
HASH = "ab" * 32


#: The values the statements below name: a moment, a SHA-256, a PDF.
VALUES = {"now": NOW, "hash": HASH, "pdf": b"%PDF"}


def _refused(engine: Engine, statement: str, message: str) -> None:
    with pytest.raises(DBAPIError, match=message), engine.begin() as connection:
        connection.execute(text(statement), VALUES)


def _done(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), VALUES)


def test_the_minutes_guards_survive_the_migration_and_its_downgrade(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        _done(
            engine,
            "INSERT INTO rulebooks (id, valid_from, rules, source, created_at) "
            "VALUES (1, '2000-01-01', '{}', 's', :now)",
        )
        _done(
            engine,
            "INSERT INTO meetings (id, version, kind, title, held_on, status, rulebook_id, created_at) "
            "VALUES (1, 1, 'annual', 'Årsmöte', '2026-11-01', 'closed', 1, :now)",
        )
        _done(
            engine,
            "INSERT INTO minutes (id, meeting_id, version, pdf, sha256, audit_head_hash, created_at, "
            "locked_at) VALUES (1, 1, 1, :pdf, :hash, :hash, :now, :now)",
        )
        migrate.upgrade(url, AFTER)

        with engine.connect() as connection:
            assert connection.execute(text("SELECT pdf, sha256, html FROM minutes")).one() == (
                b"%PDF",
                HASH,
                None,
            )
        _refused(engine, "UPDATE minutes SET sha256 = 'x'", "locked minutes cannot be changed")
        _refused(engine, "UPDATE minutes SET pdf = NULL, sha256 = NULL", "locked minutes cannot be changed")
        _refused(engine, "DELETE FROM minutes", "locked minutes cannot be deleted")
        # A version locked after the upgrade, its PDF still pending, takes its PDF once and nothing else.
        _done(
            engine,
            "INSERT INTO minutes (id, meeting_id, version, html, audit_head_hash, created_at, locked_at) "
            "VALUES (2, 1, 2, '<p>v2</p>', :hash, :now, :now)",
        )
        _refused(engine, "UPDATE minutes SET html = 'x' WHERE id = 2", "locked minutes cannot be changed")
        _refused(
            engine,
            "UPDATE minutes SET pdf = :pdf, sha256 = :hash, version = 3 WHERE id = 2",
            "locked minutes cannot be changed",
        )
        _done(engine, "UPDATE minutes SET pdf = :pdf, sha256 = :hash WHERE id = 2")
        _refused(engine, "UPDATE minutes SET sha256 = 'x' WHERE id = 2", "locked minutes cannot be changed")

        migrate.downgrade(url, BEFORE)

        _refused(engine, "UPDATE minutes SET sha256 = 'x'", "locked minutes cannot be changed")
        _refused(engine, "DELETE FROM minutes WHERE id = 2", "locked minutes cannot be deleted")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM minutes")).scalar_one() == 2
    finally:
        engine.dispose()

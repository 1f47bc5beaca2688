"""The migration that gives a login its ``sign_ins_ended_at`` keeps every login, starts the moment empty, and
its downgrade drops only that column."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "9e41d2c6a8f3"
THIS = "b0466c5d1b02"
NOW = "2026-11-01 12:00:00+00:00"


def _users(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("users")}
            ended = "sign_ins_ended_at" if "sign_ins_ended_at" in columns else "'no such column'"
            return [
                tuple(row)
                for row in connection.execute(text(f"SELECT id, email, {ended} FROM users ORDER BY id"))  # noqa: S608 - constant names
            ]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_logins_are_kept_with_no_end_of_their_sign_ins_and_the_downgrade_drops_only_the_column(
    url: str,
) -> None:
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, full_name, password_hash, is_active, created_at, updated_at,"
                " version) VALUES (1, 'anna@example.se', 'Anna', 'x', true, :n, :n, 1)"
            ),
            {"n": NOW},
        )
    engine.dispose()

    migrate.upgrade(url, THIS)
    assert _users(url) == [(1, "anna@example.se", None)]

    migrate.downgrade(url, BEFORE)
    assert _users(url) == [(1, "anna@example.se", "no such column")]

    migrate.upgrade(url, THIS)
    assert _users(url) == [(1, "anna@example.se", None)]

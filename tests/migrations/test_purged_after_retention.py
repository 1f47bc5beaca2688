"""The migration that lets the purge after retention erase a member's identity keeps every member as she was,
makes the identity columns nullable with an empty ``purged_at``, and its downgrade restores the schema unless
a member has been purged (the erased values cannot come back)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "3f9ba3a53e02"
THIS = "c4e7a1f9d2b3"
NOW = "2026-11-01 12:00:00+00:00"


def _members(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            columns = {column["name"]: column for column in inspect(connection).get_columns("members")}
            purged = "purged_at" if "purged_at" in columns else "'no such column'"
            rows = connection.execute(
                text(f"SELECT id, personal_identity_number_index, birth_date, {purged} FROM members")  # noqa: S608 - constant names
            )
            nullable = columns["birth_date"]["nullable"]
            # SQLite gives the date as text, PostgreSQL as a date.
            return [(row[0], row[1], str(row[2]), row[3], nullable) for row in rows]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_members_are_kept_the_identity_becomes_erasable_and_the_downgrade_refuses_after_a_purge(
    url: str,
) -> None:
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, personal_identity_number,"
                " personal_identity_number_index, is_coordination_number, birth_date, country, joined_on,"
                " language, created_at, updated_at, version) VALUES (1, 'Anna', 'A', 'v1:x:y', 'idx', false,"
                " '1990-05-14', 'SE', '2025-01-01', 'sv', :n, :n, 1)"
            ),
            {"n": NOW},
        )
    engine.dispose()

    migrate.upgrade(url, THIS)
    assert [row[:4] for row in _members(url)] == [(1, "idx", "1990-05-14", None)]
    assert _members(url)[0][4] is True

    migrate.downgrade(url, BEFORE)
    assert _members(url) == [(1, "idx", "1990-05-14", "no such column", False)]

    migrate.upgrade(url, THIS)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE members SET personal_identity_number = NULL, personal_identity_number_index = NULL,"
                " birth_date = NULL, purged_at = :n"
            ),
            {"n": NOW},
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="purged after retention"):
        migrate.downgrade(url, BEFORE)

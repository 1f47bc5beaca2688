"""The migration that records when an item was decided without a vote leaves the items stored before
undecided (no decision was taken so until then), takes a moment afterwards, and its downgrade drops it; up
again works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import NOW, columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "c4d8a2f6e1b3"


def _insert_item(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        insert_planned_meeting(connection, 1)
        connection.execute(
            text(
                "INSERT INTO agenda_items (id, meeting_id, position, kind, title, statute_change)"
                " VALUES (1, 1, 1, 'procedural', 'Val av mötesordförande', false)"
            )
        )
    engine.dispose()


@pytest.mark.slow
def test_items_stored_before_are_undecided_and_the_downgrade_drops_the_moment(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_item(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.begin() as connection:
        row = connection.execute(text("SELECT decision, decided_at FROM agenda_items WHERE id = 1")).one()
        assert tuple(row) == (None, None)
        connection.execute(
            text("UPDATE agenda_items SET decision = 'välja Anna Berg', decided_at = :n WHERE id = 1"),
            {"n": NOW},
        )
        stored = connection.execute(text("SELECT decided_at FROM agenda_items WHERE id = 1")).scalar_one()
    engine.dispose()
    assert str(stored).startswith("2026-11-01")

    migrate.downgrade(url, BEFORE)
    assert "decided_at" not in columns_of(url, "agenda_items")
    assert "decision" in columns_of(url, "agenda_items")

    migrate.upgrade(url)
    assert "decided_at" in columns_of(url, "agenda_items")

"""The migration that gives meetings a time of day leaves the meetings already planned without one (nobody
recorded a time), takes one afterwards, and its downgrade drops it; up again works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "b8e4d2a6c9f1"


def _insert_meeting(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        insert_planned_meeting(connection, 1)
    engine.dispose()


@pytest.mark.slow
def test_meetings_planned_before_get_no_time_and_the_downgrade_drops_it(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_meeting(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT starts_at FROM meetings WHERE id = 1")).scalar_one() is None
        connection.execute(text("UPDATE meetings SET starts_at = '18:30:00' WHERE id = 1"))
        stored = connection.execute(text("SELECT starts_at FROM meetings WHERE id = 1")).scalar_one()
    engine.dispose()
    assert str(stored).startswith("18:30")

    migrate.downgrade(url, BEFORE)
    assert "starts_at" not in columns_of(url, "meetings")
    assert "held_on" in columns_of(url, "meetings")

    migrate.upgrade(url)
    assert "starts_at" in columns_of(url, "meetings")

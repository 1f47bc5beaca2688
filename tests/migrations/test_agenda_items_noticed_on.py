"""The migration that records which notice listed an agenda item gives the items of a meeting already
noticed that notice's day, leaves the items of a meeting not yet noticed empty, and its downgrade drops it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "a3c9e5f1b7d2"


def _insert_meetings(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        insert_planned_meeting(connection, 1, noticed_on="2026-11-20")
        insert_planned_meeting(connection, 2)
        for item_id, meeting_id, position in ((1, 1, 1), (2, 1, 2), (3, 2, 1)):
            connection.execute(
                text(
                    "INSERT INTO agenda_items (id, meeting_id, position, kind, title, statute_change)"
                    " VALUES (:id, :meeting_id, :position, 'board_proposal', 'Ny lydelse av § 4', true)"
                ),
                {"id": item_id, "meeting_id": meeting_id, "position": position},
            )
    engine.dispose()


@pytest.mark.slow
def test_items_of_a_noticed_meeting_get_its_notice_day_and_the_others_none(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_meetings(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, noticed_on FROM agenda_items ORDER BY id")).all()
    assert [(item_id, str(day) if day else None) for item_id, day in rows] == [
        (1, "2026-11-20"),
        (2, "2026-11-20"),
        (3, None),
    ]
    engine.dispose()

    migrate.downgrade(url, BEFORE)
    columns = columns_of(url, "agenda_items")
    assert "noticed_on" not in columns
    assert "statute_change" in columns

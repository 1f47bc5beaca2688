"""The migration that records a start time changed after the notice leaves the meetings already there with no
change recorded (nobody was told of one), takes one afterwards, and its downgrade drops the columns."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "e1f7a3c5b9d4"
COLUMNS = {"time_changed_at", "time_changed_from", "time_change_mail_status", "time_change_mail_detail"}


@pytest.mark.slow
def test_meetings_there_before_have_no_change_recorded_and_the_downgrade_drops_it(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        insert_planned_meeting(connection, 1)
    migrate.upgrade(url)

    with engine.begin() as connection:
        select = (
            "SELECT time_changed_at, time_changed_from, time_change_mail_status FROM meetings WHERE id = 1"
        )
        assert tuple(connection.execute(text(select)).one()) == (None, None, None)
        connection.execute(
            text(
                "UPDATE meetings SET time_changed_from = '18:00:00', time_change_mail_status = 'queued',"
                " time_change_mail_detail = 'queued for 3 member(s)' WHERE id = 1"
            )
        )
        stored = connection.execute(text(select)).one()
    engine.dispose()
    assert str(stored[1]).startswith("18:00")
    assert stored[2] == "queued"

    migrate.downgrade(url, BEFORE)
    assert not COLUMNS & columns_of(url, "meetings")
    assert "starts_at" in columns_of(url, "meetings")

    migrate.upgrade(url)
    assert columns_of(url, "meetings") >= COLUMNS

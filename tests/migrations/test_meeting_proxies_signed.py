"""The migration that records whether a proxy's fullmakt is signed by the member leaves the proxies stored
before with no answer (NULL: nobody was asked then, and the minutes print only their date), takes true
afterwards, and its downgrade drops the column; up again works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import NOW, columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "5b7e2d9c4a1f"


def _insert_proxy(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        insert_planned_meeting(connection, 1)
        for member_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO members (id, first_name, last_name, personal_identity_number,"
                    " personal_identity_number_index, is_coordination_number, birth_date, country, joined_on,"
                    " language, version, created_at, updated_at)"
                    " VALUES (:id, 'A', 'B', 'v1:pnr', :index, false, '1990-05-14', 'SE', '2026-01-01', 'sv',"
                    " 1, :now, :now)"
                ),
                {"id": member_id, "index": f"index-{member_id}", "now": NOW},
            )
        connection.execute(
            text(
                "INSERT INTO meeting_proxies (id, meeting_id, principal_member_id, attendee_member_id, dated)"
                " VALUES (1, 1, 1, 2, '2026-11-01')"
            )
        )
    engine.dispose()


@pytest.mark.slow
def test_proxies_stored_before_have_no_answer_and_the_downgrade_drops_the_column(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_proxy(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.begin() as connection:
        assert (
            connection.execute(text("SELECT signed FROM meeting_proxies WHERE id = 1")).scalar_one() is None
        )
        connection.execute(text("UPDATE meeting_proxies SET signed = true WHERE id = 1"))
        stored = connection.execute(text("SELECT signed FROM meeting_proxies WHERE id = 1")).scalar_one()
    engine.dispose()
    assert bool(stored) is True

    migrate.downgrade(url, BEFORE)
    assert "signed" not in columns_of(url, "meeting_proxies")
    assert "dated" in columns_of(url, "meeting_proxies")

    migrate.upgrade(url)
    assert "signed" in columns_of(url, "meeting_proxies")

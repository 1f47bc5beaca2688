"""The migration that lets a statute change's second reading name its first leaves the items stored before
naming none (every statute change was decided at one meeting until then), takes a reference afterwards, and
its downgrade drops it while the votes under the items keep theirs; up again works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import NOW, columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "c6a2e8f4d1b7"


def _insert_items_and_a_vote(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        insert_planned_meeting(connection, 1)
        for item_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO agenda_items (id, meeting_id, position, kind, title, text, statute_change)"
                    " VALUES (:id, 1, :id, 'board_proposal', 'Ny lydelse av § 4', '§ 4 ska lyda: …', true)"
                ),
                {"id": item_id},
            )
        connection.execute(
            text(
                "INSERT INTO votes (id, meeting_id, agenda_item_id, method, decision_kind, question,"
                " rulebook_id, excluded_member_ids, hide_results, status, opened_at)"
                " VALUES (1, 1, 1, 'open', 'statute_change', 'Ändras § 4?', 1, '[]', false, 'open', :n)"
            ),
            {"n": NOW},
        )
    engine.dispose()


@pytest.mark.slow
def test_items_stored_before_confirm_nothing_and_the_downgrade_drops_the_reference(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_items_and_a_vote(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.begin() as connection:
        stored = connection.execute(text("SELECT confirms_item_id FROM agenda_items ORDER BY id")).all()
        assert [row[0] for row in stored] == [None, None]
        connection.execute(text("UPDATE agenda_items SET confirms_item_id = 1 WHERE id = 2"))
        assert (
            connection.execute(text("SELECT confirms_item_id FROM agenda_items WHERE id = 2")).scalar_one()
            == 1
        )
    engine.dispose()

    migrate.downgrade(url, BEFORE)
    assert "confirms_item_id" not in columns_of(url, "agenda_items")
    engine = make_engine(url)
    with engine.begin() as connection:
        titles = connection.execute(text("SELECT id, title FROM agenda_items ORDER BY id")).all()
        vote_item = connection.execute(text("SELECT agenda_item_id FROM votes WHERE id = 1")).scalar_one()
    engine.dispose()
    assert [tuple(row) for row in titles] == [(1, "Ny lydelse av § 4"), (2, "Ny lydelse av § 4")]
    assert vote_item == 1

    migrate.upgrade(url)
    assert "confirms_item_id" in columns_of(url, "agenda_items")

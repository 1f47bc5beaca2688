"""The migration that stores which agenda item is the agenda's closing (``agenda_items.is_closing``) marks the
items the title rule found before it: on each meeting the last item, when procedural and its title ends in
"avslutande" (in any case, around spaces), taken up or not. Nothing else is marked: an item so titled that is
not last, a last item of another kind, a closing by another name (the board's to mark). The downgrade drops
the column; up again works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from tests.migrations.governance_rows import columns_of, insert_planned_meeting, insert_rulebook

BEFORE = "b7e3a9c2d415"

#: (id, meeting, position, kind, title, held_as)
ITEMS = (
    (1, 1, 1, "procedural", "Stämmans öppnande", None),
    (2, 1, 2, "procedural", "Stämmans avslutande", None),  # the standard agenda's closing
    (3, 2, 1, "procedural", "Mötets avslutande", 1),  # taken up before the meeting closed
    (4, 2, 2, "procedural", " STYRELSEMÖTETS AVSLUTANDE ", 2),  # the last: marked, not the one before
    (5, 3, 1, "procedural", "Mötets avslutande", None),  # not last: an ordinary item, as before
    (6, 3, 2, "board_proposal", "Förslag om avslutande av hyresavtalet", None),  # last, but not procedural
    (7, 4, 1, "procedural", "Avslutning", None),  # another name: the rule never found it
)


def _insert_items(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        for meeting_id in (1, 2, 3, 4):
            insert_planned_meeting(connection, meeting_id)
        for item_id, meeting_id, position, kind, title, held_as in ITEMS:
            connection.execute(
                text(
                    "INSERT INTO agenda_items (id, meeting_id, position, kind, title, statute_change,"
                    " held_as) VALUES (:id, :meeting, :position, :kind, :title, false, :held_as)"
                ),
                {
                    "id": item_id,
                    "meeting": meeting_id,
                    "position": position,
                    "kind": kind,
                    "title": title,
                    "held_as": held_as,
                },
            )
    engine.dispose()


@pytest.mark.slow
def test_the_closings_the_title_rule_found_are_marked_and_the_downgrade_drops_the_column(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_items(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT id, is_closing FROM agenda_items ORDER BY id")).all()
        # A new item takes the column's default: not the closing.
        connection.execute(
            text(
                "INSERT INTO agenda_items (id, meeting_id, position, kind, title, statute_change)"
                " VALUES (8, 4, 2, 'procedural', 'Övrigt', false)"
            )
        )
        added = connection.execute(text("SELECT is_closing FROM agenda_items WHERE id = 8")).scalar_one()
    engine.dispose()
    assert {item_id for item_id, closing in rows if closing} == {2, 4}
    assert len(rows) == len(ITEMS)
    assert not added

    migrate.downgrade(url, BEFORE)
    assert "is_closing" not in columns_of(url, "agenda_items")
    migrate.upgrade(url)
    assert "is_closing" in columns_of(url, "agenda_items")

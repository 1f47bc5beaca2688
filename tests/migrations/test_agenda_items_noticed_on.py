"""The migration that records which notice listed an agenda item gives the items of a meeting already
noticed that notice's day, leaves the items of a meeting not yet noticed empty, and its downgrade drops it."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.governance.rules.rulebook import default_rulebook
from kooperativet.governance.schemas.rulebooks import RulebookFields

BEFORE = "a3c9e5f1b7d2"
NOW = "2026-11-01 12:00:00+00:00"
RULES = RulebookFields.from_rulebook(default_rulebook()).model_dump_json()


def _insert_meetings(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO rulebooks (id, valid_from, rules, source, created_at)"
                " VALUES (1, '2000-01-01', :r, 's', :n)"
            ),
            {"r": RULES, "n": NOW},
        )
        for meeting_id, noticed_on in ((1, "2026-11-20"), (2, None)):
            connection.execute(
                text(
                    "INSERT INTO meetings (id, kind, title, held_on, status, rulebook_id, noticed_on,"
                    " created_at, version) VALUES (:id, 'annual', 'Årsmöte', '2026-12-20', 'planned', 1,"
                    " :noticed_on, :n, 1)"
                ),
                {"id": meeting_id, "noticed_on": noticed_on, "n": NOW},
            )
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
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("agenda_items")}
    engine.dispose()
    assert "noticed_on" not in columns
    assert "statute_change" in columns

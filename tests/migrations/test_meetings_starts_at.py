"""The migration that gives meetings a time of day leaves the meetings already planned without one (nobody
recorded a time), takes one afterwards, and its downgrade drops it; up again works."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.governance.rules.rulebook import default_rulebook
from kooperativet.governance.schemas.rulebooks import RulebookFields

BEFORE = "b8e4d2a6c9f1"
NOW = "2026-11-01 12:00:00+00:00"
RULES = RulebookFields.from_rulebook(default_rulebook()).model_dump_json()


def _insert_meeting(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO rulebooks (id, valid_from, rules, source, created_at)"
                " VALUES (1, '2000-01-01', :r, 's', :n)"
            ),
            {"r": RULES, "n": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO meetings (id, kind, title, held_on, status, rulebook_id, created_at, version)"
                " VALUES (1, 'annual', 'Årsmöte', '2026-12-20', 'planned', 1, :n, 1)"
            ),
            {"n": NOW},
        )
    engine.dispose()


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("meetings")}
    engine.dispose()
    return columns


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
    assert "starts_at" not in _columns(url)
    assert "held_on" in _columns(url)

    migrate.upgrade(url)
    assert "starts_at" in _columns(url)

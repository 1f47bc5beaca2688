"""Rows a governance migration test writes before it upgrades: the rules a meeting or vote refers to, and a
meeting, written as plain SQL against the schema of the revision under test (the models may have moved on)."""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from kooperativet.db import make_engine
from kooperativet.governance.rules.rulebook import default_rulebook
from kooperativet.governance.schemas.rulebooks import RulebookFields

NOW = "2026-11-01 12:00:00+00:00"
RULES = RulebookFields.from_rulebook(default_rulebook()).model_dump_json()


def insert_rulebook(connection: Connection) -> None:
    """Rulebook 1, the default rules, valid since 2000."""
    connection.execute(
        text(
            "INSERT INTO rulebooks (id, valid_from, rules, source, created_at)"
            " VALUES (1, '2000-01-01', :r, 's', :n)"
        ),
        {"r": RULES, "n": NOW},
    )


def insert_planned_meeting(connection: Connection, meeting_id: int, *, noticed_on: str | None = None) -> None:
    """A planned annual meeting under rulebook 1, noticed on ``noticed_on`` or not yet."""
    connection.execute(
        text(
            "INSERT INTO meetings (id, kind, title, held_on, status, rulebook_id, noticed_on, created_at,"
            " version) VALUES (:id, 'annual', 'Årsmöte', '2026-12-20', 'planned', 1, :noticed_on, :n, 1)"
        ),
        {"id": meeting_id, "noticed_on": noticed_on, "n": NOW},
    )


def columns_of(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()

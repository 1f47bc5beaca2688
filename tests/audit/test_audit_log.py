"""The audit log: a hash chain that verify recomputes, and a database that refuses to change it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import append_event, export_log, head_hash, verify
from kooperativet.cli import app

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def three_events(session: Session) -> list[AuditEvent]:
    return [
        append_event(session, kind="vote_opened", payload={"vote_id": i}, now=NOW + timedelta(minutes=i))
        for i in range(3)
    ]


def test_each_entry_chains_onto_the_previous_head(session: Session) -> None:
    before = head_hash(session)
    events = three_events(session)
    assert events[0].previous_hash == before
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert head_hash(session) == events[-1].hash
    assert verify(session).ok


def disable_guards(session: Session) -> None:
    """What an attacker with DDL rights would do first (rolled back with the test)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_refuse_update"))
        session.execute(text("DROP TRIGGER audit_events_refuse_delete"))


def test_the_database_refuses_to_change_or_delete_an_entry(session: Session) -> None:
    event = three_events(session)[1]
    for statement in (
        "UPDATE audit_events SET kind = 'x' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement), {"id": event.id})


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_events SET payload = replace(payload, '1', '9') WHERE id = :id",
        "UPDATE audit_events SET hash = 'f' || substr(hash, 2) WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
    ids=["payload-changed", "hash-changed", "entry-deleted"],
)
def test_verify_names_the_first_broken_entry(session: Session, tamper: str) -> None:
    events = three_events(session)
    disable_guards(session)
    session.execute(text(tamper), {"id": events[1].id})
    session.expire_all()
    result = verify(session)
    expected = events[2].id if tamper.startswith("DELETE") else events[1].id
    assert result.first_broken is not None
    assert result.first_broken.id == expected


def test_the_cli_verifies_the_chain_and_fails_naming_the_broken_entry(tmp_path, monkeypatch) -> None:
    from kooperativet import migrate
    from kooperativet.db import make_engine, make_session_factory, transaction

    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    for session in transaction(make_session_factory(engine)):
        events = three_events(session)
    monkeypatch.setenv("KOOPERATIVET_DATABASE_URL", url)
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert events[-1].hash in intact.output
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_events_refuse_update"))
        connection.execute(
            text("UPDATE audit_events SET kind = 'forged' WHERE id = :id"), {"id": events[1].id}
        )
    engine.dispose()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"BROKEN at entry {events[1].id} (forged" in broken.output


def test_the_exported_log_recomputes_with_nothing_but_its_stated_rule(session: Session) -> None:
    three_events(session)
    document = export_log(session)
    previous = document["genesis_hash"]
    for entry in document["entries"]:
        content = {"kind": entry["kind"], "payload": entry["payload"], "recorded_at": entry["recorded_at"]}
        text_ = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert entry["previous_hash"] == previous
        assert hashlib.sha256(f"{previous}\n{text_}".encode()).hexdigest() == entry["hash"]
        previous = entry["hash"]
    assert document["head_hash"] == previous == head_hash(session)
    assert len(document["entries"]) == 3

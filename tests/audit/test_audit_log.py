"""The audit log: a keyed hash chain that verify recomputes and checks against its stored head and anchors,
and a database that refuses to change it."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kooperativet.audit.models import AuditEvent, AuditHead
from kooperativet.audit.service import (
    SEAL_KIND,
    Anchor,
    append_event,
    chain_head,
    entry_content,
    verify,
    write_log,
)
from kooperativet.cli import app
from kooperativet.core.hashchain import chain_hash
from kooperativet.db import AUDIT_KEY
from tests.conftest import TEST_AUDIT_KEY

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def three_events(session: Session) -> list[AuditEvent]:
    return [
        append_event(session, kind="vote_opened", payload={"vote_id": i}, now=NOW + timedelta(minutes=i))
        for i in range(3)
    ]


def test_each_entry_chains_onto_the_previous_head_and_the_head_counts_them(session: Session) -> None:
    before = chain_head(session)
    events = three_events(session)
    assert events[0].previous_hash == before.hash
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert chain_head(session).hash == events[-1].hash
    assert chain_head(session).entries == before.entries + 3
    assert verify(session).ok


def test_each_entry_is_an_hmac_with_the_audit_key(session: Session) -> None:
    event = three_events(session)[0]
    content = entry_content(kind=event.kind, payload={"vote_id": 0}, recorded_at=NOW)
    message = f"{event.previous_hash}\n{json.dumps(content, sort_keys=True, separators=(',', ':'))}".encode()
    assert event.hash == hmac.new(TEST_AUDIT_KEY, message, hashlib.sha256).hexdigest()


def disable_guards(session: Session) -> None:
    """What an attacker with DDL rights would do first (rolled back with the test)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_refuse_update"))
        session.execute(text("DROP TRIGGER audit_events_refuse_delete"))


def rewrite_from(session: Session, event: AuditEvent, *, key: bytes | None) -> None:
    """Change ``event``'s payload, recompute every later hash with ``key`` and move the stored head along:
    a consistent chain to anyone who does not know the real key."""
    disable_guards(session)
    session.execute(
        text("UPDATE audit_events SET payload = :p WHERE id = :id"), {"p": '{"forged":1}', "id": event.id}
    )
    session.expire_all()
    rows = list(session.scalars(select(AuditEvent).where(AuditEvent.id >= event.id).order_by(AuditEvent.id)))
    previous = session.scalars(
        select(AuditEvent.hash).where(AuditEvent.id < event.id).order_by(AuditEvent.id.desc())
    ).first()
    previous = previous or "0" * 64
    for row in rows:
        content = entry_content(kind=row.kind, payload=json.loads(row.payload), recorded_at=row.recorded_at)
        new = chain_hash(previous_hash=previous, payload=content, key=key)
        session.execute(
            text("UPDATE audit_events SET previous_hash = :previous, hash = :hash WHERE id = :id"),
            {"previous": previous, "hash": new, "id": row.id},
        )
        previous = new
    session.execute(text("UPDATE audit_head SET hash = :hash"), {"hash": previous})
    session.expire_all()


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


@pytest.mark.parametrize(
    "key", [None, b"a key the attacker guessed, 32 bytes"], ids=["plain-sha256", "guessed"]
)
def test_a_rewrite_with_every_later_hash_recomputed_without_the_key_is_detected(
    session: Session, key: bytes | None
) -> None:
    events = three_events(session)
    rewrite_from(session, events[1], key=key)
    result = verify(session)
    assert not result.ok
    assert result.first_broken is not None
    assert result.first_broken.id == events[1].id


def test_deleting_the_newest_entries_is_detected_against_the_stored_head(session: Session) -> None:
    events = three_events(session)
    disable_guards(session)
    session.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": events[1].id})
    session.expire_all()
    result = verify(session)
    assert not result.ok
    assert result.problem is not None
    assert f"the stored head is {chain_head(session)}" in result.problem
    assert "removed from the end" in result.problem


def test_a_wrong_key_fails_at_the_first_keyed_entry(session: Session) -> None:
    three_events(session)
    first = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
    session.info[AUDIT_KEY] = b"not the key the chain was written with"
    result = verify(session)
    assert result.first_broken is not None
    assert result.first_broken is first


def test_an_anchor_the_chain_passed_through_verifies_with_or_without_its_count(session: Session) -> None:
    three_events(session)
    earlier = chain_head(session)
    append_event(session, kind="vote_closed", payload={"vote_id": 0}, now=NOW + timedelta(hours=1))
    for anchor in (str(earlier), earlier.hash, str(chain_head(session))):
        result = verify(session, anchor=Anchor.parse(anchor))
        assert result.ok, result.problem


def test_a_foreign_anchor_or_a_wrong_count_fails(session: Session) -> None:
    three_events(session)
    head = chain_head(session)
    foreign = verify(session, anchor=Anchor.parse("ab" * 32))
    assert (
        foreign.problem
        == f"the anchor {'ab' * 32} is not a head this chain passed through: the chain was rewritten"
    )
    miscounted = verify(session, anchor=Anchor.parse(f"{head.entries + 1}:{head.hash}"))
    assert miscounted.problem is not None
    assert f"names entry {head.entries} of the chain" in miscounted.problem


def test_a_rewrite_with_the_key_itself_is_caught_by_an_anchor_printed_before(session: Session) -> None:
    events = three_events(session)
    anchor = Anchor.parse(str(chain_head(session)))
    rewrite_from(session, events[1], key=TEST_AUDIT_KEY)
    assert verify(session).ok  # someone with the key and write access can rewrite the database's copy...
    assert not verify(session, anchor=anchor).ok  # ...but not the head printed outside it


def test_a_malformed_anchor_is_refused() -> None:
    with pytest.raises(ValueError, match="HASH or N:HASH"):
        Anchor.parse("12:abc")


def plain_log(session: Session, count: int) -> None:
    """Entries as the log stored them before the chain was keyed: plain SHA-256, head not sealed."""
    head = session.get_one(AuditHead, 1)
    for i in range(count):
        recorded_at = NOW + timedelta(minutes=i)
        content = entry_content(kind="vote_opened", payload={"vote_id": i}, recorded_at=recorded_at)
        event = AuditEvent(
            kind="vote_opened",
            payload=json.dumps({"vote_id": i}),
            recorded_at=recorded_at,
            previous_hash=head.hash,
            hash=chain_hash(previous_hash=head.hash, payload=content, key=None),
        )
        session.add(event)
        session.flush()
        head.hash, head.entries, head.last_event_id = event.hash, head.entries + 1, event.id
    head.plain_entries = None
    session.flush()


def test_the_first_keyed_entry_seals_the_plain_entries_written_before_the_key(session: Session) -> None:
    if chain_head(session).entries:
        pytest.skip("the upgrade case needs an empty log")
    plain_log(session, 2)
    plain_head = chain_head(session)
    assert not verify(session).ok  # not sealed yet: indistinguishable from a chain rewritten as plain
    append_event(session, kind="vote_closed", payload={"vote_id": 0}, now=NOW + timedelta(hours=1))
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [e.kind for e in events] == ["vote_opened", "vote_opened", SEAL_KIND, "vote_closed"]
    assert json.loads(events[2].payload) == {"plain_entries": 2, "plain_head_hash": plain_head.hash}
    assert verify(session, anchor=Anchor.parse(str(plain_head))).ok
    rewrite_from(session, events[0], key=None)  # passing the keyed tail off as plain too
    assert verify(session).first_broken is not None


def exported(session: Session, **batch: int) -> dict[str, Any]:
    written = io.StringIO()
    count = write_log(session, written, **batch)
    document: dict[str, Any] = json.loads(written.getvalue())
    assert count == len(document["entries"])
    return document


def test_the_exported_log_recomputes_with_its_stated_rule_and_the_key(session: Session) -> None:
    three_events(session)
    document = exported(session)
    previous = document["genesis_hash"]
    for entry in document["entries"]:
        content = {"kind": entry["kind"], "payload": entry["payload"], "recorded_at": entry["recorded_at"]}
        text_ = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert entry["previous_hash"] == previous
        message = f"{previous}\n{text_}".encode()
        assert hmac.new(TEST_AUDIT_KEY, message, hashlib.sha256).hexdigest() == entry["hash"]
        previous = entry["hash"]
    assert document["plain_entries"] == 0
    assert document["head"] == {"entries": len(document["entries"]), "hash": previous}
    assert document["head_hash"] == previous == chain_head(session).hash


def whole_document(session: Session) -> str:
    """The export as it was written before it streamed: every entry read at once into one document."""
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    head = chain_head(session)
    document = {
        **{k: v for k, v in exported(session).items() if k not in {"entries"}},
        "entries": [
            {
                "id": event.id,
                "kind": event.kind,
                "payload": json.loads(event.payload),
                "recorded_at": event.recorded_at.astimezone(UTC).isoformat(),
                "previous_hash": event.previous_hash,
                "hash": event.hash,
            }
            for event in events
        ],
    }
    assert document["head"] == {"entries": head.entries, "hash": head.hash}
    return json.dumps(document, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("events", [0, 1, 3])
@pytest.mark.parametrize("batch", [1, 2, 5000])
def test_the_export_streams_the_same_document_whatever_the_batch(
    session: Session, events: int, batch: int
) -> None:
    """Written an entry at a time, in batches, the export is byte for byte the document ``json.dumps`` wrote
    of the whole log at once (the demo's file and its SHA-256 stay as they were); an empty log too."""
    for i in range(events):
        append_event(
            session,
            kind="vote_opened",
            # Text as people paste it: line and paragraph separators that json.dumps leaves unescaped.
            payload={"vote_id": i, "fråga": "Å\u2028rad två\u2029\x85slut\nny rad"},
            now=NOW + timedelta(minutes=i),
        )
    written = io.StringIO()
    assert write_log(session, written, batch_size=batch) == events
    assert written.getvalue() == whole_document(session)


@pytest.fixture
def cli_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A migrated SQLite file with three committed events, and the CLI's settings pointing at it."""
    from kooperativet import migrate
    from kooperativet.db import make_engine, make_session_factory, transaction

    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        three_events(session)
        head = chain_head(session)
    monkeypatch.setenv("KOOPERATIVET_DATABASE_URL", url)
    monkeypatch.setenv("KOOPERATIVET_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KOOPERATIVET_AUDIT_KEY", TEST_AUDIT_KEY.decode())
    yield engine, head
    engine.dispose()


def test_the_cli_verifies_the_chain_and_fails_naming_the_broken_entry(cli_log, monkeypatch) -> None:
    engine, head = cli_log
    runner = CliRunner()
    intact = runner.invoke(app, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert f"audit log intact: 3 entries, head {head.hash}" in intact.output
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_events_refuse_update"))
        connection.execute(text("UPDATE audit_events SET kind = 'forged' WHERE id = 2"))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at entry 2 (forged" in broken.output


def test_the_cli_verifies_against_an_anchor_and_refuses_a_foreign_one(cli_log) -> None:
    _engine, head = cli_log
    runner = CliRunner()
    anchored = runner.invoke(app, ["audit", "verify", "--anchor", str(head)])
    assert anchored.exit_code == 0, anchored.output
    assert f"anchor {head} found" in anchored.output
    foreign = runner.invoke(app, ["audit", "verify", "--anchor", "cd" * 32])
    assert foreign.exit_code == 1
    assert f"the anchor {'cd' * 32} is not a head this chain passed through" in foreign.output
    malformed = runner.invoke(app, ["audit", "verify", "--anchor", "not-a-hash"])
    assert malformed.exit_code == 2


def test_the_cli_fails_with_another_key(cli_log, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOOPERATIVET_AUDIT_KEY", "another key of thirty-two bytes or more")
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 1 (vote_opened" in result.output


def test_a_failed_cli_export_leaves_the_earlier_export_as_it_was(
    cli_log, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kooperativet.audit import service

    out = tmp_path / "log.json"
    out.write_text("the earlier export\n", encoding="utf-8")

    def half_then_fail(session: Session, file: Any, **_: object) -> int:
        file.write('{\n  "entries": [')
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(service, "write_log", half_then_fail)
        failed = CliRunner().invoke(app, ["audit", "export", "--out", str(out), "--force"])

    assert failed.exit_code == 1, failed.output
    assert out.read_text(encoding="utf-8") == "the earlier export\n"
    assert sorted(path.name for path in tmp_path.iterdir() if "log.json" in path.name) == ["log.json"]
    again = CliRunner().invoke(app, ["audit", "export", "--out", str(out), "--force"])
    assert again.exit_code == 0, again.output
    assert json.loads(out.read_text(encoding="utf-8"))["head"]["entries"] == 3

"""Verify reads the chain a batch at a time (docs/audit.md, "How to verify"): it finds what reading the whole
chain at once found — an intact chain, the first broken entry, a head that disagrees, an anchor passed
through or not — whatever the batch size, also when the entry that matters is the first or the last of a
batch, and it reads no batch larger than asked for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kooperativet.audit import service as audit_service
from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import (
    ANCHOR_ELSEWHERE,
    ANCHOR_NOT_IN_CHAIN,
    BROKEN_ENTRY,
    HEAD_MISMATCH,
    SEAL_KIND,
    Anchor,
    ChainHead,
    _audit_key,
    append_event,
    chain_head,
    entry_content,
    verify,
)
from kooperativet.core.hashchain import GENESIS_HASH, verify_chain
from tests.audit.test_audit_log import disable_guards, plain_log
from tests.statement_count import counted

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)

#: One entry a batch, a few, a batch that ends exactly where the six entries end, and the default.
BATCHES = [1, 2, 3, 4, None]


def six_events(session: Session) -> list[AuditEvent]:
    return [
        append_event(
            session, kind="vote_cast", payload={"vote_id": 1, "n": i}, now=NOW + timedelta(minutes=i)
        )
        for i in range(6)
    ]


def whole_chain(session: Session, anchor: Anchor | None = None) -> tuple[object, ...]:
    """What verify answered when it read every entry into a list at once: the reference it must still give."""
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    plain = next((index for index, e in enumerate(events) if e.kind == SEAL_KIND), 0)
    entries = [
        (entry_content(kind=e.kind, payload=json.loads(e.payload), recorded_at=e.recorded_at), e.hash)
        for e in events
    ]
    head = ChainHead(entries=len(events), hash=events[-1].hash if events else GENESIS_HASH)
    broken = verify_chain(entries=entries, key=_audit_key(session), plain_entries=plain)
    if broken is None and plain and json.loads(events[plain].payload).get("plain_entries") != plain:
        broken = plain
    if broken is not None:
        return (False, BROKEN_ENTRY, head, events[broken].id, None)
    if chain_head(session) != head:
        return (False, HEAD_MISMATCH, head, None, None)
    if anchor is None:
        return (True, None, head, None, None)
    index = next((i for i, e in enumerate(events) if e.hash == anchor.hash), None)
    if index is None and anchor.hash == GENESIS_HASH:
        index = -1
    if index is None:
        return (False, ANCHOR_NOT_IN_CHAIN, head, None, None)
    if anchor.entries is not None and anchor.entries != index + 1:
        return (False, ANCHOR_ELSEWHERE, head, None, None)
    return (True, None, head, None, events[index].id if index >= 0 else None)


def in_batches(session: Session, batch: int | None, anchor: Anchor | None = None) -> tuple[object, ...]:
    result = (
        verify(session, anchor=anchor) if batch is None else verify(session, anchor=anchor, batch_size=batch)
    )
    assert result.ok is (result.problem is None)
    return (
        result.ok,
        result.reason,
        result.head,
        None if result.first_broken is None else result.first_broken.id,
        None if result.anchored_at is None else result.anchored_at.id,
    )


def tamper(session: Session, statement: str, event_id: int) -> None:
    disable_guards(session)
    session.execute(text(statement), {"id": event_id})
    session.expire_all()


@pytest.mark.parametrize("batch", BATCHES)
def test_an_intact_chain_verifies_as_it_did_read_whole(session: Session, batch: int | None) -> None:
    six_events(session)
    assert in_batches(session, batch) == whole_chain(session)
    assert in_batches(session, batch)[:3] == (True, None, chain_head(session))


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize(
    "position", [0, 2, 3, 5], ids=["first", "end-of-a-batch", "start-of-a-batch", "last"]
)
def test_a_changed_entry_is_found_at_its_place_in_any_batch(
    session: Session, batch: int | None, position: int
) -> None:
    events = six_events(session)
    tamper(
        session,
        "UPDATE audit_events SET payload = replace(payload, '\"n\"', '\"m\"') WHERE id = :id",
        events[position].id,
    )
    found = in_batches(session, batch)
    assert found == whole_chain(session)
    assert found[:2] == (False, BROKEN_ENTRY)
    assert found[3] == events[position].id
    assert found[2] == ChainHead(entries=chain_head(session).entries, hash=events[-1].hash)  # the log's end


@pytest.mark.parametrize("batch", BATCHES)
def test_a_deleted_entry_breaks_the_next_one_and_a_shortened_log_its_head(
    session: Session, batch: int | None
) -> None:
    ids = [entry.id for entry in six_events(session)]
    tamper(session, "DELETE FROM audit_events WHERE id = :id", ids[3])
    found = in_batches(session, batch)
    assert found == whole_chain(session)
    assert found[3] == ids[4]
    session.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": ids[3]})  # guards are off
    session.expire_all()
    shortened = in_batches(session, batch)
    assert shortened == whole_chain(session)
    assert shortened[:2] == (False, HEAD_MISMATCH)


@pytest.mark.parametrize("batch", BATCHES)
def test_anchors_are_found_or_refused_as_before(session: Session, batch: int | None) -> None:
    events = six_events(session)
    before = len(list(session.scalars(select(AuditEvent.id).where(AuditEvent.id < events[0].id))))
    for index in (0, 2, 3, 5):  # on either side of the batches' boundaries
        for written in (f"{before + index + 1}:{events[index].hash}", events[index].hash):
            anchor = Anchor.parse(written)
            found = in_batches(session, batch, anchor)
            assert found == whole_chain(session, anchor)
            assert found[0] is True
            assert found[4] == events[index].id
    elsewhere = Anchor.parse(f"{before + 2}:{events[3].hash}")
    assert in_batches(session, batch, elsewhere) == whole_chain(session, elsewhere)
    assert in_batches(session, batch, elsewhere)[:2] == (False, ANCHOR_ELSEWHERE)
    foreign = Anchor.parse("ab" * 32)
    assert in_batches(session, batch, foreign) == whole_chain(session, foreign)
    assert in_batches(session, batch, foreign)[:2] == (False, ANCHOR_NOT_IN_CHAIN)
    genesis = Anchor.parse(GENESIS_HASH)
    assert (
        in_batches(session, batch, genesis)
        == whole_chain(session, genesis)
        == (True, None, chain_head(session), None, None)
    )


@pytest.mark.parametrize("batch", BATCHES)
def test_a_sealed_plain_prefix_verifies_as_before(session: Session, batch: int | None) -> None:
    if chain_head(session).entries:
        pytest.skip("the upgrade case needs an empty log")
    plain_log(session, 3)
    assert in_batches(session, batch) == whole_chain(session)  # not sealed: broken at the first entry
    assert in_batches(session, batch)[:2] == (False, BROKEN_ENTRY)
    six_events(session)  # the first of them seals the three plain ones
    assert in_batches(session, batch) == whole_chain(session) == (True, None, chain_head(session), None, None)
    seal = session.scalars(select(AuditEvent).where(AuditEvent.kind == SEAL_KIND)).one()
    tamper(session, "UPDATE audit_events SET kind = 'vote_cast' WHERE id = :id", seal.id)
    assert in_batches(session, batch) == whole_chain(session)  # an unsealed plain prefix again
    assert in_batches(session, batch)[:2] == (False, BROKEN_ENTRY)


@contextmanager
def reads_of_the_chain(session: Session) -> Iterator[list[str]]:
    """The statements that read the entries' hashed columns in log order, as sent to the database."""

    def reads_in_log_order(statement: str) -> bool:
        return "audit_events.recorded_at" in statement and "ORDER BY audit_events.id" in statement

    with counted(session.connection(), only=reads_in_log_order) as statements:
        yield statements.sql


@pytest.mark.parametrize("batch", [2, 3, 4])
def test_the_chain_is_read_in_batches_of_the_size_asked(session: Session, batch: int) -> None:
    six_events(session)
    entries = chain_head(session).entries
    with reads_of_the_chain(session) as statements:
        assert verify(session, batch_size=batch).ok
    # A full batch asks for the next one; the first batch that is not full ends the walk.
    assert len(statements) == entries // batch + 1
    assert all("LIMIT" in statement for statement in statements)
    assert sum("audit_events.id >" in statement for statement in statements) == entries // batch


def test_a_batch_holds_at_least_one_entry(session: Session) -> None:
    with pytest.raises(ValueError, match="at least one entry"):
        verify(session, batch_size=0)


def test_an_entry_appended_during_the_check_is_left_for_the_next(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL each batch reads the log as it is at that statement (read committed): an entry that
    another transaction appends, with its head, while the check walks is seen by the next batch. The check
    walks the log as it was when it read the head, so the entry is neither a mismatch nor counted."""
    six_events(session)
    before = chain_head(session)
    stored_rows = audit_service._stored_rows

    def rows_with_an_append_between(*args: object, **kwargs: object) -> Iterator[object]:
        rows = stored_rows(*args, **kwargs)  # type: ignore[arg-type]
        yield next(rows)
        append_event(session, kind="vote_cast", payload={"vote_id": 1, "n": 99}, now=NOW + timedelta(hours=1))
        yield from rows

    monkeypatch.setattr(audit_service, "_stored_rows", rows_with_an_append_between)
    checked = verify(session, batch_size=2)
    assert checked.ok, checked.problem
    assert checked.head == before
    assert chain_head(session).entries == before.entries + 1
    monkeypatch.undo()
    assert verify(session, batch_size=2).head == chain_head(session)  # the next check counts it

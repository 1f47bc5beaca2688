"""Appending to and verifying the hash-chained audit log. Services flush; the caller's transaction commits.

Appending is serialised: the head row is read with ``SELECT … FOR UPDATE`` on PostgreSQL (SQLite
transactions already begin with ``BEGIN IMMEDIATE``, one writer at a time), and the new entry and the new
head are written in that same transaction, so two appenders can never chain onto the same previous hash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent, AuditHead
from kooperativet.core.hashchain import GENESIS_HASH, canonical_json, chain_hash, verify_chain

HEAD_ID = 1


def entry_content(*, kind: str, payload: Mapping[str, object], recorded_at: datetime) -> dict[str, object]:
    """What an entry's hash covers: its kind, its payload and when it was recorded (UTC, ISO 8601)."""
    return {"kind": kind, "payload": dict(payload), "recorded_at": recorded_at.isoformat()}


def _locked_head(session: Session) -> AuditHead:
    head = session.scalar(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update())
    if head is None:  # the migration seeds it; a database built otherwise gets it on first use
        head = AuditHead(id=HEAD_ID, last_event_id=None, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def append_event(session: Session, *, kind: str, payload: Mapping[str, object], now: datetime) -> AuditEvent:
    """Append an event to the chain; ``payload`` must be JSON (no floats for money: use strings)."""
    head = _locked_head(session)
    now = now.astimezone(UTC)
    content = entry_content(kind=kind, payload=payload, recorded_at=now)
    event = AuditEvent(
        kind=kind,
        payload=canonical_json(content["payload"]),
        recorded_at=now,
        previous_hash=head.hash,
        hash=chain_hash(previous_hash=head.hash, payload=content),
    )
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.hash = event.hash
    session.flush()
    return event


def head_hash(session: Session) -> str:
    """The hash of the latest entry (GENESIS_HASH for an empty log): printed in minutes as an anchor."""
    latest = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return latest or GENESIS_HASH


def export_log(session: Session) -> dict[str, Any]:
    """The whole log as a document anyone can re-check without our code: each entry's hash is SHA-256 of
    ``previous_hash + "\n" + canonical JSON of {kind, payload, recorded_at}`` (keys sorted, no spaces)."""
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    return {
        "algorithm": 'sha256(previous_hash + "\n" + canonical_json({"kind", "payload", "recorded_at"}))',
        "canonical_json": "keys sorted, separators ',' and ':', UTF-8 as is",
        "genesis_hash": GENESIS_HASH,
        "head_hash": events[-1].hash if events else GENESIS_HASH,
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


@dataclass(frozen=True)
class Verification:
    """The result of recomputing the chain: ``first_broken`` is the id of the first wrong entry, if any."""

    entries: int
    head_hash: str
    first_broken: AuditEvent | None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify(session: Session) -> Verification:
    """Recompute every entry's hash from the stored rows, in log order, and name the first broken entry.

    A changed, reordered or deleted entry is found; entries removed from the end are caught by comparing
    ``head_hash`` with an anchor kept outside the database (the head hash printed in the minutes).
    """
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    entries = [
        (
            entry_content(kind=e.kind, payload=json.loads(e.payload), recorded_at=e.recorded_at),
            e.hash,
        )
        for e in events
    ]
    broken = verify_chain(entries=entries)
    return Verification(
        entries=len(events),
        head_hash=events[-1].hash if events else GENESIS_HASH,
        first_broken=None if broken is None else events[broken],
    )

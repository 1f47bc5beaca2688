"""What the audit API answers: entries of the log and the result of verifying the chain."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import Field

from kooperativet.api.types import ReadSchema
from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import ChainHead, Verification


class AuditEventRead(ReadSchema):
    """One entry as stored: ``id`` is its place in the chain, ``payload`` the JSON it was hashed with (ids and
    masked values only, docs/audit.md), ``hash`` the keyed MAC over ``previous_hash`` and its content."""

    id: int = Field(examples=[412])
    kind: str = Field(examples=["payment_recorded"])
    payload: dict[str, Any]
    recorded_at: datetime
    previous_hash: str = Field(examples=["3f2a" + "0" * 60])
    hash: str = Field(examples=["9c41" + "0" * 60])

    @classmethod
    def from_model(cls, event: AuditEvent) -> AuditEventRead:
        return cls(
            id=event.id,
            kind=event.kind,
            payload=json.loads(event.payload),
            recorded_at=event.recorded_at,
            previous_hash=event.previous_hash,
            hash=event.hash,
        )


class ChainHeadRead(ReadSchema):
    """A head: how many entries and the hash of the last one (``N:HASH`` in minutes and export batches)."""

    entries: int = Field(examples=[412])
    hash: str

    @classmethod
    def from_head(cls, head: ChainHead) -> ChainHeadRead:
        return cls(entries=head.entries, hash=head.hash)


class AuditEntryRef(ReadSchema):
    """Where in the chain: an entry's id, kind and moment."""

    id: int
    kind: str
    recorded_at: datetime


class VerificationRead(ReadSchema):
    """The chain recomputed with the server's audit key, as ``kooperativet audit verify`` does.

    ``intact`` is false when an entry's MAC is wrong (``first_broken`` names the first), when the stored head
    disagrees with the log's end, or when the chain never passed through the ``anchor`` given; ``reason`` is
    then one of ``broken_entry``, ``head_mismatch``, ``anchor_not_in_chain``, ``anchor_elsewhere`` and
    ``problem`` says it in English. ``head`` is recomputed from the entries, ``stored_head`` the head row."""

    intact: bool
    entries: int = Field(examples=[412])
    head: ChainHeadRead
    stored_head: ChainHeadRead
    reason: str | None = Field(default=None, examples=["broken_entry"])
    problem: str | None = None
    first_broken: AuditEntryRef | None = None
    anchor: str | None = Field(default=None, description="the anchor checked, as N:HASH or HASH")
    anchored_at: AuditEntryRef | None = Field(
        default=None, description="the entry whose hash is the anchor (null for the empty log's anchor)"
    )

    @classmethod
    def from_verification(cls, result: Verification, *, anchor: str | None) -> VerificationRead:
        assert result.stored is not None  # verify always says which stored head it compared with

        def ref(event: AuditEvent | None) -> AuditEntryRef | None:
            return None if event is None else AuditEntryRef.model_validate(event)

        return cls(
            intact=result.ok,
            entries=result.head.entries,
            head=ChainHeadRead.from_head(result.head),
            stored_head=ChainHeadRead.from_head(result.stored),
            reason=result.reason,
            problem=result.problem,
            first_broken=ref(result.first_broken),
            anchor=anchor,
            anchored_at=ref(result.anchored_at),
        )

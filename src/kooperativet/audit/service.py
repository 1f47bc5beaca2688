"""Appending to and verifying the keyed, hash-chained audit log (quality.md R6, R14; docs/audit.md).

Services flush; the caller's transaction commits. Appending is serialised: the head row is read with
``SELECT … FOR UPDATE`` on PostgreSQL (SQLite transactions already begin with ``BEGIN IMMEDIATE``, one writer
at a time), and the new entry and the new head are written in that same transaction, so two appenders can
never chain onto the same previous hash. The HMAC key travels in the session (``Session.info``, set by
:func:`kooperativet.db.make_session_factory`), so callers append with ``append_event(session, kind=…,
payload=…, now=…)`` and never see the key.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TextIO, TypeVarTuple

from sqlalchemy import Row, Select, func, insert, select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent, AuditHead
from kooperativet.core.hashchain import GENESIS_HASH, canonical_json, chain_hash, verify_chain
from kooperativet.db import AUDIT_KEY

HEAD_ID = 1

#: The first keyed entry of a chain that began before the key: it states the plain prefix it seals.
SEAL_KIND = "audit_chain_keyed"

#: Why a verification failed (``Verification.reason``): an entry's MAC, the stored head, or the anchor.
BROKEN_ENTRY = "broken_entry"
HEAD_MISMATCH = "head_mismatch"
ANCHOR_NOT_IN_CHAIN = "anchor_not_in_chain"
ANCHOR_ELSEWHERE = "anchor_elsewhere"

_ANCHOR = re.compile(r"(?:(?P<entries>\d+):)?(?P<hash>[0-9a-f]{64})")


@dataclass(frozen=True)
class ChainHead:
    """How many entries the chain has and the hash of the last one, written ``N:HASH``: printed in the
    minutes and in every export batch, so a copy outside the database can anchor a later verify."""

    entries: int
    hash: str

    def __str__(self) -> str:
        return f"{self.entries}:{self.hash}"


@dataclass(frozen=True)
class Anchor:
    """A head kept outside the database (``HASH`` or ``N:HASH``) that the chain must have passed through."""

    hash: str
    entries: int | None

    @classmethod
    def parse(cls, text: str) -> Anchor:
        match = _ANCHOR.fullmatch(text.strip().lower())
        if match is None:
            raise ValueError(f"an anchor is HASH or N:HASH with a 64-digit hex hash, not {text!r}")
        entries = match.group("entries")
        return cls(hash=match.group("hash"), entries=int(entries) if entries is not None else None)


def entry_content(*, kind: str, payload: Mapping[str, object], recorded_at: datetime) -> dict[str, object]:
    """What an entry's hash covers: its kind, its payload and when it was recorded (UTC, ISO 8601)."""
    return {"kind": kind, "payload": dict(payload), "recorded_at": recorded_at.isoformat()}


def _audit_key(session: Session) -> bytes:
    key = session.info.get(AUDIT_KEY)
    if not isinstance(key, bytes) or not key:
        raise RuntimeError("the session carries no audit key: make it with make_session_factory(audit_key=…)")
    return key


def _locked_head(session: Session) -> AuditHead:
    head = session.scalar(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update())
    if head is None:  # the migration seeds it; a database built otherwise gets it on first use
        head = AuditHead(id=HEAD_ID, last_event_id=None, hash=GENESIS_HASH, entries=0, plain_entries=0)
        session.add(head)
        session.flush()
    return head


def _entry(
    session: Session, previous_hash: str, *, kind: str, payload: Mapping[str, object], now: datetime
) -> dict[str, Any]:
    """The columns of the entry chained onto ``previous_hash``."""
    now = now.astimezone(UTC)
    content = entry_content(kind=kind, payload=payload, recorded_at=now)
    return {
        "kind": kind,
        "payload": canonical_json(content["payload"]),
        "recorded_at": now,
        "previous_hash": previous_hash,
        "hash": chain_hash(previous_hash=previous_hash, payload=content, key=_audit_key(session)),
    }


def _chain_onto(
    session: Session, head: AuditHead, *, kind: str, payload: Mapping[str, object], now: datetime
) -> AuditEvent:
    event = AuditEvent(**_entry(session, head.hash, kind=kind, payload=payload, now=now))
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.hash = event.hash
    head.entries += 1
    session.flush()
    return event


def seal_plain_entries(session: Session, *, now: datetime) -> AuditEvent | None:
    """Key a chain that began before the audit key: append an ``audit_chain_keyed`` entry, itself keyed,
    stating how many plain SHA-256 entries precede it and their head. Returns None if already keyed.

    From then on verify takes exactly that prefix as plain and every later entry as keyed, so nobody without
    the key can pass off a rewritten chain as "plain from before the key"."""
    head = _locked_head(session)
    if head.plain_entries is not None:
        return None
    head.plain_entries = head.entries
    return _chain_onto(
        session,
        head,
        kind=SEAL_KIND,
        payload={"plain_entries": head.entries, "plain_head_hash": head.hash},
        now=now,
    )


def append_event(session: Session, *, kind: str, payload: Mapping[str, object], now: datetime) -> AuditEvent:
    """Append an event to the chain, keyed with the session's audit key; ``payload`` must be JSON (no floats
    for money: use strings). A chain from before the key is sealed first (:func:`seal_plain_entries`)."""
    head = _locked_head(session)
    if head.plain_entries is None:
        seal_plain_entries(session, now=now)
    return _chain_onto(session, head, kind=kind, payload=payload, now=now)


def append_events(
    session: Session, *, kind: str, payloads: Sequence[Mapping[str, object]], now: datetime
) -> int:
    """Append one event of ``kind`` per payload, chained in their order, in a constant number of statements
    however many they are (one multi-row INSERT: each entry's hash is computed here from the one before, and
    the rows get their ids in that order); how many were appended. Otherwise as :func:`append_event`."""
    if not payloads:
        return 0
    head = _locked_head(session)
    if head.plain_entries is None:
        seal_plain_entries(session, now=now)
    entries = []
    previous_hash = head.hash
    for payload in payloads:
        entries.append(_entry(session, previous_hash, kind=kind, payload=payload, now=now))
        previous_hash = entries[-1]["hash"]
    session.execute(insert(AuditEvent), entries)
    head.last_event_id = session.scalar(select(AuditEvent.id).where(AuditEvent.hash == previous_hash))
    head.hash = previous_hash
    head.entries += len(entries)
    session.flush()
    return len(entries)


def chain_head(session: Session) -> ChainHead:
    """The stored head (entry count and latest hash; ``0:GENESIS_HASH`` for an empty log): printed in the
    minutes and in export batches as an anchor."""
    head = session.get(AuditHead, HEAD_ID)
    return ChainHead(entries=0, hash=GENESIS_HASH) if head is None else ChainHead(head.entries, head.hash)


def head_is_keyed_with_this_key(session: Session) -> bool:
    """Whether the log's latest entry was written with the session's audit key: its MAC recomputed from the
    stored row. True for an empty log and for one whose entries all predate the key (nothing to tell by).

    One entry, not the whole chain (``verify`` does that): enough to see at start-up that the configured key
    is not the one the log was written with, before a new entry chains onto it under the wrong key."""
    head = session.get(AuditHead, HEAD_ID)
    if head is None or head.last_event_id is None or head.plain_entries is None:
        return True
    if head.entries <= head.plain_entries:
        return True
    event = session.get(AuditEvent, head.last_event_id)
    if event is None:
        return False
    content = entry_content(kind=event.kind, payload=json.loads(event.payload), recorded_at=event.recorded_at)
    expected = chain_hash(previous_hash=event.previous_hash, payload=content, key=_audit_key(session))
    return hmac.compare_digest(expected, event.hash)


#: How many entries :func:`verify` and :func:`write_log` read at a time. The chain is read in id order a batch
#: at a time (keyset paging on the id), so a log of millions of entries is checked and exported in bounded
#: memory; a batch is one statement.
VERIFY_BATCH = 5000


def write_log(session: Session, out: TextIO, *, batch_size: int = VERIFY_BATCH) -> int:
    """Write the whole log to ``out`` as a JSON document an auditor holding the key can re-check without our
    code; how many entries it holds.

    The document is the one ``json.dumps(document, indent=2, ensure_ascii=False)`` writes, but it is written
    an entry at a time as the entries are read ``batch_size`` at a time (``_in_batches``), so that a log of
    millions of entries is exported in the memory of one batch. Its head and its entries are the log at one
    moment (``_head_and_last_id``): an entry appended while it is written is left for the next export."""
    head, last_id = _head_and_last_id(session)
    _seal, plain = _first_seal(session)
    opening = json.dumps(
        {
            "algorithm": 'hmac_sha256(audit_key, previous_hash + "\n" + canonical_json({"kind", "payload", '
            '"recorded_at"})); the first plain_entries entries, written before the chain was keyed: sha256 '
            "of the same text",
            "canonical_json": "keys sorted, separators ',' and ':', UTF-8 as is",
            "genesis_hash": GENESIS_HASH,
            "plain_entries": plain,
            "head": {"entries": head.entries, "hash": head.hash},
            "head_hash": head.hash,
        },
        indent=2,
        ensure_ascii=False,
    )
    out.write(opening.removesuffix("\n}") + ',\n  "entries": [')
    columns = select(
        AuditEvent.id,
        AuditEvent.kind,
        AuditEvent.payload,
        AuditEvent.recorded_at,
        AuditEvent.previous_hash,
        AuditEvent.hash,
    )
    written = 0
    for row in _in_batches(session, columns, batch_size, up_to=last_id):
        entry = {
            "id": row.id,
            "kind": row.kind,
            "payload": json.loads(row.payload),
            "recorded_at": row.recorded_at.astimezone(UTC).isoformat(),
            "previous_hash": row.previous_hash,
            "hash": row.hash,
        }
        # Each entry as an element of the list at depth two of the document: indented by four spaces. Only
        # at the line feeds json.dumps writes between members (never inside a string, where it escapes them):
        # textwrap would also split at U+2028, U+2029 and U+0085, which it leaves as they are in strings.
        out.write(",\n    " if written else "\n    ")
        out.write(json.dumps(entry, indent=2, ensure_ascii=False).replace("\n", "\n    "))
        written += 1
    out.write("\n  ]\n}" if written else "]\n}")
    return written


@dataclass(frozen=True)
class Verification:
    """The result of verifying the chain: ``head`` as recomputed from the rows; ``problem`` says what is
    wrong (None when intact), ``first_broken`` names the first wrong entry, ``anchored_at`` the anchor's.
    ``reason`` says which check failed as a stable code (``BROKEN_ENTRY``, ``HEAD_MISMATCH``,
    ``ANCHOR_NOT_IN_CHAIN``, ``ANCHOR_ELSEWHERE``), so that the API and the web page can say it their way."""

    head: ChainHead
    problem: str | None = None
    first_broken: AuditEvent | None = None
    anchored_at: AuditEvent | None = None
    reason: str | None = None
    #: The stored head the walk was compared with, read with the log's last entry (``_head_and_last_id``).
    stored: ChainHead | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, *, anchor: Anchor | None = None, batch_size: int = VERIFY_BATCH) -> Verification:
    """Recompute every entry's MAC from the stored rows with the session's audit key, then compare the
    result with the stored head and, if given, an anchor kept outside the database.

    A changed, reordered or deleted entry, a chain recomputed without the key and a wrong key break the
    chain; entries removed from the end disagree with the stored head; removing them and rewriting the head
    too, or rewriting the chain with the key, is caught by an anchor the chain no longer passes through.

    The rows stream past ``batch_size`` at a time and only what the answer needs is kept (how many, the last
    hash, where the anchor and the seal are), so memory does not grow with the log.
    """
    if batch_size < 1:
        raise ValueError(f"verify reads at least one entry at a time, not {batch_size}")
    stored, last_id = _head_and_last_id(session)
    result = _walk_and_compare(session, stored=stored, last_id=last_id, anchor=anchor, batch_size=batch_size)
    return replace(result, stored=stored)


def _walk_and_compare(
    session: Session, *, stored: ChainHead, last_id: int, anchor: Anchor | None, batch_size: int
) -> Verification:
    seal, plain = _first_seal(session)
    walk = _Walk(anchor_hash=None if anchor is None else anchor.hash)
    broken = verify_chain(
        entries=walk.entries(_stored_rows(session, batch_size, up_to=last_id)),
        key=_audit_key(session),
        plain_entries=plain,
    )
    broken_id = walk.last_id if broken is not None else None
    if (
        broken is None
        and seal is not None
        and plain
        and json.loads(seal.payload).get("plain_entries") != plain
    ):
        broken, broken_id = plain, seal.id  # a seal whose count is not where it stands
    if broken is not None:  # the walk stopped at the broken entry: the log's end is read from the table
        bad = session.get_one(AuditEvent, broken_id)
        return Verification(
            head=_log_end(session),
            problem=_broken_text(bad, broken, sealed=seal is not None),
            first_broken=bad,
            reason=BROKEN_ENTRY,
        )
    head = ChainHead(entries=walk.read, hash=walk.last_hash)
    if stored != head:
        return Verification(
            head=head,
            problem=f"the stored head is {stored} but the log ends at {head}: "
            "entries were removed from the end, or the log was written around its head",
            reason=HEAD_MISMATCH,
        )
    if anchor is None:
        return Verification(head=head)
    return _check_anchor(session, walk, head=head, anchor=anchor)


#: An entry's hashed columns as verify reads them: id, kind, payload, recorded_at, hash.
_StoredRow = Row[int, str, str, datetime, str]


@dataclass
class _Walk:
    """What verify notes of the rows as they stream past into :func:`verify_chain`: how many were read, the
    last one's id and hash, and where the anchor's hash was met (its position and id)."""

    anchor_hash: str | None
    read: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS_HASH
    anchor_index: int | None = None
    anchor_id: int | None = None

    def entries(self, rows: Iterable[_StoredRow]) -> Iterator[tuple[dict[str, object], str]]:
        for row in rows:
            if row.hash == self.anchor_hash and self.anchor_index is None:
                self.anchor_index, self.anchor_id = self.read, row.id
            self.read += 1
            self.last_id, self.last_hash = row.id, row.hash
            content = entry_content(
                kind=row.kind, payload=json.loads(row.payload), recorded_at=row.recorded_at
            )
            yield content, row.hash


def _first_seal(session: Session) -> tuple[Row[int, str] | None, int]:
    """The first seal (its id and payload) and how many entries come before it: the plain prefix it declares
    (0 for a chain keyed from its start)."""
    seal = session.execute(
        select(AuditEvent.id, AuditEvent.payload)
        .where(AuditEvent.kind == SEAL_KIND)
        .order_by(AuditEvent.id)
        .limit(1)
    ).first()
    if seal is None:
        return None, 0
    return seal, session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.id < seal.id)) or 0


def _head_and_last_id(session: Session) -> tuple[ChainHead, int]:
    """The stored head and the id of the log's last entry, read by one statement, so at one moment of the
    log whatever the isolation level: the batches below read each at a moment of their own (PostgreSQL's
    read committed), and an entry appended meanwhile, with its head, would otherwise be counted in the
    walk but not in the head read before it (or the other way round) and look like a log written around
    its head. The walk stops at this id: what is appended after it is for the next check."""
    last_id = select(func.coalesce(func.max(AuditEvent.id), 0)).scalar_subquery()
    row = session.execute(
        select(AuditHead.entries, AuditHead.hash, last_id).where(AuditHead.id == HEAD_ID)
    ).first()
    if row is None:  # no head yet: an empty log, or entries written around a head never stored
        return ChainHead(entries=0, hash=GENESIS_HASH), session.scalar(select(last_id)) or 0
    return ChainHead(row[0], row[1]), row[2]


Columns = TypeVarTuple("Columns")


def _stored_rows(session: Session, batch_size: int, *, up_to: int) -> Iterator[_StoredRow]:
    """The entries' hashed columns in log order up to the id ``up_to`` (``_in_batches``)."""
    columns = select(
        AuditEvent.id, AuditEvent.kind, AuditEvent.payload, AuditEvent.recorded_at, AuditEvent.hash
    )
    return _in_batches(session, columns, batch_size, up_to=up_to)


def _in_batches(
    session: Session, columns: Select[*Columns], batch_size: int, *, up_to: int
) -> Iterator[Row[*Columns]]:
    """``columns`` of the entries in log order up to the id ``up_to``, one statement per ``batch_size`` rows
    (keyset paging on the id: each batch starts after the last id of the one before, so no batch rereads or
    skips a row); ``columns`` must hold the id."""
    columns = columns.where(AuditEvent.id <= up_to)
    after: int | None = None
    while True:
        query = columns if after is None else columns.where(AuditEvent.id > after)
        rows = session.execute(query.order_by(AuditEvent.id).limit(batch_size)).all()
        yield from rows
        if len(rows) < batch_size:
            return
        after = rows[-1].id


def _log_end(session: Session) -> ChainHead:
    """How many entries the table holds and the hash of the last one, read from the table (not the head)."""
    entries = session.scalar(select(func.count(AuditEvent.id))) or 0
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return ChainHead(entries=entries, hash=last or GENESIS_HASH)


def _broken_text(event: AuditEvent, index: int, *, sealed: bool) -> str:
    text = (
        f"BROKEN at entry {event.id} ({event.kind}, recorded {event.recorded_at.isoformat()}): "
        "its stored hash does not match its content, the previous entry and the audit key "
        "(changed or removed entries, a chain recomputed without the key, "
        "or a key other than the one it was written with)"
    )
    if index == 0 and not sealed:
        text += (
            "; if this log was written before the chain was keyed and nothing was appended since the "
            "upgrade, seal it with `kooperativet audit seal` after checking its head against the last "
            "printed minutes"
        )
    return text


def _check_anchor(session: Session, walk: _Walk, *, head: ChainHead, anchor: Anchor) -> Verification:
    index = walk.anchor_index
    if index is None and anchor.hash == GENESIS_HASH:
        index = -1
    if index is None:
        problem = f"the anchor {anchor.hash} is not a head this chain passed through: the chain was rewritten"
        return Verification(head=head, problem=problem, reason=ANCHOR_NOT_IN_CHAIN)
    if anchor.entries is not None and anchor.entries != index + 1:
        problem = (
            f"the anchor {anchor.entries}:{anchor.hash} names entry {index + 1} of the chain, not entry "
            f"{anchor.entries}: entries before it were removed or added"
        )
        return Verification(head=head, problem=problem, reason=ANCHOR_ELSEWHERE)
    anchored_at = session.get_one(AuditEvent, walk.anchor_id) if index >= 0 else None
    return Verification(head=head, anchored_at=anchored_at)

"""The hash chain of an append-only event log (governance events now, money events later).

Pure: each entry stores SHA-256 over the previous entry's hash and its own canonical JSON payload, so a
changed, reordered or deleted entry breaks the chain from that entry on (quality.md R6).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

#: The "previous hash" of the first entry of a chain.
GENESIS_HASH = "0" * 64


def canonical_json(value: object) -> str:
    """One text per value (keys sorted, no whitespace, UTF-8 kept, NaN refused), for reproducible hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(*, previous_hash: str, payload: Mapping[str, object]) -> str:
    """The hash of a log entry: SHA-256 over the previous entry's hash and the entry's canonical JSON."""
    return hashlib.sha256(f"{previous_hash}\n{canonical_json(payload)}".encode()).hexdigest()


def verify_chain(
    *, entries: Sequence[tuple[Mapping[str, object], str]], anchor: str | None = None
) -> int | None:
    """Recompute the chain; return the index of the first entry whose stored hash is wrong, or None.

    ``entries`` are (payload, stored hash) in log order, starting from :data:`GENESIS_HASH`. A changed
    payload or hash, a reordering and a deleted entry all break the chain at the first affected entry.
    Dropping entries from the end leaves a valid shorter chain; ``anchor`` (a hash kept outside the database,
    e.g. printed in the minutes) catches that: if no entry carries it, ``len(entries)`` is returned.
    """
    previous = GENESIS_HASH
    for index, (payload, stored) in enumerate(entries):
        if chain_hash(previous_hash=previous, payload=payload) != stored:
            return index
        previous = stored
    if anchor is not None and all(stored != anchor for _, stored in entries):
        return len(entries)
    return None

"""The hash chain of an append-only event log (governance and money events).

Pure: each entry stores a MAC over the previous entry's hash and its own canonical JSON payload, so a
changed, reordered or deleted entry breaks the chain from that entry on (quality.md R6). The MAC is
HMAC-SHA256 with a key kept outside the database, so write access to the database alone is not enough to
recompute a consistent chain after a change (R14). Entries written before the chain was keyed are plain
SHA-256; they form a prefix of the chain that the first keyed entry seals (``plain_entries``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping

#: The "previous hash" of the first entry of a chain.
GENESIS_HASH = "0" * 64


def canonical_json(value: object) -> str:
    """One text per value (keys sorted, no whitespace, UTF-8 kept, NaN refused), for reproducible hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chain_hash(*, previous_hash: str, payload: Mapping[str, object], key: bytes | None) -> str:
    """The hash of a log entry over ``previous_hash + "\\n" + canonical JSON``: HMAC-SHA256 with ``key``, or
    plain SHA-256 for an entry written before the chain was keyed (``key`` None)."""
    message = f"{previous_hash}\n{canonical_json(payload)}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify_chain(
    *, entries: Iterable[tuple[Mapping[str, object], str]], key: bytes, plain_entries: int = 0
) -> int | None:
    """Recompute the chain; return the index of the first entry whose stored hash is wrong, or None.

    ``entries`` are (payload, stored hash) in log order, starting from :data:`GENESIS_HASH` (any iterable: it
    is read once, in order, and no further than the first wrong entry); the first
    ``plain_entries`` are plain SHA-256, the rest HMAC-SHA256 with ``key``. A changed payload or hash, a
    reordering, a deleted entry, a wrong key and a chain recomputed without the key all break the chain at
    the first affected entry. Dropping entries from the end leaves a valid shorter chain: the stored head
    and anchors kept outside the database catch that.
    """
    previous = GENESIS_HASH
    for index, (payload, stored) in enumerate(entries):
        entry_key = None if index < plain_entries else key
        if not hmac.compare_digest(
            chain_hash(previous_hash=previous, payload=payload, key=entry_key), stored
        ):
            return index
        previous = stored
    return None

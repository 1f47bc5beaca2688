"""Secret-ballot receipts, the ballot commitment and the hash chain of the governance log.

Pure helpers on the standard library (hmac, hashlib, secrets). ``shared/domain/governance.md``:

- each voter gets a secret only they receive; the receipt is HMAC-SHA256(secret, ballot). At close the
  shuffled ballots are published with their receipts, so each voter finds theirs and anyone can recount;
- the minutes print the ballot commitment, SHA-256 over the published ballots;
- governance events go into an append-only log where each entry hashes the previous one.

Limits, stated openly: a receipt lets its voter prove how they voted (to anyone they show the secret); the
operator could still add ballots for members who did not vote, which the roll-count check only partly guards.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

#: The "previous hash" of the first entry of a chain.
GENESIS_HASH = "0" * 64

#: Bytes of a voter secret: 256 bits, the HMAC-SHA256 key size.
VOTER_SECRET_BYTES = 32


def canonical_json(value: object) -> str:
    """One text per value (keys sorted, no whitespace, UTF-8 kept, NaN refused), for reproducible hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def new_voter_secret() -> bytes:
    """A fresh secret for one voter in one secret ballot; it is given to the voter and never stored."""
    return secrets.token_bytes(VOTER_SECRET_BYTES)


def canonical_ballot(*, vote_id: str, selection: Collection[str]) -> str:
    """The ballot text that is stored, published, counted and signed by the receipt.

    ``selection`` is the choice of a yes/no ballot (``["yes"]``) or the candidates of an election ballot;
    order does not matter ("vote for up to N" is not ranked), so it is sorted. The vote id binds the receipt
    to this vote, so a receipt cannot be replayed in another.
    """
    return canonical_json({"selection": sorted(selection), "vote": vote_id})


def receipt_for(*, voter_secret: bytes, ballot_content: str) -> str:
    """The voter's receipt: HMAC-SHA256 of the ballot content keyed with the voter's secret, as hex."""
    return hmac.new(voter_secret, ballot_content.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PublishedBallot:
    """A ballot as published at close: its content and its receipt, nothing that points to the voter."""

    content: str
    receipt: str


def find_own_ballot(*, voter_secret: bytes, published: Sequence[PublishedBallot]) -> PublishedBallot | None:
    """The published ballot whose receipt the voter's secret reproduces, or None if it is missing."""
    for ballot in published:
        expected = receipt_for(voter_secret=voter_secret, ballot_content=ballot.content)
        if hmac.compare_digest(expected, ballot.receipt):
            return ballot
    return None


def shuffle_ballots(*, ballots: Sequence[T], seed: int) -> list[T]:
    """The ballots in a random order, so the published order says nothing about the order of casting.

    Draw ``seed`` with ``secrets`` and do not keep it: with the seed and the stored order the shuffle could
    be undone. (Unlike a lot, nobody needs to re-run a shuffle: the commitment does not depend on the order.)
    """
    shuffled = list(ballots)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 - the seed comes from secrets
    return shuffled


def ballot_commitment(*, published: Sequence[PublishedBallot]) -> str:
    """SHA-256 (hex) over the published ballots, printed in the minutes.

    Computed over the ballots sorted by receipt and content, so anyone holding the published list gets the
    same value whatever order they keep it in; changing, adding or removing a ballot changes it.
    """
    rows = sorted([ballot.receipt, ballot.content] for ballot in published)
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()


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

"""Secret-ballot receipts and the ballot commitment.

Pure helpers on the standard library (hmac, hashlib, secrets). ``docs/governance.md``:

- each voter gets a secret only they receive; the receipt is HMAC-SHA256(secret, ballot). At close the
  shuffled ballots are published with their receipts, so each voter finds theirs and anyone can recount;
- the minutes print the ballot commitment, SHA-256 over the published ballots.

The hash chain of the governance log lives in :mod:`kooperativet.core.hashchain`.

Limits, stated openly: a receipt lets its voter prove how they voted (to anyone they show the secret); the
operator could still add ballots for members who did not vote, which the roll-count check only partly guards.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TypeVar

from kooperativet.core.hashchain import canonical_json

T = TypeVar("T")

#: Bytes of a voter secret: 256 bits, the HMAC-SHA256 key size.
VOTER_SECRET_BYTES = 32


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

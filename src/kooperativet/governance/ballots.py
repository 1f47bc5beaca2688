"""Secret-ballot receipts and the ballot commitment.

Pure helpers on the standard library (hmac, hashlib, secrets). ``docs/governance.md``:

- a ballot is stored only as ciphertexts (``governance.ballot_encryption``); the voter's receipt is the
  SHA-256 of that canonical ballot. At close the ballots are published with their receipts, so each voter
  finds theirs and anyone can recount the homomorphic sums;
- the minutes print the ballot commitment, SHA-256 over the published ballots.

The hash chain of the governance log lives in :mod:`kooperativet.core.hashchain`.

Limits, stated openly: the operator could still add ballots for members who did not vote, which the
roll-count check only partly guards. A receipt proves nothing about the choice (the voter never learns the
encryption randomness), so it cannot be sold.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from kooperativet.core.hashchain import canonical_json

T = TypeVar("T")


def canonical_ballot(*, vote_id: str, ciphertexts: Sequence[int]) -> str:
    """The ballot text that is stored, published, summed and hashed into the receipt.

    ``ciphertexts`` are the ballot's Paillier ciphertexts, one per option in the vote's option order, as
    decimal strings (exact in any JSON reader). The vote id binds the ballot to this vote.
    """
    return canonical_json({"ciphertexts": [str(c) for c in ciphertexts], "vote": vote_id})


def ciphertexts_of(ballot_content: str) -> list[int]:
    """The ciphertexts of a canonical ballot, in option order."""
    return [int(c) for c in json.loads(ballot_content)["ciphertexts"]]


def receipt_for(*, ballot_content: str) -> str:
    """The voter's receipt: SHA-256 (hex) of the canonical encrypted ballot."""
    return hashlib.sha256(ballot_content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PublishedBallot:
    """A ballot as published at close: its content and its receipt, nothing that points to the voter."""

    content: str
    receipt: str


def find_own_ballot(*, receipt: str, published: Sequence[PublishedBallot]) -> PublishedBallot | None:
    """The published ballot with the voter's receipt whose content still hashes to it, or None."""
    for ballot in published:
        if ballot.receipt == receipt and receipt_for(ballot_content=ballot.content) == receipt:
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

"""A closed secret ballot in the open: the encrypted ballots, the commitment and the decrypted sums as
published, and the recount anyone can make from them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kooperativet.errors import Conflict
from kooperativet.governance import ballot_encryption as encryption
from kooperativet.governance import ballots as ballot_rules
from kooperativet.governance.models import Vote, VoteMethod, VoteStatus
from kooperativet.governance.schemas.verification import (
    DecryptedSumRead,
    PublishedBallotRead,
    PublishedBallots,
    RecountRead,
)
from kooperativet.governance.votes import (
    SECRET_METHODS,
    candidates_of,
    encrypted_ballots,
    published_ballots,
    voted_count,
)


def published_decryption(vote: Vote) -> dict[str, Any] | None:
    """The tally's decryption published at close (public key and per-option sums), None before close."""
    if vote.result is None:
        return None
    decryption: dict[str, Any] | None = vote.result.get("decryption")
    return decryption


def publication(session: Session, *, vote: Vote) -> PublishedBallots:
    """After close: every encrypted ballot with its receipt (no names), the roll count, the commitment, the
    public key and each option's decrypted sum with its randomness, so that anyone can recount."""
    if vote.method not in SECRET_METHODS:
        raise Conflict(f"vote {vote.id} is not a secret ballot", code="not_a_secret_ballot")
    if vote.status != VoteStatus.closed or vote.ballot_commitment is None:
        raise Conflict("ballots are published when the vote closes", code="vote_open")
    decryption = published_decryption(vote)
    return PublishedBallots(
        vote_id=vote.id,
        commitment=vote.ballot_commitment,
        roll_count=voted_count(session, vote=vote),
        public_key=decryption["public_key"] if decryption else None,
        tally=[DecryptedSumRead.model_validate(s) for s in decryption["sums"]] if decryption else [],
        ballots=[PublishedBallotRead.model_validate(b) for b in published_ballots(session, vote=vote)],
    )


def _stated_counts(vote: Vote, result: dict[str, Any]) -> list[int]:
    """The per-option counts the result states, in ciphertext order."""
    if vote.method == VoteMethod.election:
        return [*(int(result["counts"][c]) for c in candidates_of(vote) or []), int(result["blank"])]
    return [int(result["yes"]), int(result["no"]), int(result["abstentions"])]


def recount(session: Session, *, vote: Vote) -> RecountRead:
    """Recount a closed secret ballot from the stored ciphertexts, as anyone can from the published list.

    Recomputes the commitment and each option's homomorphic sum, checks each published decryption by
    re-encrypting (count, r), and checks that the result states the decrypted counts.
    """
    decryption = published_decryption(vote)
    if vote.method not in SECRET_METHODS:
        raise Conflict(f"vote {vote.id} is not a secret ballot", code="not_a_secret_ballot")
    if vote.status != VoteStatus.closed or vote.result is None:
        raise Conflict("a secret ballot is recounted once it has closed", code="vote_open")
    if decryption is None:
        raise Conflict(f"vote {vote.id} was closed before ballots were encrypted", code="not_encrypted")
    public_n, stated = int(decryption["public_key"]), decryption["sums"]
    published = published_ballots(session, vote=vote)
    try:
        sums = encryption.homomorphic_sums(
            public_n=public_n, ballots=encrypted_ballots(session, vote=vote), options=len(stated)
        )
    except (ValueError, KeyError):
        sums = []
    verified = all(
        encryption.verify_decryption(
            public_n=public_n,
            ciphertext=int(s["ciphertext"]),
            decryption=encryption.Decryption(count=int(s["count"]), randomness=int(s["randomness"])),
        )
        for s in stated
    )
    checks = {
        "commitment_matches": ballot_rules.ballot_commitment(published=published) == vote.ballot_commitment,
        "sums_match": [str(c) for c in sums] == [s["ciphertext"] for s in stated],
        "decryptions_verify": verified,
        "counts_match": [int(s["count"]) for s in stated] == _stated_counts(vote, vote.result),
    }
    return RecountRead(vote_id=vote.id, ok=all(checks.values()), **checks)

"""A closed secret ballot's publication (ballots, commitment, decrypted sums) and its recount."""

from __future__ import annotations

from pydantic import Field

from kooperativet.api.types import ReadSchema, Schema


class PublishedBallotRead(ReadSchema):
    content: str
    receipt: str


class DecryptedSumRead(ReadSchema):
    """One option's tally: the product of its ciphertexts, the count and the randomness r it decrypts to."""

    option: str | None = Field(description="yes, no, abstain or a candidate; null: blank election ballots")
    ciphertext: str
    count: int
    randomness: str


class PublishedBallots(Schema):
    vote_id: int
    commitment: str
    roll_count: int
    public_key: str | None = Field(description="the Paillier modulus n (g = n + 1); null for legacy votes")
    tally: list[DecryptedSumRead] = Field(
        description="check: (1 + n)^count · randomness^n mod n² is the product of the option's ciphertexts"
    )
    ballots: list[PublishedBallotRead]


class RecountRead(ReadSchema):
    """A recount from the stored ciphertexts, checked against what was published at close."""

    vote_id: int
    commitment_matches: bool
    sums_match: bool
    decryptions_verify: bool
    counts_match: bool
    ok: bool

"""Secret-ballot receipts and the ballot commitment."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from kooperativet.governance.ballots import (
    PublishedBallot,
    ballot_commitment,
    canonical_ballot,
    ciphertexts_of,
    find_own_ballot,
    receipt_for,
    shuffle_ballots,
)

Entry = tuple[Mapping[str, object], str]


# --- receipts -----------------------------------------------------------------------------------------------


def test_receipt_is_the_sha256_hex_of_the_encrypted_ballot() -> None:
    # FIPS 180-2 example: SHA-256("abc")
    receipt = receipt_for(ballot_content="abc")
    assert receipt == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_canonical_ballot_lists_the_ciphertexts_as_decimal_strings_in_option_order() -> None:
    content = canonical_ballot(vote_id="v1", ciphertexts=[123, 2**70, 5])
    assert content == '{"ciphertexts":["123","1180591620717411303424","5"],"vote":"v1"}'
    assert ciphertexts_of(content) == [123, 2**70, 5]


def test_receipt_differs_per_ciphertext_and_per_vote() -> None:
    receipts = {
        receipt_for(ballot_content=canonical_ballot(vote_id=vote, ciphertexts=ciphertexts))
        for vote in ("vote-1", "vote-2")
        for ciphertexts in ([11, 12], [11, 13])
    }
    assert len(receipts) == 4


# --- publishing ---------------------------------------------------------------------------------------------


def publish(ciphertexts: list[list[int]], *, seed: int = 42) -> list[PublishedBallot]:
    cast = []
    for ballot in ciphertexts:
        content = canonical_ballot(vote_id="vote-1", ciphertexts=ballot)
        cast.append(PublishedBallot(content=content, receipt=receipt_for(ballot_content=content)))
    return shuffle_ballots(ballots=cast, seed=seed)


BALLOTS = [[1000 + i, 2000 + i, 3000 + i] for i in range(8)]


def test_each_voter_finds_their_own_ballot_among_the_shuffled_ones() -> None:
    published = publish(BALLOTS)
    for ballot in BALLOTS:
        content = canonical_ballot(vote_id="vote-1", ciphertexts=ballot)
        own = find_own_ballot(receipt=receipt_for(ballot_content=content), published=published)
        assert own is not None
        assert own.content == content
    assert find_own_ballot(receipt="f" * 64, published=published) is None


def test_a_dropped_or_altered_ballot_is_missed_by_its_voter() -> None:
    published = publish(BALLOTS)
    receipt = receipt_for(ballot_content=canonical_ballot(vote_id="vote-1", ciphertexts=BALLOTS[0]))
    own = find_own_ballot(receipt=receipt, published=published)
    remaining = [ballot for ballot in published if ballot != own]
    assert find_own_ballot(receipt=receipt, published=remaining) is None
    altered = [
        *remaining,
        PublishedBallot(content=canonical_ballot(vote_id="vote-1", ciphertexts=[1]), receipt=receipt),
    ]
    assert find_own_ballot(receipt=receipt, published=altered) is None


def test_shuffle_is_a_reproducible_permutation() -> None:
    items = list(range(50))
    shuffled = shuffle_ballots(ballots=items, seed=7)
    assert sorted(shuffled) == items
    assert shuffled != items
    assert shuffle_ballots(ballots=items, seed=7) == shuffled
    assert shuffle_ballots(ballots=items, seed=8) != shuffled
    assert items == list(range(50))


# --- commitment ---------------------------------------------------------------------------------------------


def change_content(ballots: list[PublishedBallot]) -> list[PublishedBallot]:
    first = ballots[0]
    return [
        PublishedBallot(content=first.content.replace('"1', '"9', 1), receipt=first.receipt),
        *ballots[1:],
    ]


def change_receipt(ballots: list[PublishedBallot]) -> list[PublishedBallot]:
    first = ballots[0]
    return [PublishedBallot(content=first.content, receipt="0" * 64), *ballots[1:]]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(change_content, id="ballot-content-changed"),
        pytest.param(change_receipt, id="receipt-changed"),
        pytest.param(lambda ballots: ballots[1:], id="ballot-removed"),
        pytest.param(lambda ballots: [*ballots, ballots[0]], id="ballot-added"),
    ],
)
def test_commitment_changes_when_a_ballot_changes(
    tamper: Callable[[list[PublishedBallot]], list[PublishedBallot]],
) -> None:
    published = publish(BALLOTS)
    assert ballot_commitment(published=tamper(published)) != ballot_commitment(published=published)


def test_commitment_is_sha256_hex_and_ignores_the_published_order() -> None:
    commitment = ballot_commitment(published=publish(BALLOTS, seed=1))
    assert len(commitment) == 64
    assert int(commitment, 16) >= 0
    assert ballot_commitment(published=publish(BALLOTS, seed=2)) == commitment

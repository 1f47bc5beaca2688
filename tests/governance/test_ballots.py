"""Secret-ballot receipts and the ballot commitment."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from kooperativet.governance.ballots import (
    PublishedBallot,
    ballot_commitment,
    canonical_ballot,
    find_own_ballot,
    new_voter_secret,
    receipt_for,
    shuffle_ballots,
)

Entry = tuple[Mapping[str, object], str]


# --- receipts -----------------------------------------------------------------------------------------------


def test_receipt_is_hmac_sha256_hex() -> None:
    # RFC 4231 test case 2
    receipt = receipt_for(voter_secret=b"Jefe", ballot_content="what do ya want for nothing?")
    assert receipt == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_receipt_is_stable_and_differs_per_secret() -> None:
    ballot = canonical_ballot(vote_id="vote-1", selection=["yes"])
    first, second = b"\x01" * 32, b"\x02" * 32
    assert receipt_for(voter_secret=first, ballot_content=ballot) == receipt_for(
        voter_secret=first, ballot_content=ballot
    )
    assert receipt_for(voter_secret=first, ballot_content=ballot) != receipt_for(
        voter_secret=second, ballot_content=ballot
    )


def test_receipt_differs_per_ballot_and_per_vote() -> None:
    secret = b"\x01" * 32
    receipts = {
        receipt_for(voter_secret=secret, ballot_content=canonical_ballot(vote_id=vote, selection=[choice]))
        for vote in ("vote-1", "vote-2")
        for choice in ("yes", "no")
    }
    assert len(receipts) == 4


def test_voter_secrets_are_fresh_256_bit_keys() -> None:
    assert len(new_voter_secret()) == 32
    assert new_voter_secret() != new_voter_secret()


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        pytest.param(["yes"], '{"selection":["yes"],"vote":"v1"}', id="yes-no-ballot"),
        pytest.param(["Örjan", "Adam"], '{"selection":["Adam","Örjan"],"vote":"v1"}', id="election-sorted"),
        pytest.param([], '{"selection":[],"vote":"v1"}', id="blank"),
    ],
)
def test_canonical_ballot_is_sorted_json(selection: list[str], expected: str) -> None:
    assert canonical_ballot(vote_id="v1", selection=selection) == expected
    assert canonical_ballot(vote_id="v1", selection=list(reversed(selection))) == expected


# --- publishing ---------------------------------------------------------------------------------------------


def publish(choices: list[str], secrets_: list[bytes], *, seed: int = 42) -> list[PublishedBallot]:
    cast = []
    for choice, secret in zip(choices, secrets_, strict=True):
        content = canonical_ballot(vote_id="vote-1", selection=[choice])
        cast.append(
            PublishedBallot(content=content, receipt=receipt_for(voter_secret=secret, ballot_content=content))
        )
    return shuffle_ballots(ballots=cast, seed=seed)


CHOICES = ["yes", "no", "yes", "yes", "abstain", "no", "yes", "yes"]
SECRETS = [bytes([i]) * 32 for i in range(len(CHOICES))]


def test_each_voter_finds_their_own_ballot_among_the_shuffled_ones() -> None:
    published = publish(CHOICES, SECRETS)
    for choice, secret in zip(CHOICES, SECRETS, strict=True):
        own = find_own_ballot(voter_secret=secret, published=published)
        assert own is not None
        assert own.content == canonical_ballot(vote_id="vote-1", selection=[choice])
    assert find_own_ballot(voter_secret=b"\xff" * 32, published=published) is None


def test_a_dropped_ballot_is_missed_by_its_voter() -> None:
    published = publish(CHOICES, SECRETS)
    own = find_own_ballot(voter_secret=SECRETS[0], published=published)
    remaining = [ballot for ballot in published if ballot != own]
    assert find_own_ballot(voter_secret=SECRETS[0], published=remaining) is None


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
    flipped = first.content.replace('"yes"', '"no"') if '"yes"' in first.content else first.content + " "
    return [PublishedBallot(content=flipped, receipt=first.receipt), *ballots[1:]]


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
    published = publish(CHOICES, SECRETS)
    assert ballot_commitment(published=tamper(published)) != ballot_commitment(published=published)


def test_commitment_is_sha256_hex_and_ignores_the_published_order() -> None:
    commitment = ballot_commitment(published=publish(CHOICES, SECRETS, seed=1))
    assert len(commitment) == 64
    assert int(commitment, 16) >= 0
    assert ballot_commitment(published=publish(CHOICES, SECRETS, seed=2)) == commitment

"""Secret-ballot receipts, the ballot commitment and the governance log's hash chain."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from kooperativet.governance.ballots import (
    GENESIS_HASH,
    PublishedBallot,
    ballot_commitment,
    canonical_ballot,
    chain_hash,
    find_own_ballot,
    new_voter_secret,
    receipt_for,
    shuffle_ballots,
    verify_chain,
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


# --- hash chain ---------------------------------------------------------------------------------------------


def build_chain(payloads: list[Mapping[str, object]]) -> list[Entry]:
    entries: list[Entry] = []
    previous = GENESIS_HASH
    for payload in payloads:
        previous = chain_hash(previous_hash=previous, payload=payload)
        entries.append((payload, previous))
    return entries


EVENTS: list[Mapping[str, object]] = [
    {"event": "vote_opened", "vote": "v1"},
    {"event": "ballot_cast", "vote": "v1"},
    {"event": "ballot_cast", "vote": "v1"},
    {"event": "vote_closed", "vote": "v1", "commitment": "ab" * 32},
    {"event": "minutes_locked", "meeting": "m1"},
]
CHAIN = build_chain(EVENTS)


def tamper_payload(index: int) -> Callable[[list[Entry]], list[Entry]]:
    def tamper(entries: list[Entry]) -> list[Entry]:
        changed = list(entries)
        payload, stored = changed[index]
        changed[index] = ({**payload, "tampered": True}, stored)
        return changed

    return tamper


def tamper_hash(index: int) -> Callable[[list[Entry]], list[Entry]]:
    def tamper(entries: list[Entry]) -> list[Entry]:
        changed = list(entries)
        changed[index] = (changed[index][0], "f" * 64)
        return changed

    return tamper


def swap(index: int) -> Callable[[list[Entry]], list[Entry]]:
    def tamper(entries: list[Entry]) -> list[Entry]:
        changed = list(entries)
        changed[index], changed[index + 1] = changed[index + 1], changed[index]
        return changed

    return tamper


def delete(index: int) -> Callable[[list[Entry]], list[Entry]]:
    return lambda entries: entries[:index] + entries[index + 1 :]


def rehash_from(index: int) -> Callable[[list[Entry]], list[Entry]]:
    """Change a payload and recompute every later hash: only an anchor outside the database catches it."""

    def tamper(entries: list[Entry]) -> list[Entry]:
        payloads = [payload for payload, _ in entries]
        payloads[index] = {**payloads[index], "tampered": True}
        return build_chain(payloads)

    return tamper


@pytest.mark.parametrize(
    ("tamper", "first_broken"),
    [
        pytest.param(lambda entries: entries, None, id="untouched"),
        pytest.param(tamper_payload(0), 0, id="first-payload-changed"),
        pytest.param(tamper_payload(2), 2, id="middle-payload-changed"),
        pytest.param(tamper_payload(4), 4, id="last-payload-changed"),
        pytest.param(tamper_hash(2), 2, id="middle-hash-changed"),
        pytest.param(swap(1), 1, id="two-entries-reordered"),
        pytest.param(swap(3), 3, id="last-two-reordered"),
        pytest.param(delete(0), 0, id="first-deleted"),
        pytest.param(delete(2), 2, id="middle-deleted"),
    ],
)
def test_verify_chain_finds_the_first_tampered_entry(
    tamper: Callable[[list[Entry]], list[Entry]], first_broken: int | None
) -> None:
    assert verify_chain(entries=tamper(CHAIN)) == first_broken


@pytest.mark.parametrize(
    ("tamper", "first_broken"),
    [
        pytest.param(lambda entries: entries, None, id="untouched"),
        pytest.param(delete(4), 4, id="last-deleted"),
        pytest.param(lambda entries: entries[:2], 2, id="truncated"),
        pytest.param(rehash_from(1), 5, id="rewritten-and-rehashed"),
    ],
)
def test_anchor_catches_what_the_chain_alone_cannot(
    tamper: Callable[[list[Entry]], list[Entry]], first_broken: int | None
) -> None:
    anchor = CHAIN[-1][1]
    tampered = tamper(CHAIN)
    assert verify_chain(entries=tampered) is None  # the chain alone looks whole
    assert verify_chain(entries=tampered, anchor=anchor) == first_broken


def test_anchor_taken_earlier_still_verifies_a_longer_chain() -> None:
    anchor = CHAIN[2][1]
    longer = build_chain([*EVENTS, {"event": "vote_opened", "vote": "v2"}])
    assert verify_chain(entries=longer, anchor=anchor) is None


def test_chain_hash_depends_on_the_previous_hash_and_canonical_payload() -> None:
    payload = {"b": 1, "a": [1, 2]}
    assert chain_hash(previous_hash=GENESIS_HASH, payload=payload) == chain_hash(
        previous_hash=GENESIS_HASH, payload={"a": [1, 2], "b": 1}
    )
    assert chain_hash(previous_hash=GENESIS_HASH, payload=payload) != chain_hash(
        previous_hash="1" * 64, payload=payload
    )

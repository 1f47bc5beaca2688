"""The hash chain of an append-only log: any tampering breaks it at the first affected entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from kooperativet.core.hashchain import GENESIS_HASH, chain_hash, verify_chain

Entry = tuple[Mapping[str, object], str]


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

"""The hash chain of an append-only log: any tampering breaks it at the first affected entry."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping

import pytest

from kooperativet.core.hashchain import GENESIS_HASH, chain_hash, verify_chain

Entry = tuple[Mapping[str, object], str]


KEY = b"k" * 32


def build_chain(
    payloads: list[Mapping[str, object]], *, key: bytes | None = KEY, plain_entries: int = 0
) -> list[Entry]:
    entries: list[Entry] = []
    previous = GENESIS_HASH
    for index, payload in enumerate(payloads):
        previous = chain_hash(
            previous_hash=previous, payload=payload, key=None if index < plain_entries else key
        )
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


def rehash_from(index: int, *, key: bytes | None) -> Callable[[list[Entry]], list[Entry]]:
    """Change a payload and recompute every later hash, with ``key`` (None: plain SHA-256)."""

    def tamper(entries: list[Entry]) -> list[Entry]:
        payloads = [payload for payload, _ in entries]
        payloads[index] = {**payloads[index], "tampered": True}
        return build_chain(payloads, key=key)

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
        pytest.param(rehash_from(1, key=None), 0, id="rehashed-without-the-key"),
        pytest.param(rehash_from(1, key=b"x" * 32), 0, id="rehashed-with-another-key"),
    ],
)
def test_verify_chain_finds_the_first_tampered_entry(
    tamper: Callable[[list[Entry]], list[Entry]], first_broken: int | None
) -> None:
    assert verify_chain(entries=tamper(CHAIN), key=KEY) == first_broken


def test_a_wrong_key_breaks_the_chain_at_its_first_entry() -> None:
    assert verify_chain(entries=CHAIN, key=b"w" * 32) == 0


def test_rehashing_with_the_key_leaves_a_valid_chain_that_only_an_outside_anchor_can_catch() -> None:
    rewritten = rehash_from(1, key=KEY)(CHAIN)
    assert verify_chain(entries=rewritten, key=KEY) is None
    assert CHAIN[-1][1] not in {stored for _, stored in rewritten}


def test_a_plain_prefix_verifies_as_sha256_and_the_rest_with_the_key() -> None:
    mixed = build_chain(EVENTS, plain_entries=2)
    assert verify_chain(entries=mixed, key=KEY, plain_entries=2) is None
    assert verify_chain(entries=mixed, key=KEY, plain_entries=3) == 2
    assert verify_chain(entries=mixed, key=KEY) == 0
    downgraded = build_chain(EVENTS, key=None)
    assert verify_chain(entries=downgraded, key=KEY, plain_entries=2) == 2


def test_chain_hash_depends_on_the_previous_hash_and_canonical_payload() -> None:
    payload = {"b": 1, "a": [1, 2]}
    assert chain_hash(previous_hash=GENESIS_HASH, payload=payload, key=KEY) == chain_hash(
        previous_hash=GENESIS_HASH, payload={"a": [1, 2], "b": 1}, key=KEY
    )
    assert chain_hash(previous_hash=GENESIS_HASH, payload=payload, key=KEY) != chain_hash(
        previous_hash="1" * 64, payload=payload, key=KEY
    )


def test_the_keyed_hash_is_hmac_sha256_and_the_plain_one_sha256() -> None:
    message = f'{GENESIS_HASH}\n{{"a":1}}'.encode()
    assert chain_hash(previous_hash=GENESIS_HASH, payload={"a": 1}, key=KEY) == (
        hmac.new(KEY, message, hashlib.sha256).hexdigest()
    )
    assert chain_hash(previous_hash=GENESIS_HASH, payload={"a": 1}, key=None) == (
        hashlib.sha256(message).hexdigest()
    )

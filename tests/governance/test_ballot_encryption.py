"""Paillier encryption of secret ballots: homomorphic sums, checkable decryptions, the wrapped tally key.

The tests use 512-bit keys to stay fast; production uses ``TALLY_KEY_BITS`` (2048), tested once below.
"""

from __future__ import annotations

import random

import pytest

from kooperativet.governance.ballot_encryption import (
    TALLY_KEY_BITS,
    Decryption,
    WrongPassphrase,
    decrypt_sum,
    encrypt_marks,
    homomorphic_sums,
    new_tally_key,
    unwrap_key,
    verify_decryption,
    wrap_key,
)

TEST_BITS = 512
KEY = new_tally_key(bits=TEST_BITS, rng=random.Random(1))
PASSPHRASE = "rösträknarna 2026"


def test_a_new_key_has_the_requested_size_and_two_distinct_primes() -> None:
    assert KEY.n.bit_length() == TEST_BITS
    assert KEY.p != KEY.q
    assert KEY.p.bit_length() == KEY.q.bit_length() == TEST_BITS // 2


def test_the_production_key_is_2048_bits() -> None:
    assert TALLY_KEY_BITS == 2048
    assert new_tally_key(bits=TALLY_KEY_BITS, rng=random.Random(2)).n.bit_length() == 2048


def test_the_same_mark_encrypts_differently_each_time() -> None:
    rng = random.Random(3)
    first = encrypt_marks(public_n=KEY.n, marks=[1, 0, 0], rng=rng)
    second = encrypt_marks(public_n=KEY.n, marks=[1, 0, 0], rng=rng)
    assert first[0] != second[0]
    assert len(set(first)) == 3


def test_a_mark_other_than_0_or_1_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or 1"):
        encrypt_marks(public_n=KEY.n, marks=[2, 0, 0], rng=random.Random(4))


def test_the_product_of_the_ciphertexts_decrypts_to_each_options_count() -> None:
    rng = random.Random(5)
    marks = [[1, 0, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]]
    ballots = [encrypt_marks(public_n=KEY.n, marks=m, rng=rng) for m in marks]
    sums = homomorphic_sums(public_n=KEY.n, ballots=ballots, options=3)
    assert [decrypt_sum(key=KEY, ciphertext=c).count for c in sums] == [3, 1, 1]


def test_no_ballots_sum_to_an_encryption_of_zero() -> None:
    [empty] = homomorphic_sums(public_n=KEY.n, ballots=[], options=1)
    assert decrypt_sum(key=KEY, ciphertext=empty) == Decryption(count=0, randomness=1)


def test_a_ballot_with_the_wrong_number_of_ciphertexts_is_refused() -> None:
    with pytest.raises(ValueError, match="2 ciphertexts"):
        homomorphic_sums(public_n=KEY.n, ballots=[[5, 7]], options=3)


def test_anyone_can_check_a_decryption_with_the_public_key_and_a_false_one_fails() -> None:
    rng = random.Random(6)
    ballots = [encrypt_marks(public_n=KEY.n, marks=[m], rng=rng) for m in (1, 1, 0, 1)]
    [total] = homomorphic_sums(public_n=KEY.n, ballots=ballots, options=1)
    decryption = decrypt_sum(key=KEY, ciphertext=total)
    assert decryption.count == 3
    assert verify_decryption(public_n=KEY.n, ciphertext=total, decryption=decryption)
    inflated = Decryption(count=4, randomness=decryption.randomness)
    assert not verify_decryption(public_n=KEY.n, ciphertext=total, decryption=inflated)
    other_r = Decryption(count=3, randomness=decryption.randomness + 1)
    assert not verify_decryption(public_n=KEY.n, ciphertext=total, decryption=other_r)
    [without_one] = homomorphic_sums(public_n=KEY.n, ballots=ballots[1:], options=1)
    assert not verify_decryption(public_n=KEY.n, ciphertext=without_one, decryption=decryption)


def test_the_wrapped_key_opens_only_with_the_tellers_passphrase() -> None:
    wrapped = wrap_key(key=KEY, passphrase=PASSPHRASE, rng=random.Random(7))
    assert str(KEY.p) not in wrapped
    assert str(KEY.q) not in wrapped
    assert unwrap_key(wrapped=wrapped, public_n=KEY.n, passphrase=PASSPHRASE) == KEY
    with pytest.raises(WrongPassphrase):
        unwrap_key(wrapped=wrapped, public_n=KEY.n, passphrase="rösträknarna 2025")


def test_the_wrapped_key_is_bound_to_its_public_key() -> None:
    wrapped = wrap_key(key=KEY, passphrase=PASSPHRASE, rng=random.Random(8))
    other = new_tally_key(bits=TEST_BITS, rng=random.Random(9))
    with pytest.raises(WrongPassphrase):
        unwrap_key(wrapped=wrapped, public_n=other.n, passphrase=PASSPHRASE)


def test_the_same_random_source_gives_the_same_key_and_ciphertexts() -> None:
    assert new_tally_key(bits=TEST_BITS, rng=random.Random(1)) == KEY
    first = encrypt_marks(public_n=KEY.n, marks=[0, 1], rng=random.Random(10))
    assert encrypt_marks(public_n=KEY.n, marks=[0, 1], rng=random.Random(10)) == first

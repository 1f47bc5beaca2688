"""Secret ballots encrypted under Paillier's additively homomorphic scheme; only the tallies are decrypted.

Paillier, "Public-Key Cryptosystems Based on Composite Degree Residuosity Classes" (EUROCRYPT 1999): with
n = p·q and g = n + 1 a ballot mark m in {0, 1} is stored as E(m, r) = g^m · r^n mod n², and
E(a, r) · E(b, s) = E(a + b, r·s). As in Helios (Adida 2008) and ElectionGuard, a ballot is one ciphertext
per option; the product of all ballots' ciphertexts for an option encrypts that option's count, and only
that product is ever decrypted. Each decryption is published with the randomness r recovered from it, so
anyone can re-encrypt (count, r) and compare it with the product of the published ciphertexts.

The private key exists in plain only in memory, while a secret vote opens and while it is tallied. It is
stored wrapped with the tellers' passphrase: scrypt (RFC 7914) derives an AES-256-GCM key (NIST SP 800-38D).
Randomness comes from the caller's ``random.Random``: ``random.SystemRandom`` (the operating system's
CSPRNG) in production, a seeded generator only in the demo.
"""

from __future__ import annotations

import base64
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from phe import PaillierPrivateKey, PaillierPublicKey
from phe.util import is_prime

#: Bits of the Paillier modulus n in production (NIST SP 800-57: 2048-bit factoring moduli to 2030).
TALLY_KEY_BITS = 2048
#: scrypt cost (RFC 7914 section 2: N = 2^15, r = 8 takes 32 MiB and about 0.1 s), AES-256 key, GCM nonce.
SCRYPT_COST, SCRYPT_BLOCK, SCRYPT_PARALLEL = 2**15, 8, 1
AES_KEY_BYTES, SALT_BYTES, NONCE_BYTES = 32, 16, 12


class WrongPassphrase(Exception):
    """The tellers' passphrase does not open the wrapped key (or the wrapped key was altered)."""


@dataclass(frozen=True)
class TallyKey:
    """A Paillier private key: the two primes; the public key is their product ``n``."""

    p: int
    q: int

    @property
    def n(self) -> int:
        return self.p * self.q

    def _phe(self) -> PaillierPrivateKey:
        return PaillierPrivateKey(PaillierPublicKey(self.n), self.p, self.q)


@dataclass(frozen=True)
class Decryption:
    """A decrypted sum as published: the count and the randomness r with E(count, r) = the sum."""

    count: int
    randomness: int


def new_tally_key(*, bits: int, rng: random.Random) -> TallyKey:
    """A fresh key pair: two distinct primes of ``bits / 2`` bits whose product has exactly ``bits`` bits."""
    p = _prime(bits // 2, rng)
    q = _prime(bits // 2, rng)
    while q == p:
        q = _prime(bits // 2, rng)
    return TallyKey(p=p, q=q)


def _prime(bits: int, rng: random.Random) -> int:
    # The two top bits set make the product of two such primes exactly 2·bits long.
    while True:
        candidate = rng.getrandbits(bits) | (0b11 << (bits - 2)) | 1
        if is_prime(candidate):
            return candidate


def _kek(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=AES_KEY_BYTES, n=SCRYPT_COST, r=SCRYPT_BLOCK, p=SCRYPT_PARALLEL)
    return kdf.derive(passphrase.encode("utf-8"))


def _bytes(rng: random.Random, count: int) -> bytes:
    return rng.getrandbits(8 * count).to_bytes(count, "big")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def wrap_key(*, key: TallyKey, passphrase: str, rng: random.Random) -> str:
    """The private key sealed with AES-256-GCM under scrypt(passphrase), bound to the public key ``n``."""
    salt, nonce = _bytes(rng, SALT_BYTES), _bytes(rng, NONCE_BYTES)
    plain = json.dumps({"p": str(key.p), "q": str(key.q)}).encode("utf-8")
    sealed = AESGCM(_kek(passphrase, salt)).encrypt(nonce, plain, str(key.n).encode("ascii"))
    return json.dumps(
        {
            "kdf": "scrypt",
            "n": SCRYPT_COST,
            "r": SCRYPT_BLOCK,
            "p": SCRYPT_PARALLEL,
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "sealed": _b64(sealed),
        },
        sort_keys=True,
    )


def unwrap_key(*, wrapped: str, public_n: int, passphrase: str) -> TallyKey:
    """Open a wrapped key with the tellers' passphrase; :class:`WrongPassphrase` if it does not fit."""
    box = json.loads(wrapped)
    salt, nonce = base64.b64decode(box["salt"]), base64.b64decode(box["nonce"])
    try:
        plain = AESGCM(_kek(passphrase, salt)).decrypt(
            nonce, base64.b64decode(box["sealed"]), str(public_n).encode("ascii")
        )
    except InvalidTag as exc:
        raise WrongPassphrase("the tellers' passphrase does not open the tally key") from exc
    primes = json.loads(plain)
    return TallyKey(p=int(primes["p"]), q=int(primes["q"]))


def encrypt_marks(*, public_n: int, marks: Sequence[int], rng: random.Random) -> list[int]:
    """One ciphertext per option, each mark 0 or 1, each with fresh randomness r coprime to n."""
    if any(mark not in (0, 1) for mark in marks):
        raise ValueError("a ballot marks each option with 0 or 1")
    public = PaillierPublicKey(public_n)
    return [int(public.raw_encrypt(mark, r_value=_unit(public_n, rng))) for mark in marks]


def _unit(n: int, rng: random.Random) -> int:
    while True:
        r = rng.randrange(1, n)
        if math.gcd(r, n) == 1:
            return r


def homomorphic_sums(*, public_n: int, ballots: Sequence[Sequence[int]], options: int) -> list[int]:
    """Per option, the product mod n² of every ballot's ciphertext: the encryption of the option's count.

    The empty product is 1 = E(0, 1). A ballot with the wrong number of ciphertexts is refused.
    """
    n_square = public_n * public_n
    sums = [1] * options
    for ballot in ballots:
        if len(ballot) != options:
            raise ValueError(f"a ballot has {len(ballot)} ciphertexts, the vote has {options} options")
        sums = [(total * c) % n_square for total, c in zip(sums, ballot, strict=True)]
    return sums


def decrypt_sum(*, key: TallyKey, ciphertext: int) -> Decryption:
    """Decrypt a sum and recover its randomness r, so the decryption can be checked without the key.

    As g^m = 1 + m·n ≡ 1 (mod n), c ≡ r^n (mod n), and r = c^(n⁻¹ mod φ(n)) mod n.
    """
    n = key.n
    count = int(key._phe().raw_decrypt(ciphertext))
    phi = (key.p - 1) * (key.q - 1)
    return Decryption(count=count, randomness=pow(ciphertext % n, pow(n, -1, phi), n))


def verify_decryption(*, public_n: int, ciphertext: int, decryption: Decryption) -> bool:
    """True when (count, r) re-encrypts to exactly ``ciphertext``: the check anyone can run."""
    if not (0 <= decryption.count < public_n and 0 < decryption.randomness < public_n):
        return False
    expected = PaillierPublicKey(public_n).raw_encrypt(decryption.count, r_value=decryption.randomness)
    return int(expected) == ciphertext

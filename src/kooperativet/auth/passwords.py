"""Password hashing with argon2 (pwdlib's recommended parameters)."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(password: str, password_hash: str) -> bool:
    return bool(_hasher().verify(password, password_hash))


def verify_against_dummy(password: str) -> None:
    """Spend the same time as a real check when the user is unknown, so timing reveals nothing."""
    _hasher().verify(password, _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-but-a-timing-guard")

"""Password hashing with argon2 (pwdlib's recommended parameters)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 10

#: Marks a login that has no password yet (an invitation not yet used). No argon2 hash begins with it, so
#: nothing typed can ever match it.
UNUSABLE_PREFIX = "!"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def unusable_password_hash() -> str:
    """The stored "hash" of a login that has no password: random, so two such logins never look alike."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def has_usable_password(password_hash: str) -> bool:
    return not password_hash.startswith(UNUSABLE_PREFIX)


def verify_password(password: str, password_hash: str) -> bool:
    if not has_usable_password(password_hash):
        verify_against_dummy(password)  # the same work as a real check, so timing does not tell
        return False
    return bool(_hasher().verify(password, password_hash))


def verify_against_dummy(password: str) -> None:
    """Spend the same time as a real check when the user is unknown, so timing reveals nothing."""
    _hasher().verify(password, _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-but-a-timing-guard")

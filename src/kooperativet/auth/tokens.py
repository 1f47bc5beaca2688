"""Access tokens: the only module that imports python-jose.

Tokens are JWTs signed with HMAC (HS256 by default). Decoding pins the algorithm and requires ``exp``,
``iat``, ``sub``, ``iss`` and ``aud``, so ``alg=none`` and HS/RS confusion tokens are refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jose import JWTError, jwt

SUPPORTED_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or signed for someone else."""


@dataclass(frozen=True, slots=True)
class TokenConfig:
    key: str
    algorithm: str
    issuer: str
    audience: str
    lifetime: timedelta

    def __post_init__(self) -> None:
        if self.algorithm not in SUPPORTED_ALGORITHMS:
            raise ValueError(f"unsupported JWT algorithm {self.algorithm!r}")


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    issued_at: datetime
    expires_at: datetime
    token_id: str


def first_issue_time(*, now: datetime, tokens_ended_at: datetime | None) -> datetime:
    """When a token issued ``now`` must say it was issued: after the second in which the user's tokens were
    last ended (a password change, or the end of all her sign-ins: ``User.access_tokens_ended_at``).

    ``iat`` has whole seconds, so a token from earlier in that second cannot be told from one issued just
    after it; both are refused (see ``issued_before_tokens_ended``). A login in that same second therefore
    gets a token dated the next whole second, at most a second ahead.
    """
    if tokens_ended_at is None:
        return now
    return max(now, _whole_second(tokens_ended_at) + timedelta(seconds=1))


def issued_before_tokens_ended(*, issued_at: datetime, tokens_ended_at: datetime | None) -> bool:
    """A token issued in or before the second its user's tokens were ended no longer opens anything."""
    return tokens_ended_at is not None and issued_at <= _whole_second(tokens_ended_at)


def _whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def issue_access_token(*, config: TokenConfig, user_id: int, now: datetime) -> tuple[str, datetime]:
    expires_at = now + config.lifetime
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "iss": config.issuer,
        "aud": config.audience,
        "jti": secrets.token_hex(8),
        "typ": ACCESS_TOKEN_TYPE,
    }
    token = jwt.encode(claims, config.key, algorithm=config.algorithm)
    return token, expires_at


def decode_access_token(*, config: TokenConfig, token: str) -> AccessClaims:
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != config.algorithm:
            raise InvalidToken("unexpected signing algorithm")
        claims = jwt.decode(
            token,
            config.key,
            algorithms=[config.algorithm],
            audience=config.audience,
            issuer=config.issuer,
            options={
                "require_exp": True,
                "require_iat": True,
                "require_sub": True,
                "require_iss": True,
                "require_aud": True,
            },
        )
    except JWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise InvalidToken("not an access token")
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("bad subject") from exc
    return AccessClaims(
        user_id=user_id,
        issued_at=datetime.fromtimestamp(int(claims["iat"]), tz=UTC),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
        token_id=str(claims.get("jti", "")),
    )

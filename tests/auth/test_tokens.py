"""R2: only well-formed, correctly signed, unexpired tokens for us, of an active user, get in."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jose import jwt
from sqlalchemy.orm import Session

from kooperativet.auth.dependencies import token_config
from kooperativet.auth.models import Role
from kooperativet.auth.tokens import (
    InvalidToken,
    decode_access_token,
    first_issue_time,
    issue_access_token,
    issued_before_tokens_ended,
)
from kooperativet.config import Settings
from tests.auth.test_login_and_users import bearer
from tests.conftest import PASSWORD

KEY = "t" * 48


def claims(user_id: int, **overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    body: dict[str, object] = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "iss": "kooperativet",
        "aud": "kooperativet-api",
        "typ": "access",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_token_from_login_opens_me(api: TestClient, make_user) -> None:
    actor = make_user(Role.treasurer, Role.board, email="kassor@example.se")
    response = api.post(
        "/api/v1/auth/token",
        data={"username": "Kassor@Example.se", "password": "correct horse battery staple"},
    )
    assert response.status_code == 200, response.text
    pair = response.json()
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 900
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == actor.user.id
    assert me.json()["roles"] == ["board", "treasurer"]


@pytest.mark.parametrize(
    ("case", "make_token"),
    [
        ("alg none", lambda uid: f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(uid))}."),
        ("signed with another key", lambda uid: jwt.encode(claims(uid), "x" * 48, algorithm="HS256")),
        (
            "expired",
            lambda uid: jwt.encode(
                claims(uid, exp=int(datetime.now(UTC).timestamp()) - 10), KEY, algorithm="HS256"
            ),
        ),
        ("wrong audience", lambda uid: jwt.encode(claims(uid, aud="someone-else"), KEY, algorithm="HS256")),
        ("wrong issuer", lambda uid: jwt.encode(claims(uid, iss="evil"), KEY, algorithm="HS256")),
        ("no subject", lambda uid: jwt.encode(claims(uid, sub=None), KEY, algorithm="HS256")),
        ("no issued-at", lambda uid: jwt.encode(claims(uid, iat=None), KEY, algorithm="HS256")),
        ("no expiry", lambda uid: jwt.encode(claims(uid, exp=None), KEY, algorithm="HS256")),
        ("no audience", lambda uid: jwt.encode(claims(uid, aud=None), KEY, algorithm="HS256")),
        ("not an access token", lambda uid: jwt.encode(claims(uid, typ="refresh"), KEY, algorithm="HS256")),
        ("HS384 instead of HS256", lambda uid: jwt.encode(claims(uid), KEY, algorithm="HS384")),
        ("unknown user", lambda uid: jwt.encode(claims(uid + 999), KEY, algorithm="HS256")),
        ("garbage", lambda uid: "not.a.token"),
    ],
)
def test_bad_tokens_are_refused_with_401(api: TestClient, make_user, case: str, make_token) -> None:
    actor = make_user(Role.admin)
    response = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {make_token(actor.user.id)}"})
    assert response.status_code == 401, case
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] in {"invalid_token", "not_authenticated"}


def test_a_tampered_payload_is_refused(api: TestClient, make_user) -> None:
    actor, other = make_user(Role.member), make_user(Role.admin)
    header, _, signature = actor.headers["Authorization"].removeprefix("Bearer ").split(".")
    forged = f"{header}.{b64(claims(other.user.id))}.{signature}"
    assert api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_rs256_token_signed_with_a_key_pair_is_refused(settings: Settings) -> None:
    """HS/RS confusion: a token claiming RS256 never reaches an HMAC check, whatever key signed it."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = jwt.encode(claims(1), pem.decode(), algorithm="RS256")
    with pytest.raises(InvalidToken):
        decode_access_token(config=token_config(settings), token=token)


def test_our_own_token_decodes_to_its_claims(settings: Settings) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    config = token_config(settings)
    token, expires_at = issue_access_token(config=config, user_id=7, now=now)
    assert expires_at == now + timedelta(minutes=15)
    with pytest.raises(InvalidToken, match="expired"):
        decode_access_token(config=config, token=token)  # 2026-11-20 lies in the past of the test's clock
    fresh, _ = issue_access_token(config=config, user_id=7, now=datetime.now(UTC))
    assert decode_access_token(config=config, token=fresh).user_id == 7


def test_a_disabled_user_is_refused_even_with_a_valid_token(api: TestClient, make_user) -> None:
    actor = make_user(Role.member, active=False)
    response = api.get("/api/v1/auth/me", headers=actor.headers)
    assert response.status_code == 401
    assert response.json()["code"] == "account_disabled"


def test_no_token_is_a_401(api: TestClient) -> None:
    response = api.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_a_token_issued_earlier_in_the_second_of_a_password_change_is_refused(
    api: TestClient, make_user, session: Session, settings: Settings
) -> None:
    actor = make_user(Role.member)
    second = datetime.now(UTC).replace(microsecond=0)
    token, _ = issue_access_token(
        config=token_config(settings), user_id=actor.user.id, now=second.replace(microsecond=200_000)
    )
    actor.user.password_changed_at = second.replace(microsecond=700_000)
    session.flush()
    response = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_login_in_the_same_second_as_a_password_change_gets_a_working_token(
    api: TestClient, make_user
) -> None:
    actor = make_user(Role.member, email="anna@example.se")
    changed = api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
        headers=actor.headers,
    )
    assert changed.status_code == 204
    assert api.get("/api/v1/auth/me", headers=actor.headers).status_code == 401
    login = api.post(
        "/api/v1/auth/token", data={"username": "anna@example.se", "password": "a brand new secret"}
    )
    assert login.status_code == 200
    fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert api.get("/api/v1/auth/me", headers=fresh).status_code == 200
    refreshed = api.post("/api/v1/auth/refresh", json={"refresh_token": login.json()["refresh_token"]})
    assert api.get("/api/v1/auth/me", headers=bearer(refreshed.json())).status_code == 200


def test_tokens_issued_in_the_second_of_a_password_change_are_dated_the_next_second() -> None:
    changed = datetime(2026, 11, 30, 12, 0, 0, 700_000, tzinfo=UTC)
    same_second = datetime(2026, 11, 30, 12, 0, 0, 900_000, tzinfo=UTC)
    dated = first_issue_time(now=same_second, tokens_ended_at=changed)
    assert dated == datetime(2026, 11, 30, 12, 0, 1, tzinfo=UTC)
    assert not issued_before_tokens_ended(issued_at=dated, tokens_ended_at=changed)
    later = datetime(2026, 11, 30, 12, 0, 5, tzinfo=UTC)
    assert first_issue_time(now=later, tokens_ended_at=changed) == later
    assert first_issue_time(now=same_second, tokens_ended_at=None) == same_second
    assert issued_before_tokens_ended(
        issued_at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tokens_ended_at=changed
    )

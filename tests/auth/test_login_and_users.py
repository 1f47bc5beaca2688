from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import RefreshToken, Role, WebSession
from tests.conftest import PASSWORD


def login(api: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = api.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(pair: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def signed_in_browser(api: TestClient, email: str) -> TestClient:
    """A browser signed in on the web's sign-in form (its own cookie jar)."""
    browser = TestClient(api.app)
    token = browser.get("/signin").text.split('name="csrf_token" value="')[1].split('"')[0]
    signed_in = browser.post(
        "/signin", data={"email": email, "password": PASSWORD, "next": "/", "csrf_token": token}
    )
    assert signed_in.status_code == 200, signed_in.text[:300]
    return browser


def set_active(api: TestClient, admin_headers: dict[str, str], user_id: int, active: bool) -> None:
    version = api.get(f"/api/v1/users/{user_id}", headers=admin_headers).json()["version"]
    answer = api.patch(
        f"/api/v1/users/{user_id}", json={"version": version, "is_active": active}, headers=admin_headers
    )
    assert answer.status_code == 200, answer.text


def test_wrong_password_and_unknown_user_get_the_same_401(api: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    wrong = api.post("/api/v1/auth/token", data={"username": "anna@example.se", "password": "wrong password"})
    unknown = api.post(
        "/api/v1/auth/token", data={"username": "nobody@example.se", "password": "wrong password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "wrong e-mail or password"


def test_a_disabled_account_answers_exactly_like_a_wrong_password(api: TestClient, make_user) -> None:
    make_user(Role.member, email="gone@example.se", active=False)
    make_user(Role.member, email="anna@example.se")
    disabled = api.post("/api/v1/auth/token", data={"username": "gone@example.se", "password": PASSWORD})
    wrong = api.post("/api/v1/auth/token", data={"username": "anna@example.se", "password": "wrong password"})
    assert disabled.status_code == wrong.status_code == 401
    assert disabled.json() == wrong.json()
    assert disabled.json()["code"] == "invalid_credentials"
    assert disabled.headers["www-authenticate"] == wrong.headers["www-authenticate"]


def test_unknown_disabled_and_wrong_logins_each_do_one_password_hash_check(
    api: TestClient, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same argon2 work in every case, so that the answer's timing does not tell them apart."""
    make_user(Role.member, email="gone@example.se", active=False)
    make_user(Role.member, email="anna@example.se")
    checks: list[str] = []
    real_verify = PasswordHash.verify

    def counting_verify(self: PasswordHash, password: str, hash: str) -> bool:
        checks.append(password)
        return bool(real_verify(self, password, hash))

    monkeypatch.setattr(PasswordHash, "verify", counting_verify)
    for email, password in [
        ("nobody@example.se", "wrong password"),
        ("gone@example.se", PASSWORD),
        ("anna@example.se", "wrong password"),
    ]:
        checks.clear()
        response = api.post("/api/v1/auth/token", data={"username": email, "password": password})
        assert response.status_code == 401
        assert checks == [password], email


def test_logins_are_throttled_per_account_at_an_address(api: TestClient, make_user) -> None:
    make_user(Role.member, email="target@example.se")
    for _ in range(5):
        api.post("/api/v1/auth/token", data={"username": "target@example.se", "password": "guess guess"})
    response = api.post("/api/v1/auth/token", data={"username": "target@example.se", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["retry_after_seconds"] > 0


def test_a_refresh_token_is_rotated_and_a_reused_one_revokes_the_family(api: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    first = login(api, "anna@example.se")
    second = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert api.get("/api/v1/auth/me", headers=bearer(second.json())).status_code == 200
    reused = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    # The reuse looked like theft: the newer token of the same family no longer works either.
    later = api.post("/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert later.status_code == 401


def test_a_token_reused_after_two_rotations_revokes_the_newest(api: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    first = login(api, "anna@example.se")
    second = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    third = api.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}).json()
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 401
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": third["refresh_token"]}).status_code == 401


def test_a_revoked_refresh_token_no_longer_refreshes(api: TestClient, make_user) -> None:
    make_user(Role.member, email="anna@example.se")
    pair = login(api, "anna@example.se")
    revoked = api.post(
        "/api/v1/auth/revoke", json={"refresh_token": pair["refresh_token"]}, headers=bearer(pair)
    )
    assert revoked.status_code == 204
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_changing_the_password_needs_the_current_one_and_revokes_refresh_tokens(
    api: TestClient, make_user
) -> None:
    make_user(Role.member, email="anna@example.se")
    pair = login(api, "anna@example.se")
    wrong = api.post(
        "/api/v1/auth/password",
        json={"current_password": "nope", "new_password": "a brand new secret"},
        headers=bearer(pair),
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "current_password"
    changed = api.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new secret"},
        headers=bearer(pair),
    )
    assert changed.status_code == 204
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert login(api, "anna@example.se", "a brand new secret")["token_type"] == "bearer"


def test_admin_creates_lists_and_updates_users(api: TestClient, make_user) -> None:
    admin = make_user(Role.admin)
    created = api.post(
        "/api/v1/users",
        json={
            "email": "ny@example.se",
            "full_name": "Ny Kassör",
            "password": "long enough pw",
            "roles": ["treasurer"],
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["roles"] == ["treasurer"]
    duplicate = api.post(
        "/api/v1/users",
        json={"email": "NY@example.se", "full_name": "Again", "password": "long enough pw"},
        headers=admin.headers,
    )
    assert duplicate.status_code == 409
    treasurers = api.get("/api/v1/users", params={"role": "treasurer"}, headers=admin.headers).json()
    assert [u["email"] for u in treasurers["items"]] == ["ny@example.se"]
    updated = api.patch(
        f"/api/v1/users/{user['id']}",
        json={"version": 1, "roles": ["treasurer", "board"]},
        headers=admin.headers,
    )
    assert updated.json()["roles"] == ["board", "treasurer"]
    assert updated.json()["version"] == 2


def test_the_last_admin_cannot_be_disabled(api: TestClient, make_user) -> None:
    admin = make_user(Role.admin)
    response = api.patch(
        f"/api/v1/users/{admin.user.id}", json={"version": 1, "is_active": False}, headers=admin.headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"


def test_disabling_a_user_locks_them_out(api: TestClient, make_user) -> None:
    admin, member = make_user(Role.admin), make_user(Role.member)
    response = api.patch(
        f"/api/v1/users/{member.user.id}", json={"version": 1, "is_active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert api.get("/api/v1/auth/me", headers=member.headers).status_code == 401


def test_sessions_ended_by_disabling_stay_ended_when_the_account_is_enabled_again(
    api: TestClient, make_user
) -> None:
    """An admin disables a login after a suspected theft of its cookie, then enables it again: the browser
    session and the refresh token from before are dead, not only refused while the account was disabled."""
    admin = make_user(Role.admin)
    member = make_user(Role.member, email="anna@example.se")
    pair = login(api, "anna@example.se")
    browser = signed_in_browser(api, "anna@example.se")
    set_active(api, admin.headers, member.user.id, False)
    assert browser.get("/", follow_redirects=False).status_code == 303
    set_active(api, admin.headers, member.user.id, True)
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert browser.get("/", follow_redirects=False).status_code == 303
    assert login(api, "anna@example.se")["token_type"] == "bearer"  # she signs in afresh


def test_an_access_token_from_before_a_login_was_disabled_stays_refused_when_it_is_enabled_again(
    api: TestClient, make_user, clock: dict[str, datetime]
) -> None:
    """A stolen access token is not revived by enabling the login within its 15 minutes: disabling ended
    every sign-in, the access tokens with the rest, and a token issued afterwards works."""
    admin = make_user(Role.admin)
    member = make_user(Role.member, email="anna@example.se")
    before = login(api, "anna@example.se")
    assert api.get("/api/v1/auth/me", headers=bearer(before)).status_code == 200
    clock["now"] += timedelta(seconds=2)  # disabled in a later second than the token's iat
    set_active(api, admin.headers, member.user.id, False)
    set_active(api, admin.headers, member.user.id, True)
    refused = api.get("/api/v1/auth/me", headers=bearer(before))
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"
    clock["now"] += timedelta(seconds=2)
    after = login(api, "anna@example.se")
    assert api.get("/api/v1/auth/me", headers=bearer(after)).status_code == 200
    refreshed = api.post("/api/v1/auth/refresh", json={"refresh_token": after["refresh_token"]})
    assert api.get("/api/v1/auth/me", headers=bearer(refreshed.json())).status_code == 200
    assert api.get("/api/v1/auth/me", headers=bearer(before)).status_code == 401


def test_a_login_in_the_same_second_as_the_end_of_all_sign_ins_gets_a_working_token(
    api: TestClient, make_user, clock: dict[str, datetime]
) -> None:
    """``iat`` has whole seconds: a token from earlier in the second the sign-ins ended is refused, and one
    issued later in that second is dated the next second, so that it works."""
    admin = make_user(Role.admin)
    member = make_user(Role.member, email="anna@example.se")
    clock["now"] = datetime.now(UTC).replace(microsecond=500_000)  # every request in this one second
    before = login(api, "anna@example.se")
    set_active(api, admin.headers, member.user.id, False)
    set_active(api, admin.headers, member.user.id, True)
    after = login(api, "anna@example.se")
    assert api.get("/api/v1/auth/me", headers=bearer(before)).json()["code"] == "invalid_token"
    assert api.get("/api/v1/auth/me", headers=bearer(after)).status_code == 200


def test_removing_a_member_ends_her_sessions_and_tokens(
    api: TestClient, session: Session, make_user, make_member
) -> None:
    admin, mia = make_user(Role.admin), make_member()
    pair = login(api, mia.user.email)
    signed_in_browser(api, mia.user.email)
    mia.member.left_on = date(2025, 6, 30)
    session.flush()
    assert api.post(f"/api/v1/members/{mia.member.id}/pseudonymise", headers=admin.headers).status_code == 200
    session.expire_all()
    tokens = session.scalars(select(RefreshToken).where(RefreshToken.user_id == mia.user.id)).all()
    browsers = session.scalars(select(WebSession).where(WebSession.user_id == mia.user.id)).all()
    assert tokens
    assert all(token.revoked_at is not None for token in tokens)
    assert browsers
    assert all(browser.ended_at is not None for browser in browsers)
    assert mia.user.sign_ins_ended_at is not None  # and every access token of hers with them
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_a_removed_role_takes_effect_on_the_next_request_with_the_same_token(
    api: TestClient, make_user
) -> None:
    admin = make_user(Role.admin)
    treasurer = make_user(Role.treasurer, Role.member)
    assert api.get("/api/v1/jobs", headers=treasurer.headers).status_code == 200
    version = api.get(f"/api/v1/users/{treasurer.user.id}", headers=admin.headers).json()["version"]
    changed = api.patch(
        f"/api/v1/users/{treasurer.user.id}",
        json={"version": version, "roles": ["member"]},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert api.get("/api/v1/jobs", headers=treasurer.headers).status_code == 403


def test_a_password_an_admin_sets_ends_the_users_access_token_and_browser(
    api: TestClient, make_user, clock: dict[str, datetime]
) -> None:
    admin = make_user(Role.admin)
    member = make_user(Role.member, email="anna@example.se")
    browser = signed_in_browser(api, "anna@example.se")
    pair = login(api, "anna@example.se")
    clock["now"] += timedelta(seconds=2)  # the change falls in a later second than the token's iat
    version = api.get(f"/api/v1/users/{member.user.id}", headers=admin.headers).json()["version"]
    changed = api.patch(
        f"/api/v1/users/{member.user.id}",
        json={"version": version, "password": "a brand new secret"},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    assert api.get("/api/v1/auth/me", headers=bearer(pair)).status_code == 401
    assert browser.get("/", follow_redirects=False).status_code == 303
    assert login(api, "anna@example.se", "a brand new secret")["token_type"] == "bearer"


def test_a_short_password_is_a_422(api: TestClient, make_user) -> None:
    admin = make_user(Role.admin)
    response = api.post(
        "/api/v1/users",
        json={"email": "x@example.se", "full_name": "X", "password": "short"},
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"

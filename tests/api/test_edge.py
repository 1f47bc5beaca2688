"""Every response forbids caching; X-Forwarded-For counts only when a trusted proxy sends it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, text

from kooperativet.config import Settings
from kooperativet.main import create_app


def test_personal_data_and_problems_are_never_cached(
    api: TestClient, settings: Settings, make_member
) -> None:
    actor = make_member()
    responses = {
        "own member record": api.get("/api/v1/members/me", headers=actor.headers),
        "not authenticated": api.get("/api/v1/members/me"),
        "unknown path": api.get("/api/v1/no-such-thing"),
        "invalid request": api.get("/api/v1/users?limit=0", headers=actor.headers),
        "body too large": api.post(
            "/api/v1/auth/token",
            content=b"x" * (settings.max_request_bytes + 1),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        "health": api.get("/health"),
    }
    assert responses["own member record"].status_code == 200
    for case, response in responses.items():
        assert response.headers["cache-control"] == "no-store", case


def peer_app(settings: Settings, *, trusted_proxies: str) -> FastAPI:
    """The app with one extra route that answers the client address the app sees."""
    app = create_app(settings.model_copy(update={"trusted_proxies": trusted_proxies}))

    @app.get("/peer")
    def peer(request: Request) -> dict[str, str | None]:
        return {"host": request.client.host if request.client else None, "scheme": request.url.scheme}

    return app


@pytest.fixture
def proxied(settings: Settings) -> Iterator[TestClient]:
    app = peer_app(settings, trusted_proxies="10.0.0.0/24, 2001:db8::1")
    with TestClient(app, client=("10.0.0.7", 443)) as client:
        yield client


def test_the_client_behind_a_trusted_proxy_is_the_rightmost_untrusted_address(proxied: TestClient) -> None:
    seen = proxied.get(
        "/peer", headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.5, 10.0.0.3", "X-Forwarded-Proto": "https"}
    ).json()
    assert seen == {"host": "203.0.113.5", "scheme": "https"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings: Settings) -> None:
    with TestClient(peer_app(settings, trusted_proxies=""), client=("127.0.0.1", 443)) as client:
        seen = client.get("/peer", headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"})
    assert seen.json() == {"host": "127.0.0.1", "scheme": "http"}


def test_a_peer_outside_the_trusted_proxies_is_the_client_itself(settings: Settings) -> None:
    app = peer_app(settings, trusted_proxies="10.0.0.0/24")
    with TestClient(app, client=("198.51.100.9", 443)) as client:
        seen = client.get("/peer", headers={"X-Forwarded-For": "203.0.113.5"}).json()
    assert seen["host"] == "198.51.100.9"


@pytest.mark.parametrize("bad", ["*", "proxy.example.org", "10.0.0.0/33", "10.0.0.1, nonsense"])
def test_trusted_proxies_must_be_addresses_or_networks(bad: str) -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(database_url="sqlite://", trusted_proxies=bad)


def test_trusted_proxies_are_read_from_a_comma_separated_setting() -> None:
    settings = Settings(database_url="sqlite://", trusted_proxies=" 10.0.0.1 , 2001:db8::/32 ,")
    assert settings.trusted_proxy_list == ["10.0.0.1", "2001:db8::/32"]


def _database_refusal(statement: str) -> None:
    """Make a real database refuse ``statement`` (a throw-away SQLite table with one unique, non-null x)."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)"))
        connection.execute(text("INSERT INTO t (x) VALUES (1)"))
        connection.execute(text(statement))


def test_a_unique_constraint_that_catches_a_race_is_a_409_and_any_other_refusal_stays_a_500(
    settings: Settings,
) -> None:
    """Services check before they write; when two requests pass the check at the same moment, the database's
    unique constraint refuses the second, which is told to read again (409), not a server error: a problem in
    the API, a page in Swedish in the web interface. A NOT NULL refused is a defect in the code and stays a
    500."""
    app = create_app(settings)

    for prefix in ("/api/v1", ""):

        @app.post(f"{prefix}/twice")
        def twice() -> None:
            _database_refusal("INSERT INTO t (x) VALUES (1)")

        @app.post(f"{prefix}/null")
        def null() -> None:
            _database_refusal("INSERT INTO t (x) VALUES (NULL)")

    with TestClient(app, raise_server_exceptions=False) as client:
        raced, broken = client.post("/api/v1/twice"), client.post("/api/v1/null")
        raced_page, broken_page = client.post("/twice"), client.post("/null")
    assert raced.status_code == 409
    assert raced.headers["content-type"] == "application/problem+json"
    assert raced.json()["code"] == "concurrent_change"
    assert (broken.status_code, broken.json()["code"]) == (500, "internal_error")
    assert raced_page.status_code == 409
    assert raced_page.headers["content-type"].startswith("text/html")
    assert "Någon annan gjorde samma sak i samma ögonblick" in raced_page.text
    assert broken_page.status_code == 500
    assert broken_page.headers["content-type"].startswith("text/html")


def test_data_and_files_are_not_sniffed_nor_their_address_told_to_other_sites(
    api: TestClient, make_member, settings: Settings
) -> None:
    actor = make_member()
    record = api.get("/api/v1/members/me", headers=actor.headers)
    assert record.headers["x-content-type-options"] == "nosniff"
    assert record.headers["referrer-policy"] == "same-origin"
    assert "content-security-policy" not in record.headers  # JSON is not a page
    too_large = api.post(
        "/api/v1/auth/token",
        content=b"x" * (settings.max_request_bytes + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert too_large.status_code == 413
    assert too_large.headers["x-content-type-options"] == "nosniff"


def test_the_api_documentation_keeps_its_inline_start_but_is_never_framed(api: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        docs = api.get(path)
        assert docs.status_code == 200, path
        policy = docs.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy, path
        assert "script-src" not in policy, path  # its viewer starts with an inline script


def test_a_site_whose_sign_in_needs_https_tells_browsers_to_use_nothing_else(settings: Settings) -> None:
    """With the cookie sent only over HTTPS (production) every response carries HSTS for a year; without
    (a test server on plain HTTP) none does, so a browser is not bound to HTTPS by a server that lacks it."""
    secure = create_app(settings.model_copy(update={"secure_cookies": True}))
    with TestClient(secure, base_url="https://testserver") as client:
        assert client.get("/health").headers["strict-transport-security"] == "max-age=31536000"
        assert client.get("/signin").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(create_app(settings)) as client:
        assert "strict-transport-security" not in client.get("/health").headers

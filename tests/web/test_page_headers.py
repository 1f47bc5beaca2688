"""What every page tells the browser (api/edge.py): only this site's scripts and styles run on it, no
other site may show it in a frame, and its address is told to no other site."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _policy(answer) -> dict[str, str]:
    return dict(
        directive.strip().split(" ", 1) for directive in answer.headers["content-security-policy"].split(";")
    )


def test_a_page_runs_only_this_sites_scripts_and_styles_and_is_never_framed(
    browser_client: TestClient,
) -> None:
    page = browser_client.get("/signin")
    assert page.status_code == 200
    policy = _policy(page)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"


def test_a_refusal_page_is_never_framed_either(browser_client: TestClient) -> None:
    missing = browser_client.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert _policy(missing)["frame-ancestors"] == "'none'"
    assert missing.headers["x-frame-options"] == "DENY"


def test_a_pages_own_stricter_referrer_rule_stands(browser_client: TestClient) -> None:
    """The set-password page, whose address holds the link's token, tells no page its address, not even
    its own site's."""
    assert browser_client.get("/password/set?token=abc").headers["referrer-policy"] == "no-referrer"


def test_every_page_names_the_site_s_icon_so_the_browser_asks_for_no_favicon_ico(
    browser_client: TestClient,
) -> None:
    """Without the link a browser asks for /favicon.ico on every page and gets a 404."""
    page = browser_client.get("/signin")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = browser_client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    policy = _policy(page)
    assert "'self'" in policy.get("img-src", policy["default-src"])

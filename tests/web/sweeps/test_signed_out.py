"""A browser that is not signed in sees only the pages for signing in: every other page, real rows' pages
included, sends it to sign in with the page to come back to, and every form without the session's token is
refused as a page. A new page that forgets to ask who is signed in fails here."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.sweeps.sweeping import PAGES, POSTED, World, is_a_page, real_address

#: The pages anyone may see, and where each sends a signed-out browser.
PUBLIC = {
    "/signin": 200,
    "/password/forgot": 200,
    "/password/set": 400,  # without the link's token: a page that says the link is not valid
    "/language/{language}": 303,  # the choice of language, back to where she was
    "/pay/calculator": 307,  # the calculator's old address, moved to /calculator (which needs sign-in)
}


def test_a_signed_out_browser_is_sent_to_sign_in_from_every_page_but_the_public_ones(
    app: FastAPI, pages_world: World
) -> None:
    stranger = TestClient(app, follow_redirects=False)
    for route in PAGES:
        url = real_address(route, pages_world)
        answer = stranger.get(url)
        if route.path in PUBLIC:
            assert answer.status_code == PUBLIC[route.path], url
        else:
            assert answer.status_code == 303, url
            assert answer.headers["location"] == f"/signin?next={quote(url, safe='')}", url


def test_a_signed_out_browser_has_every_form_refused_as_a_page(app: FastAPI, pages_world: World) -> None:
    stranger = TestClient(app, follow_redirects=False)
    for route in POSTED:
        url = real_address(route, pages_world)
        answer = stranger.post(url, data={"name": "x"})
        assert answer.status_code == 403, url
        assert is_a_page(answer), url

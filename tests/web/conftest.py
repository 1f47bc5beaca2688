"""Page tests without a browser: the app's HTML answers through the test client, on the test's transaction."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD
from tests.statement_count import count_statements  # noqa: F401 - the page tests count with it

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def form_token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


@pytest.fixture
def browser_client(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = form_token(client.get("/signin").text)
    answer = client.post(
        "/signin", data={"email": email, "password": password, "next": "/", "csrf_token": token}
    )
    assert answer.status_code == 303, answer.text


def confirmed(client: TestClient, answer, sentence: str) -> str:
    """The page an action of the office sent the browser on to, which says ``sentence`` in its status box
    (``web.notices``): the action's confirmation, not only a changed badge."""
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    assert f'<div class="notice" role="status" id="done">{sentence}</div>' in page
    return page

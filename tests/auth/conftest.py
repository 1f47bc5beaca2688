"""Fixtures for the account-link tests: the API's clock under the test's control, and links read from mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from fastapi import FastAPI

from kooperativet.api.dependencies import now, today

LINK = re.compile(r"http://127\.0\.0\.1:8000/password/set\?token=([A-Za-z0-9_\-]+)")


@pytest.fixture
def clock(app: FastAPI) -> dict[str, datetime]:
    """The API's ``now``, starting at the real moment (the reset job stamps its links by the wall clock);
    tests move it by setting ``clock["now"]``."""
    state = {"now": datetime.now(UTC)}
    app.dependency_overrides[now] = lambda: state["now"]
    app.dependency_overrides[today] = lambda: state["now"].date()
    return state


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def html_text(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def token_in(message: EmailMessage) -> str:
    """The link's token, which the plain text and the HTML must both carry."""
    found = LINK.search(plain_text(message))
    assert found, plain_text(message)
    assert found.group(0) in html_text(message)
    return found.group(1)

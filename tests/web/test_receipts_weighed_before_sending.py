"""The commission form's receipt fields carry what the page's script weighs the chosen files against before
the draft is sent (``static/app.js``): the server's request limit, from its settings, and a receipt's own;
with the words it then says, in the page's language and with the limit as that language writes it."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from kooperativet.assignments.rules import MAX_RECEIPT_BYTES
from kooperativet.config import Settings
from kooperativet.web.i18n import LANGUAGE_COOKIE
from tests.web.conftest import form_token, sign_in

#: 7.5 MB, a limit a cooperative behind a smaller proxy might set: said with its decimal, never rounded up.
SMALLER = 7_864_320


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_request_bytes": SMALLER})


def with_an_expense(client: TestClient) -> str:
    token = form_token(client.get("/commissions/new").text)
    return client.post("/commissions/new", data={"action": "add_expense", "csrf_token": token}).text


def receipt_fields(page: str) -> list[dict[str, str]]:
    fields = re.findall(r'<input type="file"[^>]*>', page)
    assert fields, "the form has no receipt field"
    return [{k: html.unescape(v) for k, v in re.findall(r'(data-[a-z-]+)="([^"]*)"', f)} for f in fields]


def test_a_receipt_field_carries_the_servers_limit_and_what_to_say_in_swedish(
    browser_client: TestClient, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    page = with_an_expense(browser_client)
    for field in receipt_fields(page):
        assert field["data-request-max-bytes"] == str(SMALLER)
        assert field["data-max-bytes"] == str(MAX_RECEIPT_BYTES)
        assert field["data-too-large"] == "Ett kvitto får vara högst 10 MB."
        assert field["data-too-large-together"] == (
            "Kvittona är för stora för att skickas tillsammans (högst 7,5 MB per sparning). "
            "Spara utan några av dem och lägg till dem efteråt, ett eller två åt gången."
        )


def test_in_english_the_limit_is_written_as_english_writes_it(
    browser_client: TestClient, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    browser_client.cookies.set(LANGUAGE_COOKIE, "en")
    page = with_an_expense(browser_client)
    (field,) = receipt_fields(page)
    assert field["data-too-large-together"].startswith(
        "The receipts are too large to send together (at most 7.5 MB per save)."
    )

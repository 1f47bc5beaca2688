"""A body over the limit is refused with 413: a problem for the API, a page a person can read for the web.

A member who saved her draft with three photographed receipts, too large together, was shown the API's JSON
problem and lost her typing; a page tells her that nothing was saved and what to do."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from starlette.types import Message, Receive, Scope, Send

from kooperativet.api.body_limit import BodySizeLimit, megabytes, refusal_page
from kooperativet.config import Settings

CHUNK = b"x" * 65_536


def chunks_over(limit: int) -> Iterator[bytes]:
    """A body sent as a generator goes with Transfer-Encoding: chunked and no Content-Length."""
    for _ in range(limit // len(CHUNK) + 2):
        yield CHUNK


def assert_the_page(response: Response) -> None:
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    text = response.text
    assert "Det du skickade var för stort" in text
    assert "Inget är sparat. Högst 12 MB kan skickas på en gång" in text
    assert "webbläsarens bakåtknapp" in text
    assert "Spara med färre kvitton åt gången" in text
    assert "At most 12 MB can be sent at once" in text


def assert_the_problem(response: Response, path: str) -> None:
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:kooperativet:problem:payload_too_large"
    assert (problem["status"], problem["code"], problem["instance"]) == (413, "payload_too_large", path)


def test_a_commission_form_over_the_limit_is_answered_with_a_page(api: TestClient) -> None:
    # Three phone photos of 4.5 MB, in one save of the draft: the length is declared, nothing is read.
    photo = b"\xff" * 4_500_000
    receipts = {f"expenses.{i}.receipt": (f"kvitto{i}.jpg", photo, "image/jpeg") for i in range(3)}
    response = api.post("/commissions/new", data={"title": "Teater"}, files=receipts)
    assert_the_page(response)
    assert "content-security-policy" in response.headers  # a page like the others, under their policy


def test_a_page_over_the_limit_without_a_declared_length_is_answered_with_a_page(
    api: TestClient, settings: Settings
) -> None:
    # The web's error handler made of the refusal "There is no such page."
    response = api.post(
        "/signin",
        content=chunks_over(settings.max_request_bytes),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_the_page(response)
    assert "There is no such page" not in response.text
    assert "Sidan finns inte" not in response.text


@pytest.mark.parametrize("declared", [True, False], ids=["declared length", "chunked"])
def test_the_api_keeps_its_problem(api: TestClient, settings: Settings, declared: bool) -> None:
    body = b"x" * (settings.max_request_bytes + 1) if declared else chunks_over(settings.max_request_bytes)
    response = api.post("/api/v1/clients", content=body, headers={"content-type": "application/json"})
    assert_the_problem(response, "/api/v1/clients")


def test_an_api_request_that_asks_for_html_is_answered_with_a_page(
    api: TestClient, settings: Settings
) -> None:
    response = api.post(
        "/api/v1/clients",
        content=b"x" * (settings.max_request_bytes + 1),
        headers={"content-type": "application/json", "accept": "text/html,application/xhtml+xml"},
    )
    assert_the_page(response)


def test_a_page_under_the_limit_is_not_refused(api: TestClient) -> None:
    typed = {"email": "nobody@example.se", "password": "x"}
    response = api.post("/signin", data=typed, follow_redirects=False)
    assert response.status_code != 413


def test_the_page_refuses_a_chunked_body_at_the_limit_without_reading_the_rest() -> None:
    pulled = 0

    async def endless_chunks() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def answers_no_such_page(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            while (await receive()).get("more_body"):
                pass
        except Exception:  # as the web's error handler does with the refusal
            await send({"type": "http.response.start", "status": 413, "headers": []})
            await send({"type": "http.response.body", "body": b"There is no such page."})

    sent: list[Message] = []

    async def collect(message: Message) -> None:
        sent.append(message)

    limited = BodySizeLimit(answers_no_such_page, max_bytes=10 * 1024)
    scope = {"type": "http", "method": "POST", "path": "/commissions/new", "headers": []}
    asyncio.run(limited(scope, endless_chunks, collect))

    assert pulled == 11
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 413
    assert "Det du skickade var för stort" in sent[1]["body"].decode()


def test_the_limit_is_said_in_mb_as_swedes_write_it_and_never_rounded_up() -> None:
    assert megabytes(12 * 1024 * 1024, ",") == "12"
    assert megabytes(7_864_320, ",") == "7,5"
    assert megabytes(7_864_320, ".") == "7.5"
    assert megabytes(12 * 1024 * 1024 - 1, ",") == "11,9"  # not "12": she would send 12 MB and be refused
    assert "Högst 7,5 MB" in refusal_page(7_864_320)
    assert "At most 7.5 MB" in refusal_page(7_864_320)


def test_the_page_comes_in_the_language_she_chose_first_with_the_other_below(api: TestClient) -> None:
    photo = b"\xff" * 4_500_000
    receipts = {f"expenses.{i}.receipt": (f"kvitto{i}.jpg", photo, "image/jpeg") for i in range(3)}
    api.cookies.set("kooperativet_language", "en")
    english = api.post("/commissions/new", data={"title": "Teater"}, files=receipts).text
    api.cookies.set("kooperativet_language", "sv")
    swedish = api.post("/commissions/new", data={"title": "Teater"}, files=receipts).text

    assert '<html lang="en">' in english
    assert "<title>Too large to send – kooperativet</title>" in english
    assert "<h1>What you sent was too large</h1>" in english
    assert "<h2>Det du skickade var för stort</h2>" in english
    assert english.index("At most 12 MB") < english.index("Högst 12 MB")
    assert '<html lang="sv">' in swedish
    assert "<h1>Det du skickade var för stort</h1>" in swedish
    assert swedish.index("Högst 12 MB") < swedish.index("At most 12 MB")


def test_without_a_language_or_with_one_it_does_not_know_the_page_is_swedish_first() -> None:
    assert refusal_page(7_864_320).index("Högst 7,5 MB") < refusal_page(7_864_320).index("At most 7.5 MB")
    page = asyncio.run(_refused(BodySizeLimit(_never_called, max_bytes=10, language_cookie="lang"), "de"))
    assert '<html lang="sv">' in page


async def _never_called(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("a body over the limit goes no further")


async def _refused(limit: BodySizeLimit, language: str) -> str:
    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/commissions/new",
        "headers": [(b"content-length", b"11"), (b"cookie", f"lang={language}".encode())],
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await limit(scope, receive, send)
    return bytes(sent[1]["body"]).decode()

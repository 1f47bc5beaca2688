"""The conventions every endpoint follows: problem details, page limits, stable ids, money as strings."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from starlette.types import Message, Receive, Scope, Send

from kooperativet.api.body_limit import BodySizeLimit
from kooperativet.api.types import Money
from kooperativet.auth.models import Role
from kooperativet.config import Settings
from tests.openapi import openapi_spec


def spec() -> dict:
    return openapi_spec()


def test_operation_ids_are_the_handler_names_and_unique() -> None:
    ids = [op["operationId"] for methods in spec()["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), ids


def test_every_collection_caps_its_page_at_100() -> None:
    for path, methods in spec()["paths"].items():
        get = methods.get("get")
        if get and "Page_" in str(get["responses"]["200"]):
            limit = next(p for p in get["parameters"] if p["name"] == "limit")
            assert limit["schema"]["maximum"] == 100, path


def test_every_authenticated_operation_documents_its_problem_responses() -> None:
    for path, methods in spec()["paths"].items():
        for method, operation in methods.items():
            if path == "/health":
                continue
            problems = [code for code in operation["responses"] if code.startswith("4")]
            assert problems, f"{method} {path} documents no 4xx problem"


def test_every_operation_says_what_it_does_in_the_api_documentation() -> None:
    """An integrator reading /docs gets each operation's rule in words (its handler's docstring)."""
    silent = [
        f"{method.upper()} {path}"
        for path, methods in spec()["paths"].items()
        for method, operation in methods.items()
        if not operation.get("description", "").strip()
    ]
    assert silent == []


class Priced(BaseModel):
    amount: Money


def test_money_is_a_string_with_a_pattern_in_the_schema() -> None:
    schema = Priced.model_json_schema(mode="serialization")["properties"]["amount"]
    assert schema["type"] == "string"
    assert schema["pattern"] == r"^-?\d{1,12}(\.\d{1,2})?$"
    assert Priced(amount="12772.5").model_dump(mode="json") == {"amount": "12772.50"}
    assert Priced(amount="12772.57").amount == Decimal("12772.57")


def test_money_is_read_from_a_string_or_whole_kronor_as_an_integer() -> None:
    string, integer = Priced.model_json_schema()["properties"]["amount"]["anyOf"]
    assert (string["type"], string["pattern"], integer["type"]) == (
        "string",
        r"^-?\d{1,12}(\.\d{1,2})?$",
        "integer",
    )
    assert Priced.model_validate_json('{"amount": 3000}').model_dump(mode="json") == {"amount": "3000.00"}


@pytest.mark.parametrize("bad", [12.5, 3000.0, "12.345", "twelve", True, "3_000.00", "+12", " 1 000"])
def test_money_refuses_floats_extra_decimals_and_words(bad: object) -> None:
    with pytest.raises(ValidationError):
        Priced(amount=bad)


def test_a_payload_error_is_a_problem_naming_each_field(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post("/api/v1/clients", json={"payment_terms_days": -1}, headers=treasurer.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:kooperativet:problem:validation_failed"
    assert {e["field"] for e in problem["errors"]} == {"name", "payment_terms_days"}


def test_an_unknown_route_is_a_404_problem(api: TestClient) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_an_oversized_body_is_refused_before_parsing(api: TestClient, settings: Settings) -> None:
    response = api.post(
        "/api/v1/clients",
        content=b"x" * (settings.max_request_bytes + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_a_chunked_body_over_the_limit_is_refused_before_authentication(
    api: TestClient, settings: Settings
) -> None:
    chunk = b"x" * 65_536
    chunks = (settings.max_request_bytes // len(chunk)) + 2

    # A generator body is sent with Transfer-Encoding: chunked and no Content-Length; there is no token.
    response = api.post(
        "/api/v1/clients",
        content=(chunk for _ in range(chunks)),
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


def test_the_body_limit_stops_reading_at_the_limit_instead_of_buffering_the_rest() -> None:
    pulled = 0

    async def endless_chunks() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def reads_everything(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass

    sent: list[Message] = []

    async def collect(message: Message) -> None:
        sent.append(message)

    limited = BodySizeLimit(reads_everything, max_bytes=10 * 1024)
    scope = {"type": "http", "method": "POST", "path": "/x", "headers": []}
    asyncio.run(limited(scope, endless_chunks, collect))

    assert pulled == 11  # ten chunks fit, the eleventh passes the limit and nothing more is read
    assert sent[0]["status"] == 413


def test_health_reports_the_database(api: TestClient) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_docs_and_schema_are_served(api: TestClient) -> None:
    assert api.get("/docs").status_code == 200
    assert api.get("/openapi.json").json()["info"]["title"] == "kooperativet"

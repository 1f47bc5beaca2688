"""Bodies the API cannot use: each is a 422 problem naming the body or the field, as the OpenAPI documents.

Found by fuzzing the API (2026-12-05): a body of bytes that are not UTF-8, or a broken multipart form, was an
undocumented 400; a truncated body named a character offset as its field; money written "3_000.00" was read
as 3000.00.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kooperativet.auth.models import Role
from tests.openapi import openapi_spec

#: A body each parser gives up on: JSON whose text is not UTF-8, and a multipart part without a name.
UNREADABLE = {
    "application/json": ("application/json", b'{"name": "Malm\xf6 stad"}'),
    "multipart/form-data": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; filename="a.xml"\r\n\r\n<a/>\r\n--x--\r\n',
    ),
    # FormParser reads any bytes; the same broken multipart is what a form endpoint cannot read.
    "application/x-www-form-urlencoded": (
        "multipart/form-data; boundary=x",
        b"--x\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--x--\r\n",
    ),
}


def operations_with_a_body() -> list[tuple[str, str, list[str]]]:
    return [
        (method, path, list(operation["requestBody"]["content"]))
        for path, methods in openapi_spec()["paths"].items()
        for method, operation in methods.items()
        if "requestBody" in operation
    ]


def filled(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_operation_that_takes_a_body_documents_what_an_unreadable_one_gets(api: TestClient) -> None:
    """The body is read before anything else (no token is needed to be refused for it): each operation with
    a ``requestBody`` must answer an unreadable one with a status its OpenAPI lists, as a problem."""
    operations = operations_with_a_body()
    assert len(operations) > 50
    for method, path, media_types in operations:
        documented = openapi_spec()["paths"][path][method]["responses"]
        for media_type in media_types:
            content_type, body = UNREADABLE[media_type]
            answer = api.request(method, filled(path), content=body, headers={"content-type": content_type})
            where = f"{method.upper()} {path} ({media_type})"
            assert str(answer.status_code) in documented, f"{where}: {answer.status_code} is not documented"
            assert answer.status_code == 422, where
            assert answer.headers["content-type"] == "application/problem+json", where
            problem = answer.json()
            assert problem["code"] == "validation_failed", where
            assert problem["errors"][0]["field"] == "body", where


def test_a_body_that_is_not_utf_8_says_so_and_where(api: TestClient) -> None:
    content_type, body = UNREADABLE["application/json"]
    answer = api.post("/api/v1/clients", content=body, headers={"content-type": content_type})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {
            "field": "body",
            "reason": "the body is not valid JSON: it is not UTF-8 text (byte 15 cannot be read)",
        }
    ]


def test_a_broken_multipart_form_is_named_as_the_body(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    content_type, body = UNREADABLE["multipart/form-data"]
    answer = api.post(
        "/api/v1/payments/camt054", content=body, headers={**treasurer.headers, "content-type": content_type}
    )
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "body"
    assert error["reason"].startswith("the body is not a readable multipart form: ")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            b'{"name": "Malm\xc3\xb6 stad", ',
            "Expecting property name enclosed in double quotes at line 1, column 24",
        ),
        (b'{\n  "name": "Malm\xc3\xb6 stad",\n  "country": ', "Expecting value at line 3, column 14"),
        (b'{"name": "x"}{', "Extra data at line 1, column 14"),
        (b"name=x", "Expecting value at line 1, column 1"),
        (b"[" * 100_000, "it is nested too deeply to read"),
        (b'{"payment_terms_days": ' + b"1" * 5000 + b"}", "it holds a number too long to read"),
    ],
)
def test_a_body_that_is_not_json_is_named_as_the_body_not_as_an_offset(
    api: TestClient, make_user, body: bytes, reason: str
) -> None:
    treasurer = make_user(Role.treasurer)
    answer = api.post(
        "/api/v1/clients", content=body, headers={**treasurer.headers, "content-type": "application/json"}
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["errors"] == [{"field": "body", "reason": f"the body is not valid JSON: {reason}"}]
    assert problem["detail"] == f"body: the body is not valid JSON: {reason}"


# --- Money -------------------------------------------------------------------------------------------------


def payment(amount: Any) -> dict[str, Any]:
    return {"invoice_id": 1, "amount": amount, "paid_on": "2026-11-20"}


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("3_000.00", "'3_000.00' is not written as an amount"),
        ("+3000.00", "'+3000.00' is not written as an amount"),
        ("3000.", "'3000.' is not written as an amount"),
        ("\N{ARABIC-INDIC DIGIT THREE}000", "is not written as an amount"),
        (3000.1, "not a JSON number with decimals"),
        (3000.0, "not a JSON number with decimals"),
        (True, "not true or false"),
    ],
)
def test_money_written_otherwise_than_documented_is_refused_by_its_field(
    api: TestClient, make_user, amount: Any, reason: str
) -> None:
    treasurer = make_user(Role.treasurer)
    answer = api.post("/api/v1/payments", json=payment(amount), headers=treasurer.headers)
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "amount"
    assert reason in error["reason"]


def test_the_openapi_says_how_money_is_read_and_how_it_is_written() -> None:
    """A request reads a string or whole kronor as a JSON integer; an answer always writes a string."""
    schemas = openapi_spec()["components"]["schemas"]
    amount = schemas["PaymentCreate"]["properties"]["amount"]
    assert [kind["type"] for kind in amount["anyOf"]] == ["string", "integer"]
    assert amount["anyOf"][1]["maximum"] == 999_999_999_999
    assert schemas["PaymentRead"]["properties"]["amount"]["type"] == "string"

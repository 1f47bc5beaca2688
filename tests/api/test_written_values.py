"""Dates, moments and decimals are read only as the OpenAPI writes them: ISO 8601 text, plain digits.

Pydantic's lax mode reads a number, or text of digits, as seconds since 1970 (``0`` is 1 January 1970 as a
date, ``"20260101"`` a moment in August 1970) and ``Decimal`` reads "1_0" as 10. Found by fuzzing the API
(2026-12-05). These walk the OpenAPI, so a date added to any request tomorrow is swept too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from kooperativet.api.types import Schema
from kooperativet.auth.models import Role
from tests.openapi import openapi_spec

DATE_FORMATS = ("date", "date-time")
#: Midnight UTC on 14 November 2023 in seconds: a date lax mode would read (it refuses only an inexact one).
MIDNIGHT = 1_699_920_000
Path = tuple[str | int, ...]


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi_spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def dated_fields(
    schema: dict[str, Any], path: Path = (), seen: frozenset[str] = frozenset()
) -> Iterator[Path]:
    """The path of every date and moment in a request body's schema: in nested objects and list items too."""
    if "$ref" in schema:
        name = schema["$ref"]
        if name in seen:
            return
        seen = seen | {name}
    schema = resolved(schema)
    if schema.get("format") in DATE_FORMATS:
        yield path
    for choice in schema.get("anyOf", []):
        yield from dated_fields(choice, path, seen)
    for name, field in schema.get("properties", {}).items():
        yield from dated_fields(field, (*path, name), seen)
    if "items" in schema:
        yield from dated_fields(schema["items"], (*path, 0), seen)


def body_with(path: Path, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    inner = body_with(tuple(rest), value)
    return [inner] if isinstance(head, int) else {head: inner}


def dated_bodies() -> list[tuple[str, str, Path]]:
    found = []
    for url, methods in openapi_spec()["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for path in dict.fromkeys(dated_fields(content["application/json"]["schema"])):
                    found.append((method, url, path))
    return found


def dated_parameters() -> list[tuple[str, str, str]]:
    return [
        (method, url, parameter["name"])
        for url, methods in openapi_spec()["paths"].items()
        for method, operation in methods.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and any(f'"format": "{f}"' in _text(parameter) for f in DATE_FORMATS)
    ]


def _text(schema: Any) -> str:
    return json.dumps(schema)


def filled(url: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", url)


@pytest.fixture
def everyone(make_member) -> dict[str, str]:
    """A caller every role check lets through, so that what is refused is the value."""
    return make_member(Role.admin, Role.treasurer, Role.board).headers


def test_the_sweeps_find_the_dates_there_are() -> None:
    bodies = {(url, ".".join(map(str, path))) for _, url, path in dated_bodies()}
    assert ("/api/v1/members", "joined_on") in bodies
    assert ("/api/v1/governance/meetings/{meeting_id}/votes", "ends_at") in bodies
    assert ("/api/v1/governance/meetings/{meeting_id}/votes", "sets_parameter.valid_from") in bodies
    assert len(bodies) >= 25
    assert {(url, name) for _, url, name in dated_parameters()} >= {
        ("/api/v1/audit/events", "from"),
        ("/api/v1/members", "current_on"),
    }


@pytest.mark.parametrize("number", [MIDNIGHT, 0, float(MIDNIGHT), str(MIDNIGHT), "20261231"])
def test_every_date_in_a_request_body_is_refused_as_a_number(
    api: TestClient, everyone: dict[str, str], number: Any
) -> None:
    for method, url, path in dated_bodies():
        field = ".".join(map(str, path))
        answer = api.request(method, filled(url), json=body_with(path, number), headers=everyone)
        where = f"{method.upper()} {url} {field}={number!r}"
        assert answer.status_code == 422, where
        errors = {error["field"]: error["reason"] for error in answer.json()["errors"]}
        assert field in errors, where
        assert "ISO 8601" in errors[field], where


@pytest.mark.parametrize("number", [str(MIDNIGHT), "0", "20261231", "2026-1-31"])
def test_every_date_in_a_query_is_refused_as_a_number(
    api: TestClient, everyone: dict[str, str], number: str
) -> None:
    for method, url, name in dated_parameters():
        answer = api.request(method, filled(url), params={name: number}, headers=everyone)
        where = f"{method.upper()} {url} ?{name}={number}"
        assert answer.status_code == 422, where
        assert [error["field"] for error in answer.json()["errors"]] == [name], where
        assert "ISO 8601" in answer.json()["errors"][0]["reason"], where


def test_dates_and_moments_in_iso_8601_are_read_as_before(api: TestClient, everyone: dict[str, str]) -> None:
    assert api.get("/api/v1/audit/events", params={"from": "2026-01-01"}, headers=everyone).status_code == 200
    assert (
        api.get("/api/v1/governance/board", params={"on": "2026-01-31"}, headers=everyone).status_code == 200
    )


def every_request_schema(kind: type[BaseModel] = Schema) -> Iterator[type[BaseModel]]:
    for sub in kind.__subclasses__():
        yield sub
        yield from every_request_schema(sub)


def test_every_request_schema_refuses_a_number_for_each_date_field() -> None:
    """The same for the schemas themselves, those the web's forms read without the API included."""
    checked = 0
    for schema in set(every_request_schema()):
        fields = schema.model_json_schema()["properties"]
        for name, field in fields.items():
            if not any(f'"format": "{f}"' in _text(field) for f in DATE_FORMATS):
                continue
            with pytest.raises(ValidationError) as refused:
                schema.model_validate({name: MIDNIGHT})
            assert any(error["loc"] == (name,) for error in refused.value.errors()), (schema, name)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("quantity", ["1_0", "\N{ARABIC-INDIC DIGIT ONE}0"])
def test_a_decimal_is_written_with_the_digits_0_to_9(api: TestClient, make_member, quantity: str) -> None:
    """A quantity as money is: "1_0" is not read as 10."""
    alva = make_member()
    body = {
        "title": "Workshop",
        "extent_quantity": quantity,
    }  # the rest missing: only this field is asked about
    answer = api.post("/api/v1/assignments", json=body, headers=alva.headers)
    assert answer.status_code == 422
    errors = {error["field"]: error["reason"] for error in answer.json()["errors"]}
    assert (
        errors["extent_quantity"]
        == 'a number is written with the digits 0-9 and a decimal point, such as "2.5"'
    )

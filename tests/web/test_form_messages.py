"""A form says in words what a value must look like, by the error type the API's schema gives."""

from __future__ import annotations

import pytest
from pydantic import AwareDatetime, Field, ValidationError
from starlette.requests import Request

from kooperativet.api.types import Schema, Text
from kooperativet.web.forms import field_errors


class _Moment(Schema):
    ends_at: AwareDatetime


def _swedish_request() -> Request:
    return Request({"type": "http", "method": "POST", "path": "/", "headers": [], "query_string": b""})


@pytest.mark.parametrize("typed", ["1700000000", "20261220", "i morgon"])
def test_a_moment_that_is_not_iso_8601_is_said_as_how_to_write_one(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _Moment.model_validate({"ends_at": typed})

    assert field_errors(_swedish_request(), refused.value) == {
        "ends_at": "Skriv datum och tid som ÅÅÅÅ-MM-DD TT:MM."
    }


class _Rows(Schema):
    rows: list[int] = Field(max_length=3)


def test_too_many_rows_are_said_with_the_limit_not_as_an_invalid_value() -> None:
    with pytest.raises(ValidationError) as refused:
        _Rows.model_validate({"rows": [1, 2, 3, 4]})

    assert field_errors(_swedish_request(), refused.value) == {"rows": "Det är för många rader: högst 3."}


def test_other_refusals_keep_their_message_beside_a_list_refused_for_its_length() -> None:
    with pytest.raises(ValidationError) as refused:
        _Rows.model_validate({"rows": ["x"]})

    assert field_errors(_swedish_request(), refused.value) == {"rows.0": "Skriv ett heltal."}


class _Street(Schema):
    street: Text | None = Field(default=None, max_length=200)  # as MemberUpdate's


def test_a_text_too_long_is_said_in_characters_not_as_too_many_rows() -> None:
    """An optional ``Text`` has validators of its own, so pydantic checks its length after them and calls the
    error "too_long", the type it gives a list: a street of 300 characters is not "too many rows"."""
    with pytest.raises(ValidationError) as refused:
        _Street.model_validate({"street": "x" * 300})

    assert field_errors(_swedish_request(), refused.value) == {
        "street": "Det här är för långt: högst 200 tecken."
    }

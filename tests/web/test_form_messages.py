"""A form says in words what a value must look like, by the error type the API's schema gives."""

from __future__ import annotations

import pytest
from pydantic import AwareDatetime, ValidationError
from starlette.requests import Request

from kooperativet.api.types import Schema
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

"""A number outside the limits its schema holds it to is refused with the limit it crossed, written as the
page's language writes numbers, and with the field's unit when the form gives one
(``web.forms.field_errors``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request

from kooperativet.api.types import Money, Schema
from kooperativet.web.forms import field_errors
from kooperativet.web.i18n import LANGUAGE_COOKIE


class _Bounded(Schema):
    share: Decimal = Field(default=Decimal(1), gt=0, le=100)
    seats: int = Field(default=1, ge=1, lt=51)
    extra: Money = Field(default=Decimal(0), ge=0, le=Decimal(100_000))
    version: int = Field(default=1, ge=1)


class _OwnCheck(Schema):
    amount: Decimal

    @field_validator("amount")
    @classmethod
    def _above_zero(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise PydanticCustomError("greater_than", "must be more than zero")
        return value


def _request(language: str = "sv") -> Request:
    cookie = f"{LANGUAGE_COOKIE}={language}".encode()
    return Request(
        {"type": "http", "method": "POST", "path": "/", "headers": [(b"cookie", cookie)], "query_string": b""}
    )


def _refused(schema: type[Schema], typed: dict[str, str]) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        schema.model_validate(typed)
    return refused.value


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ({"share": "0"}, {"share": "Det här måste vara större än 0\u00a0%."}),
        ({"share": "100.5"}, {"share": "Det här får vara högst 100\u00a0%."}),
        ({"seats": "0"}, {"seats": "Det här måste vara minst 1."}),
        ({"seats": "51"}, {"seats": "Det här måste vara mindre än 51."}),
        ({"extra": "-1"}, {"extra": "Det här måste vara minst 0\u00a0kr."}),
        ({"extra": "250000"}, {"extra": "Det här får vara högst 100\u00a0000\u00a0kr."}),
    ],
)
def test_a_number_out_of_range_is_said_with_its_limit_and_unit(
    typed: dict[str, str], said: dict[str, str]
) -> None:
    refused = _refused(_Bounded, typed)

    assert field_errors(_request(), refused, units={"share": "%", "extra": "kr"}) == said


def test_without_a_unit_the_limit_is_the_number_alone_and_english_writes_it_its_way() -> None:
    refused = _refused(_Bounded, {"extra": "250000", "seats": "0"})

    assert field_errors(_request(), refused) == {
        "seats": "Det här måste vara minst 1.",
        "extra": "Det här får vara högst 100\u00a0000.",
    }
    assert field_errors(_request("en"), refused, units={"extra": "kr"}) == {
        "seats": "This must be at least 1.",
        "extra": "This must be at most 100,000\u00a0kr.",
    }


def test_a_refusal_that_names_no_limit_keeps_the_general_words() -> None:
    """A validator's own ``greater_than`` carries no limit; the version is said for the whole form."""
    assert field_errors(_request(), _refused(_OwnCheck, {"amount": "0"})) == {
        "amount": "Det här måste vara större."
    }
    assert field_errors(_request(), _refused(_Bounded, {"version": "0"})) == {
        "form": "Adressen eller formuläret innehåller ett värde som vi inte kan läsa."
    }

"""A form says in words what a value must look like, by the error type the API's schema gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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


class _Title(Schema):
    title: Text = Field(max_length=200)  # a required Text: pydantic checks its length itself
    passphrase: str = Field(min_length=12)


def test_a_required_text_too_long_or_too_short_is_said_with_the_length_it_must_keep_to() -> None:
    """Pydantic calls these "string_too_long" and "string_too_short"; said only as "too long" (a meeting's
    title, a vote's question) or "too short" (the tellers' passphrase), she had to guess the limit."""
    with pytest.raises(ValidationError) as refused:
        _Title.model_validate({"title": "x" * 1200, "passphrase": "kort"})

    assert field_errors(_swedish_request(), refused.value) == {
        "title": "Det här är för långt: högst 200 tecken.",
        "passphrase": "Det här är för kort: minst 12 tecken.",
    }


class _Dated(Schema):
    paid_on: date
    starts_at: AwareDatetime
    hours: Decimal


def test_a_required_date_time_or_number_left_empty_is_asked_for_not_told_how_to_write_it() -> None:
    with pytest.raises(ValidationError) as refused:
        _Dated.model_validate({"paid_on": " ", "starts_at": "", "hours": ""})

    assert field_errors(_swedish_request(), refused.value) == dict.fromkeys(
        ("paid_on", "starts_at", "hours"), "Fyll i fältet."
    )


def test_a_date_typed_wrongly_is_still_told_how_to_write_it() -> None:
    with pytest.raises(ValidationError) as refused:
        _Dated.model_validate({"paid_on": "25/11", "starts_at": "2026-11-25T10:00+01:00", "hours": "2"})

    assert field_errors(_swedish_request(), refused.value) == {"paid_on": "Skriv datumet som ÅÅÅÅ-MM-DD."}


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-11-31", "2026-13-01"])
def test_a_date_that_is_not_in_the_calendar_is_said_so_not_how_to_write_a_date(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _Dated.model_validate({"paid_on": typed, "starts_at": "2026-11-25T10:00+01:00", "hours": "2"})

    assert field_errors(_swedish_request(), refused.value) == {
        "paid_on": "Den dagen finns inte i kalendern: kontrollera dag och månad."
    }

"""Field types shared by every schema: money as strings, dates in ISO 8601, free text, pages of results."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from types import UnionType
from typing import Annotated, Any, Final, Generic, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NaiveDatetime,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from kooperativet.core.money import MONEY_PATTERN, TOO_LARGE, InvalidAmount, format_amount, parse_amount
from kooperativet.core.text import describe, refused_character


def _money(value: Any) -> Decimal:
    """An amount, or the error type ``money`` (its reason as the message), by which a form says how to write
    an amount wherever one is asked for (``web.forms``).

    A JSON integer is whole kronor (``3000`` is ``"3000.00"``): it is exact, and clients send it. A JSON
    number with a fraction or an exponent (``3000.1``, ``3e3``) is read by the JSON parser as a binary float,
    which may already have lost the öre before it gets here: it is refused, never rounded."""
    if isinstance(value, bool):
        raise PydanticCustomError("money", 'money must be a string such as "1250.00", not true or false')
    if isinstance(value, float):
        raise PydanticCustomError(
            "money",
            'money must be a string such as "1250.50" (or whole kronor as a JSON integer such as 1250), '
            "not a JSON number with decimals, which may already have lost the öre",
        )
    try:
        return parse_amount(value)
    except InvalidAmount as exc:
        raise PydanticCustomError("money", "{reason}", {"reason": str(exc)}) from exc


#: The most kronor a money column holds (``MONEY_PATTERN``'s twelve digits).
LARGEST_KRONOR = int(TOO_LARGE) - 1

#: An amount: read from a string (``"1250.50"``) or a JSON integer of whole kronor (``_money``), always
#: written as a string with two decimals; the OpenAPI says so for requests and answers each.
Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(format_amount, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN, "examples": ["12772.57"]},
                {
                    "type": "integer",
                    "description": "whole kronor",
                    "minimum": -LARGEST_KRONOR,
                    "maximum": LARGEST_KRONOR,
                    "examples": [3000],
                },
            ]
        },
        mode="validation",
    ),
    WithJsonSchema(
        {"type": "string", "pattern": MONEY_PATTERN, "examples": ["12772.57"]}, mode="serialization"
    ),
]

Percent = Annotated[
    Decimal,
    PlainSerializer(format_amount, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,3}(\.\d{1,2})?$", "examples": ["30.00"]}),
]


def _one_line(value: str) -> str:
    return _printable(value, multiline=False)


def _lines(value: str) -> str:
    return _printable(value, multiline=True)


def _printable(value: str, *, multiline: bool) -> str:
    refused = refused_character(value, multiline=multiline)
    if refused is not None:
        allowed = "; line breaks are \\n" if multiline else "; this field is one line"
        raise ValueError(f"{describe(refused)} is not allowed in text{allowed}")
    return value


def _trimmed(value: Any) -> Any:
    """Spaces around a text are never part of it. Trimmed before its length is checked, so a required text
    of spaces only is refused as empty, not stored as "" (the services trimmed it after the check)."""
    return value.strip() if isinstance(value, str) else value


#: Free text on one line (names, titles, addresses, references), trimmed: no control characters, no line or
#: paragraph separators, no noncharacters or lone surrogates (``core.text.refused_character``). Emoji and
#: letters of any script are accepted; each file writer spells them in its own character set.
Text = Annotated[str, BeforeValidator(_trimmed), AfterValidator(_one_line)]

#: A telephone number as people write one: digits, at least five, with an optional leading + and spaces,
#: hyphens, brackets, points or slashes between them ("070-123 45 67", "+46 8 123 456", "(08) 12 34 56").
#: Empty clears it. "ring mig inte" was stored as a member's number, where the office would look for one.
PHONE_PATTERN: Final = r"^(\+?[ ()./-]*(\d[ ()./-]*){5,})?$"
PhoneNumber = Annotated[Text, Field(max_length=40, pattern=PHONE_PATTERN)]

#: Free text over several lines (descriptions, motions, notices): as ``Text``, but line feed and tab allowed.
MultilineText = Annotated[str, BeforeValidator(_trimmed), AfterValidator(_lines)]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a collection, with the total count of matching rows."""

    items: list[T]
    total: int = Field(examples=[42])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


#: A date as the API reads one: ISO 8601's calendar date, nothing else.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: The start of a moment as the API reads one: ISO 8601's date and time (pydantic reads the rest).
ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")


def iso_date(value: Any) -> Any:
    """A date given as text in ISO 8601 (``2026-01-31``), or the error type ``date_parsing``. Pydantic's lax
    mode also reads a number, or text of digits, as seconds since 1970: ``0`` would be 1 January 1970."""
    if value is None or isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", 'a date is written as text in ISO 8601, such as "2026-01-31"')


def iso_moment(value: Any) -> Any:
    """A moment given as text in ISO 8601 (``2026-12-20T18:00:00+01:00``), or the error type
    ``datetime_parsing``: pydantic would read ``1700000000`` as seconds since 1970, and ``"20260101"`` too."""
    if value is None or isinstance(value, datetime) or (isinstance(value, str) and ISO_MOMENT.match(value)):
        return value
    raise PydanticCustomError(
        "datetime_parsing", 'a moment is written as text in ISO 8601, such as "2026-12-20T18:00:00+01:00"'
    )


def plain_decimal(value: Any) -> Any:
    """A number given as text is written with ASCII digits (``2.5``), or the error type ``decimal_parsing``:
    ``Decimal`` also reads "1_0" as 10 and other scripts' digits."""
    if isinstance(value, str) and ("_" in value or not value.isascii()):
        raise PydanticCustomError(
            "decimal_parsing", 'a number is written with the digits 0-9 and a decimal point, such as "2.5"'
        )
    return value


#: A date in a query parameter (``?from=2026-01-01``): a body's dates are held to the same by ``Schema``.
IsoDate = Annotated[date, BeforeValidator(iso_date)]

_TYPE_CHECKS: dict[Any, Callable[[Any], Any]] = {
    datetime: iso_moment,
    AwareDatetime: iso_moment,
    NaiveDatetime: iso_moment,
    date: iso_date,
    Decimal: plain_decimal,
}


@cache
def _checks(schema: type[BaseModel]) -> dict[str, Callable[[Any], Any]]:
    """The check of each of ``schema``'s fields that holds a date, a moment or a decimal (alone or with
    None); the others, lists included, are pydantic's alone."""
    found = {}
    for name, field in schema.model_fields.items():
        check = _check_of(field.annotation, field.metadata)
        if check is not None:
            found[name] = check
    return found


def _check_of(annotation: Any, metadata: list[Any]) -> Callable[[Any], Any] | None:
    if any(getattr(item, "func", None) is _money for item in metadata):
        return None  # Money reads its own text (``_money``)
    if get_origin(annotation) is Annotated:
        inner, *more = get_args(annotation)
        return _check_of(inner, more)
    if get_origin(annotation) in (Union, UnionType):
        checks = {_check_of(arg, []) for arg in get_args(annotation) if arg is not type(None)}
        return checks.pop() if len(checks) == 1 else None
    return _TYPE_CHECKS.get(annotation)


class Schema(BaseModel):
    """What a request's body holds. Every date and moment in it is ISO 8601 text and every decimal plain
    digits (``_written_as_documented``), here once instead of a type on each field, so a new schema cannot
    forget it; ``tests/api/test_written_values.py`` sends a number to every date of the OpenAPI."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _written_as_documented(cls, value: Any, info: ValidationInfo) -> Any:
        check = _checks(cls).get(info.field_name or "")
        return value if check is None else check(value)


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

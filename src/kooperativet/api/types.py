"""Field types shared by every schema: money as strings, free text, pages of results."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from kooperativet.core.money import MONEY_PATTERN, InvalidAmount, format_amount, parse_amount
from kooperativet.core.text import describe, refused_character


def _money(value: Any) -> Decimal:
    """An amount, or the error type ``money`` (its reason as the message), by which a form says how to write
    an amount wherever one is asked for (``web.forms``)."""
    if isinstance(value, bool | float):
        raise PydanticCustomError("money", 'money must be a string such as "1250.00", not a JSON number')
    try:
        return parse_amount(value)
    except InvalidAmount as exc:
        raise PydanticCustomError("money", "{reason}", {"reason": str(exc)}) from exc


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(format_amount, return_type=str),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["12772.57"]}),
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

#: Free text over several lines (descriptions, motions, notices): as ``Text``, but line feed and tab allowed.
MultilineText = Annotated[str, BeforeValidator(_trimmed), AfterValidator(_lines)]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a collection, with the total count of matching rows."""

    items: list[T]
    total: int = Field(examples=[42])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

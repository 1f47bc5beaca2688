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

from kooperativet.core.money import MONEY_PATTERN, InvalidAmount, format_amount, parse_amount
from kooperativet.core.text import describe, refused_character


def _money(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError('money must be a string such as "1250.00", not a JSON number')
    try:
        return parse_amount(value)
    except InvalidAmount as exc:
        raise ValueError(str(exc)) from exc


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


#: Free text on one line (names, titles, addresses, references): no control characters, no line or
#: paragraph separators, no noncharacters or lone surrogates (``core.text.refused_character``). Emoji and
#: letters of any script are accepted; each file writer spells them in its own character set.
Text = Annotated[str, AfterValidator(_one_line)]

#: Free text over several lines (descriptions, motions, notices): as ``Text``, but line feed and tab allowed.
MultilineText = Annotated[str, AfterValidator(_lines)]

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

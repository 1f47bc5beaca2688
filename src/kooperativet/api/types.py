"""Field types shared by every schema: money as strings, pages of results."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from kooperativet.core.money import MONEY_PATTERN, InvalidAmount, format_amount, parse_amount


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

T = TypeVar("T")

MAX_PAGE_SIZE = 100


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

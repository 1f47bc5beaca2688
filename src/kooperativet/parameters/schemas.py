from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from kooperativet.api.types import MultilineText, ReadSchema, Schema, Text
from kooperativet.parameters.catalog import ValueKind


class ParameterValueCreate(Schema):
    valid_from: date = Field(examples=["2027-01-01"])
    value: MultilineText = Field(
        min_length=1, max_length=20_000, description="as text: 0.055, 2500.00, krona …", examples=["0.055"]
    )
    source: Text = Field(min_length=1, max_length=500, examples=["Årsmötet 2026-05-20, § 12"])
    decision_reference: Text | None = Field(default=None, max_length=200)


class ParameterValueRead(ReadSchema):
    id: int
    key: str
    valid_from: date
    value: str
    source: str
    decision_reference: str | None
    created_at: datetime


class MissingRenewalRead(ReadSchema):
    period_start: date = Field(description="the first day of the period that has no value of its own")
    period_end: date
    in_force_period_start: date = Field(description="the period of the value used meanwhile (in_force)")
    in_force_period_end: date


class ParameterRead(ReadSchema):
    key: str
    kind: ValueKind
    description: str
    choices: list[str]
    in_force: ParameterValueRead | None = Field(description="the value in force today")
    values: list[ParameterValueRead]
    missing_renewal: MissingRenewalRead | None = Field(
        default=None,
        description=(
            "for a parameter the law sets anew each period (the reference rate: each calendar half-year), "
            "the period today falls in when its value has not been added; in_force is then an earlier "
            "period's"
        ),
    )

"""The board: members' roles and terms, as elected."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kooperativet.api.types import ReadSchema, Schema, Text
from kooperativet.governance.models import BoardRole


class BoardAssignmentCreate(Schema):
    member_id: int
    role: BoardRole
    term_from: date = Field(examples=["2026-05-01"])
    term_to: date | None = Field(default=None, examples=["2027-04-30"])
    decision_reference: Text | None = Field(default=None, max_length=200, examples=["årsmötet 2026 § 12"])


class BoardAssignmentRead(ReadSchema):
    id: int
    member_id: int
    role: BoardRole
    term_from: date
    term_to: date | None
    decision_reference: str | None

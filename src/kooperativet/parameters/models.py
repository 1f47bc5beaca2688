from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base, utcnow


class ParameterValue(Base):
    """One dated value of a parameter; it holds until the next value of the same key."""

    __tablename__ = "parameter_values"
    __table_args__ = (UniqueConstraint("key", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    valid_from: Mapped[date]
    value: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    decision_reference: Mapped[str | None] = mapped_column(
        String(200), default=None, doc="the governance decision that set this value, when one did"
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def as_decimal(self) -> Decimal:
        return Decimal(self.value)

    def as_int(self) -> int:
        return int(self.value)

    def as_json(self) -> Any:
        return json.loads(self.value)

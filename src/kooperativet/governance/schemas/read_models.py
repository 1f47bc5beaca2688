"""What every read model of governance shares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def stored_fields(row: object, schema: type[BaseModel], *, derived: set[str]) -> dict[str, Any]:
    """The fields of a read model that the row holds as they are; the ``derived`` ones the caller gives."""
    return {name: getattr(row, name) for name in schema.model_fields if name not in derived}

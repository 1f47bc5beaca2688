"""What every parties use case checks the same way: identifiers parsed into 422s, unique races into 409s."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kooperativet.core import identifiers as ids
from kooperativet.db import is_unique_violation
from kooperativet.errors import Conflict, RuleViolation

T = TypeVar("T")


def validated(field: str, parse: Callable[[str], T], value: str) -> T:
    """Parse an identifier; a bad one becomes a 422 naming the field and the reason."""
    try:
        return parse(value)
    except ids.InvalidIdentifier as exc:
        raise RuleViolation(f"{field}: {exc}", code="invalid_identifier", field=field) from exc


def flush_unique(session: Session, message: str, field: str) -> None:
    """Flush, turning a unique-constraint race into the same 409 the pre-checks give."""
    try:
        session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(message, code="duplicate", field=field) from exc
        raise

"""What every parties use case checks the same way: identifiers parsed into 422s, unique races into 409s."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def postal_code_for(country: str | None, postal_code: str | None) -> str | None:
    """The postal code as stored: in Sweden five digits written ``NNN NN`` (a code of another form is a
    422 on the field), elsewhere as typed."""
    if country != "SE" or not postal_code:
        return postal_code
    try:
        return ids.normalise_swedish_postal_code(postal_code)
    except ids.InvalidIdentifier as exc:
        raise RuleViolation(
            f"postal_code: {exc}; {postal_code!r} is not one", code="invalid_postal_code", field="postal_code"
        ) from exc


@contextmanager
def unique_rows(session: Session, message: str, field: str) -> Iterator[None]:
    """The change made inside, flushed in a savepoint of its own; a unique index that refuses it (a race
    with another request that committed the same number first) becomes the same 409 the pre-checks give.

    The savepoint is what lets the refusal be said: a flush the database refused outside one leaves the whole
    transaction unusable, so the page that shows the form again with the message could read nothing (a 500).
    It is begun before the change, since beginning one flushes what is pending first."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(message, code="duplicate", field=field) from exc
        raise

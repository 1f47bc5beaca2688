"""``Idempotency-Key`` for POSTs that create money documents (quality.md R3).

A client sends a key it chose; the first request with that key runs and its response is stored in the same
transaction. A replay with the same key and the same body returns the stored response; the same key with
another body is refused (422). Concurrent duplicates create exactly one document: the key row is inserted
before the work, so the second request waits on the unique index (PostgreSQL) or on the write lock
(SQLite) and then finds the first one's stored response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Header
from pydantic import BaseModel
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from kooperativet.db import Base, utcnow
from kooperativet.errors import Conflict, RuleViolation

ResponseT = TypeVar("ResponseT", bound=BaseModel)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="a key you choose (a UUID); a retry with the same key and body gets the first response",
    ),
]


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("user_id", "operation", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    operation: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    response_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def idempotent(
    session: Session,
    *,
    key: str | None,
    user_id: int,
    operation: str,
    request: BaseModel,
    response_model: type[ResponseT],
    produce: Callable[[], ResponseT],
) -> ResponseT:
    """Run ``produce`` once per (user, operation, key); replays return the first response."""
    if key is None:
        return produce()
    digest = _request_digest(request)
    stored = _claim(session, key=key, user_id=user_id, operation=operation, digest=digest)
    if stored is not None:
        return response_model.model_validate_json(stored)
    response = produce()
    record = _find(session, key=key, user_id=user_id, operation=operation)
    assert record is not None  # claimed above, in this transaction
    record.response_json = response.model_dump_json()
    session.flush()
    return response


def _claim(session: Session, *, key: str, user_id: int, operation: str, digest: str) -> str | None:
    """Insert the key row, or return the stored response of an earlier request with this key."""
    existing = _find(session, key=key, user_id=user_id, operation=operation)
    if existing is None:
        try:
            with session.begin_nested():
                session.add(
                    IdempotentRequest(user_id=user_id, operation=operation, key=key, request_sha256=digest)
                )
        except IntegrityError:
            # A concurrent request with the same key committed first; read what it stored.
            existing = _find(session, key=key, user_id=user_id, operation=operation)
            if existing is None:
                raise
        else:
            return None
    if existing.request_sha256 != digest:
        raise RuleViolation(
            "this Idempotency-Key was used with another request body; use a new key for a new request",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    if existing.response_json is None:
        raise Conflict("a request with this Idempotency-Key is still running", code="idempotency_in_progress")
    return existing.response_json


def _find(session: Session, *, key: str, user_id: int, operation: str) -> IdempotentRequest | None:
    return session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id,
            IdempotentRequest.operation == operation,
            IdempotentRequest.key == key,
        )
    )


def _request_digest(request: BaseModel) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()

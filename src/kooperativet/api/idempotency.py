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
from datetime import datetime, timedelta
from typing import Annotated, Final

from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy import ForeignKey, Insert, String, Text, UniqueConstraint, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from kooperativet.db import Base, commit_now, table_of, utcnow
from kooperativet.errors import Conflict, RuleViolation

#: How long a key and its answer are kept: a retry comes within minutes or hours of its first request; a week
#: covers a client that was down over a long weekend. The workers forget older ones every day
#: (``workflows.answered_requests``); a request with a forgotten key runs as a new one.
KEPT: Final = timedelta(days=7)

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
    produce: Callable[[], BaseModel],
    status_code: int,
) -> Response:
    """Run ``produce`` once per (user, operation, key); replays return the first response.

    Two statements besides the work: the key row is inserted unless the key is taken, and the response is
    stored in it by its id. The key, the work and its stored answer are committed together here, in the
    handler's worker thread, before the answer goes back to the event loop to be sent: on SQLite the
    transaction holds the one writer until its commit, and the turns of the event loop that follow a
    handler (checking the answer, ending the request's transaction) would hold it for a millisecond or
    more under load. A commit the database refuses is ``NotSaved`` (503), as at the end of the request.

    The answer is the JSON stored with the key, sent as it is: a replay gets the first answer's very bytes,
    and FastAPI does not check and serialise again what the model has just made (for a commission, the
    write many people make at once, about 2 of the 6 ms it took beyond ``/health`` in one process; for a
    payroll run, every payslip once more: docs/quality.md, "A commission's rows written by their INSERTs,
    and answered with the JSON it stores"). The route names the model as its ``response_model`` for the
    OpenAPI document."""
    answer = _answer_once(
        session, key=key, user_id=user_id, operation=operation, request=request, produce=produce
    )
    return Response(answer, status_code=status_code, media_type="application/json")


def _answer_once(
    session: Session,
    *,
    key: str | None,
    user_id: int,
    operation: str,
    request: BaseModel,
    produce: Callable[[], BaseModel],
) -> str:
    """The answer as JSON, committed: what ``produce`` made now, or for a replay what it made first."""
    if key is None:
        answer = produce().model_dump_json()
        commit_now(session)
        return answer
    digest = _request_digest(request)
    key_row = {
        "user_id": user_id,
        "operation": operation,
        "key": key,
        "request_sha256": digest,
        "created_at": utcnow(),
    }
    claimed = session.scalar(insert_unless_taken(session), key_row)
    if claimed is None:
        stored = _stored_response(session, key=key, user_id=user_id, operation=operation, digest=digest)
        commit_now(session)
        return stored
    answer = produce().model_dump_json()
    session.execute(_STORE_RESPONSE, {"claimed": claimed, "response_json": answer})
    commit_now(session)
    return answer


def insert_unless_taken(session: Session) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` of the key row, in the session's SQL dialect: no id
    when the key is taken. A concurrent request holding the same key uncommitted makes PostgreSQL wait for its
    end (SQLite's writers already take turns), so that a committed key is seen, never raced past."""
    dialect = session.get_bind().dialect.name
    statement = _INSERTS.get(dialect)
    if statement is None:
        module = postgresql if dialect == "postgresql" else sqlite
        statement = (
            module.insert(table_of(IdempotentRequest))
            .on_conflict_do_nothing(index_elements=["user_id", "operation", "key"])
            .returning(IdempotentRequest.id)
        )
        _INSERTS[dialect] = statement
    return statement


#: The claim statement of each dialect, built once (its cache key with it).
_INSERTS: dict[str, Insert] = {}

_STORE_RESPONSE: Final = (
    update(table_of(IdempotentRequest))
    .where(IdempotentRequest.id == bindparam("claimed"))
    .values(response_json=bindparam("response_json"))
)


def _stored_response(session: Session, *, key: str, user_id: int, operation: str, digest: str) -> str:
    """The response stored under a key taken by an earlier request, if that request had the same body and
    has finished."""
    existing = session.execute(
        select(IdempotentRequest.request_sha256, IdempotentRequest.response_json).where(
            IdempotentRequest.user_id == user_id,
            IdempotentRequest.operation == operation,
            IdempotentRequest.key == key,
        )
    ).one()
    if existing.request_sha256 != digest:
        raise RuleViolation(
            "this Idempotency-Key was used with another request body; use a new key for a new request",
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    if existing.response_json is None:
        raise Conflict("a request with this Idempotency-Key is still running", code="idempotency_in_progress")
    response: str = existing.response_json
    return response


def _request_digest(request: BaseModel) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def forget_answers(session: Session, *, now: datetime) -> int:
    """Delete the keys and answers stored more than ``KEPT`` before ``now``, the API's and the web forms'
    (``web.once``) alike: the table does not grow for ever, and an answer (which may name a client or a
    member) is not kept beyond its use. How many were deleted."""
    deleted = session.execute(delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEPT))
    return int(getattr(deleted, "rowcount", 0) or 0)

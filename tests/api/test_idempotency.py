from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet import migrate
from kooperativet.api.idempotency import IdempotentRequest, idempotent
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.errors import RuleViolation
from kooperativet.parties.models import Client
from tests.conftest import TEST_AUDIT_KEY, TEST_DATABASE_ENV, throwaway_postgres_database


class NewClient(BaseModel):
    name: str


class ClientOut(BaseModel):
    id: int
    name: str


def create(session: Session, body: NewClient) -> ClientOut:
    client = Client(name=body.name)
    session.add(client)
    session.flush()
    return ClientOut(id=client.id, name=client.name)


def _answer(response: Response) -> ClientOut:
    assert response.media_type == "application/json"
    return ClientOut.model_validate_json(response.body)


def test_without_a_key_every_request_runs(session: Session, make_user) -> None:
    user = make_user(Role.treasurer).user
    for _ in range(2):
        idempotent(
            session,
            key=None,
            user_id=user.id,
            operation="create_client",
            request=NewClient(name="A"),
            status_code=201,
            produce=lambda: create(session, NewClient(name="A")),
        )
    assert session.scalar(select(func.count(Client.id))) == 2


def test_a_replay_returns_the_first_response_and_creates_nothing(session: Session, make_user) -> None:
    user = make_user(Role.treasurer).user
    body = NewClient(name="Kund AB")
    responses = [
        idempotent(
            session,
            key="key-0001-abcd",
            user_id=user.id,
            operation="create_client",
            request=body,
            status_code=201,
            produce=lambda: create(session, body),
        )
        for _ in range(3)
    ]
    assert responses[0].status_code == 201
    assert responses[0].body == responses[1].body == responses[2].body  # the first answer's very bytes
    assert _answer(responses[0]).name == "Kund AB"
    assert session.scalar(select(func.count(Client.id))) == 1


def test_the_same_key_with_another_body_is_refused(session: Session, make_user) -> None:
    user = make_user(Role.treasurer).user
    idempotent(
        session,
        key="key-0001-abcd",
        user_id=user.id,
        operation="create_client",
        request=NewClient(name="A"),
        status_code=201,
        produce=lambda: create(session, NewClient(name="A")),
    )
    with pytest.raises(RuleViolation, match="another request body"):
        idempotent(
            session,
            key="key-0001-abcd",
            user_id=user.id,
            operation="create_client",
            request=NewClient(name="B"),
            status_code=201,
            produce=lambda: create(session, NewClient(name="B")),
        )
    assert session.scalar(select(func.count(Client.id))) == 1


@pytest.fixture
def committed_database(tmp_path: Path) -> Iterator[str]:
    """A database of its own: this test needs real commits from several connections."""
    import os

    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        url = f"sqlite:///{tmp_path / 'idempotency.sqlite3'}"
        migrate.upgrade(url)
        yield url
        return
    with throwaway_postgres_database(server_url) as url:
        migrate.upgrade(url)
        yield url


@pytest.mark.slow
def test_concurrent_duplicates_create_exactly_one(committed_database: str) -> None:
    engine = make_engine(committed_database)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        user = User(email="t@example.se", full_name="T", password_hash="x")
        user.role_rows = [UserRole(role=Role.treasurer)]
        session.add(user)
        session.flush()
        user_id = user.id
    body = NewClient(name="Samtidig AB")
    results: list[ClientOut] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            with transaction(factory) as session:
                results.append(
                    _answer(
                        idempotent(
                            session,
                            key="same-key-123",
                            user_id=user_id,
                            operation="create_client",
                            request=body,
                            status_code=201,
                            produce=lambda s=session: create(s, body),
                        )
                    )
                )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(factory) as session:
        clients = session.scalar(select(func.count(Client.id)))
        keys = session.scalar(select(func.count(IdempotentRequest.id)))
    engine.dispose()
    assert errors == []
    assert clients == 1
    assert keys == 1
    assert len({r.id for r in results}) == 1
    assert len(results) == 8


def test_the_workers_forget_answers_older_than_a_week_and_keep_the_rest(session: Session, make_user) -> None:
    from datetime import UTC, datetime, timedelta

    from kooperativet.api.idempotency import KEPT
    from kooperativet.jobs import JobContext
    from kooperativet.jobs.periodic import registered
    from kooperativet.workflows.answered_requests import FORGET_ANSWERED_REQUESTS, forget_answered_requests

    user = make_user(Role.treasurer).user
    now = datetime.now(UTC)
    for key, age in (
        ("old-web-form", KEPT + timedelta(minutes=1)),
        ("recent-api-call", KEPT - timedelta(hours=1)),
    ):
        session.add(
            IdempotentRequest(
                user_id=user.id,
                operation="create_client",
                key=key,
                request_sha256="0" * 64,
                response_json='{"location": "/office/clients"}',
                created_at=now - age,
            )
        )
    session.flush()
    assert registered()[FORGET_ANSWERED_REQUESTS] == timedelta(days=1)
    forget_answered_requests(JobContext(session=session, settings=None, job_id=0, attempt=1), {})
    assert list(session.scalars(select(IdempotentRequest.key))) == ["recent-api-call"]

"""quality.md R11: no 2xx leaves the server before its transaction has committed; a failed commit is no 2xx.

These tests need real commits seen from another connection, so they build their own throw-away database
(SQLite file or a new PostgreSQL database) and an application on it, instead of the rolled-back test
transaction every other API test uses. An ASGI wrapper looks at the database from a second connection at
the very moment the first byte of a 2xx body is sent: that is when a client may act on the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kooperativet.auth.dependencies import token_config
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.auth.passwords import hash_password
from kooperativet.auth.tokens import issue_access_token
from kooperativet.config import Settings
from kooperativet.db import READ_ONLY, make_engine, make_session_factory, transaction
from kooperativet.main import create_app
from kooperativet.parties.models import Client, Member
from tests.assignments.factories import assignment_body
from tests.conftest import (
    TEST_AUDIT_KEY,
    TEST_BLIND_INDEX_KEY,
    TEST_DATA_KEY,
)
from tests.parties.test_clients_api import MUNICIPALITY
from tests.parties.test_members_api import new_member

NEW_USER = {
    "email": "ny@example.se",
    "full_name": "Ny Kassör",
    "password": "long enough pw",
    "roles": ["treasurer"],
}


@dataclass
class Witness:
    """An ASGI wrapper that, when a 2xx body starts, looks for the created row from another connection."""

    app: ASGIApp
    observer: Engine
    tables: dict[str, str]  # path → table the created row lands in
    seen: list[tuple[str, int, bool]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.tables:
            await self.app(scope, receive, send)
            return
        status = 0

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and 200 <= status < 300 and message.get("body"):
                created = json.loads(message["body"])["id"]
                self.seen.append((scope["path"], status, self._row_exists(scope["path"], created)))
            await send(message)

        await self.app(scope, receive, watching_send)

    def _row_exists(self, path: str, row_id: int) -> bool:
        table = self.tables[path]
        # A plain read on its own connection: on SQLite it never waits for the writer (WAL).
        with self.observer.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})
            found = connection.execute(text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": row_id})  # noqa: S608
            return found.first() is not None


@dataclass
class CommittedApi:
    client: TestClient
    witness: Witness
    headers: Callable[[str], dict[str, str]]
    engine: Engine
    client_id: int


def committed_settings(url: str, data_dir: Path, **more: Any) -> Settings:
    """Settings for an application on a database of the test's own (``committed_url``)."""
    return Settings(
        env="test",
        data_dir=data_dir,
        database_url=url,
        secret_key="c" * 48,
        audit_key=TEST_AUDIT_KEY.decode(),
        data_key=TEST_DATA_KEY,
        blind_index_key=TEST_BLIND_INDEX_KEY,
        **more,
    )


@pytest.fixture
def committed_api(committed_url: str, tmp_path: Path) -> Iterator[CommittedApi]:
    settings = committed_settings(committed_url, tmp_path)
    app = create_app(settings)
    engine: Engine = app.state.engine
    people = _seed_people(engine)
    observer = make_engine(committed_url)
    tables = {
        "/api/v1/clients": "clients",
        "/api/v1/members": "members",
        "/api/v1/assignments": "assignments",
        "/api/v1/users": "users",
    }
    witness = Witness(app=app, observer=observer, tables=tables)

    def headers(who: str) -> dict[str, str]:
        token, _ = issue_access_token(
            config=token_config(settings), user_id=people[who], now=datetime.now(UTC)
        )
        return {"Authorization": f"Bearer {token}"}

    try:
        with TestClient(witness, raise_server_exceptions=False) as client:
            yield CommittedApi(client, witness, headers, engine, people["client"])
    finally:
        observer.dispose()
        engine.dispose()


def _seed_people(engine: Engine) -> dict[str, int]:
    """A treasurer, a board member who is also a member of the cooperative, and a client, committed."""
    password = hash_password("a long enough password")
    ids: dict[str, int] = {}
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        for who, roles in (
            ("admin", [Role.admin]),
            ("treasurer", [Role.treasurer]),
            ("board", [Role.board, Role.member]),
        ):
            user = User(email=f"{who}@example.se", full_name=who.title(), password_hash=password)
            user.role_rows = [UserRole(role=role) for role in roles]
            session.add(user)
            session.flush()
            ids[who] = user.id
        session.add(
            Member(
                user_id=ids["board"],
                first_name="Bo",
                last_name="Styrelse",
                personal_identity_number="199005141230",
                birth_date=date(1990, 5, 14),
                joined_on=date(2025, 1, 1),
                email="board@example.se",
                bank_clearing_number="6000",
                bank_account_number="123456789",
            )
        )
        client = Client(name="Lunds kommun", country="SE")
        session.add(client)
        session.flush()
        ids["client"] = client.id
    return ids


def test_every_created_row_is_committed_before_the_first_byte_of_its_2xx(committed_api: CommittedApi) -> None:
    api = committed_api
    treasurer = api.headers("treasurer")

    client = api.client.post("/api/v1/clients", json=MUNICIPALITY, headers=treasurer)
    member = api.client.post("/api/v1/members", json=new_member(), headers=treasurer)
    assignment = api.client.post(
        "/api/v1/assignments", json=assignment_body(api.client_id), headers=api.headers("board")
    )
    user = api.client.post("/api/v1/users", json=NEW_USER, headers=api.headers("admin"))

    assert [r.status_code for r in (client, member, assignment, user)] == [201] * 4
    assert api.witness.seen == [
        ("/api/v1/clients", 201, True),
        ("/api/v1/members", 201, True),
        ("/api/v1/assignments", 201, True),
        ("/api/v1/users", 201, True),
    ]


def test_a_commit_that_fails_is_a_problem_response_and_nothing_is_kept(committed_api: CommittedApi) -> None:
    api = committed_api

    def fail_the_commit(session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint's release (the client's row, unique_rows) goes on
            return
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(Session, "before_commit", fail_the_commit)
    try:
        response = api.client.post("/api/v1/clients", json=MUNICIPALITY, headers=api.headers("treasurer"))
    finally:
        event.remove(Session, "before_commit", fail_the_commit)

    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_saved"
    assert "Retry-After" in response.headers
    assert api.witness.seen == []
    with api.engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM clients")).scalars().all()
    assert names == ["Lunds kommun"]  # only the seeded client; the refused one was never saved


def test_a_read_right_after_a_201_finds_what_it_created(committed_api: CommittedApi) -> None:
    api = committed_api
    treasurer = api.headers("treasurer")

    created = api.client.post("/api/v1/clients", json=MUNICIPALITY, headers=treasurer)
    fetched = api.client.get(f"/api/v1/clients/{created.json()['id']}", headers=treasurer)

    assert (created.status_code, fetched.status_code) == (201, 200)
    assert fetched.json()["name"] == MUNICIPALITY["name"]

"""Readers and writers wait for database sessions apart (``api.dependencies.get_session``): writers queued
for SQLite's one write lock never keep a page that only reads waiting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from kooperativet.auth.dependencies import token_config
from kooperativet.auth.tokens import issue_access_token
from kooperativet.main import create_app
from tests.api.test_commit_before_answer import _seed_people, committed_settings


def test_a_reader_is_answered_while_every_writer_slot_waits_for_the_write_lock(
    committed_url: str, tmp_path: Path
) -> None:
    settings = committed_settings(committed_url, tmp_path, db_sessions=2)
    app = create_app(settings)
    engine: Engine = app.state.engine
    lock = app.state.write_lock
    if lock is None:
        engine.dispose()
        pytest.skip("only SQLite queues its writers on the process's write lock")
    treasurer = _seed_people(engine)["treasurer"]
    token, _ = issue_access_token(config=token_config(settings), user_id=treasurer, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}"}

    async def scenario() -> tuple[int, list[int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as api:
            lock.acquire()  # another writer holds SQLite's write lock, for as long as it takes
            try:
                writers = [
                    asyncio.create_task(api.post("/api/v1/clients", json={"name": f"Kund {n}"}))
                    for n in range(3)  # more than the writers' two slots
                ]
                await asyncio.sleep(0.3)
                reader = await asyncio.wait_for(api.get("/api/v1/clients"), timeout=10)
                assert not any(writer.done() for writer in writers)
            finally:
                lock.release()
            written = await asyncio.gather(*writers)
            return reader.status_code, [reply.status_code for reply in written]

    try:
        assert asyncio.run(scenario()) == (200, [201, 201, 201])
    finally:
        engine.dispose()

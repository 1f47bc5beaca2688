"""Parallel wrong guesses at the token endpoint: no more reach the password check than the throttle allows.

The requests must run truly at once, each in its own transaction, so this builds an application on a database
of its own (``committed_url``) instead of the rolled-back test transaction, as ``tests/api`` does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from kooperativet.auth import service
from kooperativet.main import create_app
from tests.api.test_commit_before_answer import _seed_people, committed_settings

GUESSES = 12
LIMIT = 5
#: How long each password check takes: argon2's work, long enough for every request to be checked meanwhile.
CHECK_SECONDS = 0.3


def test_parallel_wrong_guesses_reach_the_password_check_no_more_often_than_the_limit(
    committed_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = committed_settings(
        committed_url,
        tmp_path,
        login_attempts_per_window=LIMIT,
        db_sessions=GUESSES,  # every guess gets a transaction at once, none waits for a slot
        db_pool_size=2 * GUESSES,
    )
    app = create_app(settings)
    engine: Engine = app.state.engine
    _seed_people(engine)
    checked = []
    lock = threading.Lock()

    def slow_wrong_password(password: str, password_hash: str) -> bool:
        with lock:
            checked.append(password)
        time.sleep(CHECK_SECONDS)
        return False

    monkeypatch.setattr(service, "verify_password", slow_wrong_password)

    async def guesses() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
            replies = await asyncio.gather(
                *(
                    api.post(
                        "/api/v1/auth/token", data={"username": "board@example.se", "password": f"guess {n}"}
                    )
                    for n in range(GUESSES)
                )
            )
        return sorted(reply.status_code for reply in replies)

    try:
        statuses = asyncio.run(guesses())
    finally:
        engine.dispose()
    assert len(checked) == LIMIT
    assert statuses == [401] * LIMIT + [429] * (GUESSES - LIMIT)

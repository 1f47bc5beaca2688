"""``kooperativet serve`` runs uvicorn without a Server header and without uvicorn's own proxy trust.

The options ``serve`` passes are captured and then used to run a real uvicorn server on a free port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import Request
from sqlalchemy import Engine
from typer.testing import CliRunner

from kooperativet.cli import app as cli
from kooperativet.config import Settings
from kooperativet.main import create_app
from tests.conftest import TEST_AUDIT_KEY, TEST_BLIND_INDEX_KEY, TEST_DATA_KEY

# Where uvicorn listens and how it restarts are the test's business; the rest is what serve decided.
PLACEMENT = ("host", "port", "workers", "reload", "factory")


@pytest.fixture
def serve_options(monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine) -> dict[str, Any]:
    captured: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: captured.update(options, app=app))
    # serve checks the database and the keys before it starts: the test database (migrated by ``engine``),
    # with the suite's keys.
    environment = {
        "KOOPERATIVET_DATABASE_URL": settings.resolved_database_url,
        "KOOPERATIVET_DATA_DIR": str(settings.data_dir),
        "KOOPERATIVET_DATA_KEY": TEST_DATA_KEY,
        "KOOPERATIVET_BLIND_INDEX_KEY": TEST_BLIND_INDEX_KEY,
        "KOOPERATIVET_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
    }
    result = CliRunner().invoke(cli, ["serve"], env=environment)
    assert result.exit_code == 0, result.output
    assert captured.pop("app") == "kooperativet.main:create_served_app"
    return {name: value for name, value in captured.items() if name not in PLACEMENT}


@pytest.fixture
def served(serve_options: dict[str, Any], settings: Settings) -> Iterator[str]:
    """The app (plus a route answering the client address it sees) behind uvicorn as serve configures it."""
    app = create_app(settings)

    @app.get("/peer")
    def peer(request: Request) -> dict[str, str | None]:
        return {"host": request.client.host if request.client else None}

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **serve_options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=20)
    listener.close()


def test_responses_name_no_server_software(served: str) -> None:
    response = httpx.get(f"{served}/health")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["cache-control"] == "no-store"


def test_uvicorn_does_not_believe_forwarded_for_even_from_localhost(served: str) -> None:
    # uvicorn alone trusts 127.0.0.1 (or FORWARDED_ALLOW_IPS); the app decides, and trusts nobody by default.
    response = httpx.get(f"{served}/peer", headers={"X-Forwarded-For": "203.0.113.5"})
    assert response.json() == {"host": "127.0.0.1"}


def test_only_the_served_app_freezes_its_start_up_objects(settings: Settings, monkeypatch) -> None:
    """The server process leaves its start-up objects out of garbage collection (P3's tail); an app made
    by the tests, many to a process, does not, or each would stay in memory for good."""
    import gc

    from fastapi.testclient import TestClient

    from kooperativet import main

    monkeypatch.setattr(main, "get_settings", lambda: settings)
    gc.unfreeze()
    try:
        with TestClient(create_app(settings)):
            assert gc.get_freeze_count() == 0
        with TestClient(main.create_served_app()):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

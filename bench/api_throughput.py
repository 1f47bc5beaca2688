"""P3: API throughput under 64 concurrent clients on loopback, against a trivial endpoint of the same app.

Starts the real server as it is deployed for load (``kooperativet serve --workers N``, one process per core,
embedded SQLite) on a free local port, logs in, then lets 64 clients hammer each endpoint for a fixed time.
One Python process runs one thread at a time, so a server of one process on a machine of two cores leaves
a core to the load generator and measures the interpreter's lock; the README's "Load" says to give the
server a process per core. Targets: list and create throughput ≥ 0.3 × the trivial
endpoint's, p99 ≤ 5 × p50, zero errors. The request loops are bounded in time and stop by themselves.

Each of the 64 clients is an HTTP client of its own with its own keep-alive connection, as 64 users are. One
shared ``httpx`` pool of 64 connections would measure the load generator instead of the server: its
bookkeeping walks every connection on each request (several milliseconds of the benchmark's own CPU per
request, more than the server spends) and it hands connections to its waiting requests unevenly, so that some
clients finished 3 requests while others finished 13 in the same time, which alone made p99 6–10 × p50.

The trivial endpoint and the list are measured in turns (``ROUNDS``), so that the ratio of the two is not the
drift of a shared machine's speed between two minutes; the writes come last. Before each endpoint is measured,
the same clients load it for a short warm-up whose latencies are thrown away: the first requests pay for
connecting, the server's first use of each route (lazy imports, compiled SQL caches) and the load generator's
own first use of httpx. Nothing else is left out: p50 and p99 are the median and the 99th percentile of every
request of the measured period, over all 64 clients.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.common import report

CLIENTS = 64
SECONDS_PER_ENDPOINT = 8.0
WARM_UP_SECONDS = 2.0
#: The trivial endpoint and the list take turns this many times, so that a shared machine whose speed
#: drifts during the benchmark (seen from 600 to 1 100 requests a second for /health in one hour) slows both
#: alike instead of whichever was measured in the slow minute.
ROUNDS = 4
#: Every request of the run gets a number of its own: a commission's ``Idempotency-Key`` is made from it, and
#: a number used twice (in the warm-up and again in a round) would be answered as a replay, without creating
#: anything.
_REQUEST_NUMBERS = itertools.count()
#: One server process per core, as the README's "Load" deploys it (at least one).
SERVER_PROCESSES = os.cpu_count() or 1
FREELANCER_PASSWORD = "bench freelancer 123"  # noqa: S105 (a throw-away database's login)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _load(
    base: str, requests: dict[str, Callable[[httpx.AsyncClient, int], Any]], headers: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Each of ``requests`` (name → how to send one) under the 64 clients: a warm-up each, then
    ``ROUNDS`` rounds in which they take turns, ``SECONDS_PER_ENDPOINT`` in all for each."""
    # One TLS context for all clients (the server is plain HTTP): building 64 would cost a second of CPU.
    tls = ssl.create_default_context()
    clients = [
        httpx.AsyncClient(base_url=base, headers=headers, verify=tls, timeout=30) for _ in range(CLIENTS)
    ]
    measured: dict[str, tuple[list[float], int, float]] = {name: ([], 0, 0.0) for name in requests}
    try:
        for make_request in requests.values():
            await _hammer(clients, make_request, WARM_UP_SECONDS)
        for _ in range(ROUNDS):
            for name, make_request in requests.items():
                latencies, errors, elapsed = await _hammer(
                    clients, make_request, SECONDS_PER_ENDPOINT / ROUNDS
                )
                so_far = measured[name]
                measured[name] = (so_far[0] + latencies, so_far[1] + errors, so_far[2] + elapsed)
        return {name: _figures(*result) for name, result in measured.items()}
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


async def _hammer(
    clients: list[httpx.AsyncClient], make_request: Callable[[httpx.AsyncClient, int], Any], seconds: float
) -> tuple[list[float], int, float]:
    """Every client sends one request after the other until ``seconds`` have passed: the latency of each
    request, the errors and the time it took."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                response = await make_request(client, next(_REQUEST_NUMBERS))
                failed = response.status_code >= 400
            except httpx.HTTPError:
                failed = True
            latencies.append(time.perf_counter() - start)
            errors += failed

    started = time.perf_counter()
    await asyncio.gather(*(worker(client) for client in clients))
    return latencies, errors, time.perf_counter() - started


def _figures(latencies: list[float], errors: int, elapsed: float) -> dict[str, float]:
    latencies.sort()
    return {
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "errors": errors,
        "requests": len(latencies),
    }


def run() -> None:
    figures = measure()
    trivial = figures["trivial GET /health"]["requests_per_second"]
    ratios = {
        name: round(result["requests_per_second"] / trivial, 2)
        for name, result in figures.items()
        if not name.startswith("trivial")
    }
    met = all(r >= 0.3 for r in ratios.values()) and all(
        f["errors"] == 0 and f["p99_ms"] <= 5 * f["p50_ms"] for f in figures.values()
    )
    report(
        "P3-api",
        {**figures, "throughput ratio to trivial": ratios, "server processes": SERVER_PROCESSES},
        target="≥ 0.3 × trivial throughput, p99 ≤ 5 × p50, zero errors (64 clients)",
        met=met,
    )


def measure() -> dict[str, dict[str, float]]:
    """A new embedded database served as deployed (``SERVER_PROCESSES`` processes), and the figures of each
    endpoint under ``CLIENTS`` clients."""
    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        env = {
            **os.environ,
            "KOOPERATIVET_DATA_DIR": folder,
            "KOOPERATIVET_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "KOOPERATIVET_ADMIN_EMAIL": "bench@example.se",
            "KOOPERATIVET_ADMIN_PASSWORD": "bench password 123",
            "KOOPERATIVET_LOG_LEVEL": "WARNING",
        }
        cli = str(Path(sys.executable).parent / "kooperativet")
        subprocess.run([cli, "db", "upgrade"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [cli, "serve", "--port", str(port), "--workers", str(SERVER_PROCESSES)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            return asyncio.run(_measure(f"http://127.0.0.1:{port}"))
        finally:
            server.terminate()
            server.wait(timeout=20)


async def _measure(base: str) -> dict[str, dict[str, float]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for _ in range(100):
            try:
                if (await client.get("/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        token = await client.post(
            "/api/v1/auth/token", data={"username": "bench@example.se", "password": "bench password 123"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        client_ids = []
        for index in range(60):
            created = await client.post(
                "/api/v1/clients", json={"name": f"Kund {index:03d}"}, headers=headers
            )
            client_ids.append(created.json()["id"])
        member_headers = await _freelancer(client, headers)
    # The three take turns. The commissions are written for the sixty clients registered above, so the page
    # of clients is read from the same table throughout while the assignments grow.
    freelancer = member_headers["Authorization"]
    return await _load(
        base,
        {
            "trivial GET /health": lambda c, n: c.get("/health"),
            "GET /api/v1/clients (page of 50)": lambda c, n: c.get("/api/v1/clients", params={"limit": 50}),
            "POST /api/v1/assignments": lambda c, n: c.post(
                "/api/v1/assignments",
                json=_commission(client_ids[n % len(client_ids)]),
                headers={"Authorization": freelancer, "Idempotency-Key": f"bench-commission-{n}"},
            ),
        },
        headers,
    )


async def _freelancer(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, str]:
    """A member with a login of her own, signed in: the one who registers commissions."""
    user = await client.post(
        "/api/v1/users",
        json={"email": "frilans@example.se", "full_name": "Frida Frilans", "password": FREELANCER_PASSWORD},
        headers=admin,
    )
    member = await client.post(
        "/api/v1/members",
        json={
            "first_name": "Frida",
            "last_name": "Frilans",
            "personal_identity_number": "19900514-1230",
            "joined_on": "2026-01-01",
            "user_id": user.json()["id"],
        },
        headers=admin,
    )
    member.raise_for_status()
    token = await client.post(
        "/api/v1/auth/token", data={"username": "frilans@example.se", "password": FREELANCER_PASSWORD}
    )
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _commission(client_id: int) -> dict[str, Any]:
    """What a freelancer registers from her phone: five workshop days for a client, one fee line with VAT
    and a train ticket to re-invoice."""
    return {
        "client_id": client_id,
        "title": "Skrivarverkstad för unga",
        "description": "Fem dagars skrivarverkstad på stadsbiblioteket",
        "period_start": "2026-10-05",
        "period_end": "2026-10-09",
        "place": "Stadsbiblioteket, Malmö",
        "extent_quantity": "5",
        "extent_unit": "days",
        "lines": [
            {
                "description": "Workshopdagar",
                "quantity": "5",
                "unit": "DAY",
                "unit_price": "3000.00",
                "vat_category": "S",
                "vat_rate": "25",
            }
        ],
        "expenses": [
            {
                "spent_on": "2026-10-05",
                "description": "Tåg Stockholm–Malmö",
                "amount": "789.00",
                "vat_rate": "6",
                "reinvoice": True,
            }
        ],
    }

"""The P3 benchmark's harness runs, at a few clients for a moment: it registers clients, a member with a
login and her commissions through the API as it stands, so an API change it was not brought along with
shows here as errors instead of at the next ``make bench``."""

from __future__ import annotations

import pytest

from bench import api_throughput


@pytest.mark.slow
def test_each_endpoint_is_measured_without_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CLIENTS": 4,
        "SECONDS_PER_ENDPOINT": 0.4,
        "WARM_UP_SECONDS": 0.1,
        "ROUNDS": 1,
        "SERVER_PROCESSES": 1,
    }.items():
        monkeypatch.setattr(api_throughput, name, value)

    figures = api_throughput.measure()

    assert set(figures) == {
        "trivial GET /health",
        "GET /api/v1/clients (page of 50)",
        "POST /api/v1/assignments",
    }
    for name, result in figures.items():
        assert result["errors"] == 0, name
        assert result["requests"] > 0, name
        assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"], name

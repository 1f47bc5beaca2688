"""The assignments list in the order the user asks for (``sort``), with equal periods kept in id order."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.assignments.factories import assignment_body, register


@pytest.fixture
def registered(api: TestClient, make_member, cooperative, client_record) -> tuple[dict[str, str], list[int]]:
    """Three drafts registered in this order: October, September, October again."""
    member = make_member()
    ids = [
        register(
            api,
            member.headers,
            assignment_body(client_record.id, period_start=start, period_end=end, expenses=[]),
        )["id"]
        for start, end in (
            ("2026-10-05", "2026-10-09"),
            ("2026-09-01", "2026-09-04"),
            ("2026-10-05", "2026-10-06"),
        )
    ]
    return member.headers, ids


def _listed(api: TestClient, headers: dict[str, str], query: str) -> list[int]:
    response = api.get(f"/api/v1/assignments{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [2, 0, 1]),  # the latest period first, the later registration first among equal periods
        ("?sort=-period", [2, 0, 1]),
        ("?sort=period", [1, 0, 2]),
        ("?sort=created", [0, 1, 2]),
        ("?sort=-created", [2, 1, 0]),
    ],
)
def test_the_list_follows_the_sort(
    api: TestClient, registered: tuple[dict[str, str], list[int]], query: str, expected: list[int]
) -> None:
    headers, ids = registered
    assert _listed(api, headers, query) == [ids[i] for i in expected]


def test_the_sort_and_the_page_go_together(
    api: TestClient, registered: tuple[dict[str, str], list[int]]
) -> None:
    headers, ids = registered
    assert _listed(api, headers, "?sort=period&limit=2&offset=1") == [ids[0], ids[2]]


def test_an_unknown_sort_is_a_422_problem(
    api: TestClient, registered: tuple[dict[str, str], list[int]]
) -> None:
    headers, _ = registered
    response = api.get("/api/v1/assignments?sort=title", headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:kooperativet:problem:validation_failed"
    assert [e["field"] for e in response.json()["errors"]] == ["sort"]

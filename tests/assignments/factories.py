"""Request bodies and shortcuts shared by the assignment and employment tests."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def assignment_body(client_id: int | None, /, **changes: Any) -> dict[str, Any]:
    """Five workshop days in October 2026 at 3 000 kr a day, 25 % VAT, with one train ticket."""
    body: dict[str, Any] = {
        "client_id": client_id,
        "title": "Skrivarverkstad för unga",
        "description": "Fem dagars skrivarverkstad på stadsbiblioteket",
        "period_start": "2026-10-05",
        "period_end": "2026-10-09",
        "place": "Stadsbiblioteket, Malmö",
        "extent_quantity": "5",
        "extent_unit": "days",
        "buyer_reference": "KF-4711",
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
    body = copy.deepcopy(body)
    body.update(changes)
    return body


def register(api: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/v1/assignments", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def submit(api: TestClient, headers: dict[str, str], assignment: dict[str, Any]) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/assignments/{assignment['id']}/submit",
        json={"version": assignment["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def approve(
    api: TestClient, headers: dict[str, str], assignment: dict[str, Any], *, confirm: bool = False
) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/assignments/{assignment['id']}/approve",
        json={"version": assignment["version"], "confirm_warnings": confirm},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()

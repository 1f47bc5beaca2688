from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.config import Settings
from kooperativet.parties import service


def test_the_cooperative_is_seeded_once_from_settings(session: Session) -> None:
    settings = Settings(
        cooperative_name="Interim kultur",
        cooperative_organisation_number="7696001234",
        cooperative_bankgiro="5050109",
    )
    seeded = service.seed_cooperative(session, settings=settings)
    assert seeded is not None
    assert seeded.organisation_number == "769600-1234"
    assert seeded.bankgiro == "505-0109"
    assert service.seed_cooperative(session, settings=Settings(cooperative_name="Other")) is None
    assert service.get_cooperative(session).name == "Interim kultur"


def test_an_admin_edits_the_cooperative_and_others_may_read_it(
    api: TestClient, make_user, cooperative
) -> None:
    admin, treasurer = make_user(Role.admin), make_user(Role.treasurer)
    changed = api.patch(
        "/api/v1/cooperative",
        json={
            "version": 1,
            "vat_number": "SE769600123401",
            "iban": "SE45 5000 0000 0583 9825 7466",
            "bic": "ESSESESS",
        },
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["iban"] == "SE4550000000058398257466"
    assert api.get("/api/v1/cooperative", headers=treasurer.headers).json()["vat_number"] == "SE769600123401"
    refused = api.patch("/api/v1/cooperative", json={"version": 2, "name": "X"}, headers=treasurer.headers)
    assert refused.status_code == 403


def test_an_invalid_bankgiro_is_a_422(api: TestClient, make_user, cooperative) -> None:
    admin = make_user(Role.admin)
    response = api.patch(
        "/api/v1/cooperative", json={"version": 1, "bankgiro": "505-0108"}, headers=admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bankgiro"

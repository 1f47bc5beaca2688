from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit import service as audit
from kooperativet.audit.models import AuditEvent
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


def test_the_cooperatives_swedish_postal_code_is_five_digits_stored_as_printed(
    api: TestClient, make_user, cooperative
) -> None:
    admin = make_user(Role.admin)
    refused = api.patch(
        "/api/v1/cooperative", json={"version": 1, "postal_code": "1184"}, headers=admin.headers
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_postal_code"
    assert refused.json()["errors"][0]["field"] == "postal_code"
    changed = api.patch(
        "/api/v1/cooperative", json={"version": 1, "postal_code": "11846"}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["postal_code"] == "118 46"
    # Abroad the code is kept as typed, and moving home checks the code already there.
    abroad = api.patch(
        "/api/v1/cooperative",
        json={"version": 2, "country": "DE", "postal_code": "10115"},
        headers=admin.headers,
    )
    assert abroad.json()["postal_code"] == "10115"
    home = api.patch("/api/v1/cooperative", json={"version": 3, "country": "SE"}, headers=admin.headers)
    assert home.json()["postal_code"] == "101 15"


def test_a_seeded_postal_code_is_checked_too(session: Session) -> None:
    seeded = service.seed_cooperative(
        session, settings=Settings(cooperative_name="Interim kultur", cooperative_postal_code="41101")
    )
    assert seeded is not None
    assert seeded.postal_code == "411 01"


def _cooperative_events(session: Session) -> list[dict[str, object]]:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.kind == "cooperative_changed").order_by(AuditEvent.id)
    )
    return [json.loads(event.payload) for event in events]


def test_a_change_of_the_cooperatives_details_is_audited_with_who_and_old_and_new(
    api: TestClient, make_user, cooperative, session: Session
) -> None:
    """Who redirected the account the invoices show is in the audit log: the fields that changed, each with
    its old and new value as stored; fields sent unchanged are not named."""
    admin = make_user(Role.admin)
    first = api.patch(
        "/api/v1/cooperative",
        json={"version": 1, "name": "Testkooperativet", "bankgiro": "5050-1055", "f_tax_approved": False},
        headers=admin.headers,
    )
    assert first.status_code == 200, first.text
    second = api.patch(
        "/api/v1/cooperative",
        json={"version": 2, "bankgiro": "505-0109", "iban": "SE45 5000 0000 0583 9825 7466"},
        headers=admin.headers,
    )
    assert second.status_code == 200, second.text

    assert _cooperative_events(session) == [
        {
            "cooperative_id": cooperative.id,
            "changed_by_user_id": admin.user.id,
            "changes": {
                "bankgiro": {"old": None, "new": "5050-1055"},
                "f_tax_approved": {"old": True, "new": False},
            },
        },
        {
            "cooperative_id": cooperative.id,
            "changed_by_user_id": admin.user.id,
            "changes": {
                "bankgiro": {"old": "5050-1055", "new": "505-0109"},
                "iban": {"old": None, "new": "SE4550000000058398257466"},
            },
        },
    ]
    assert audit.verify(session).ok


def test_no_event_for_a_change_that_changes_nothing_or_is_refused(
    api: TestClient, make_user, cooperative, session: Session
) -> None:
    admin = make_user(Role.admin)
    same = api.patch(
        "/api/v1/cooperative",
        json={"version": 1, "organisation_number": "7696001234", "city": None},
        headers=admin.headers,
    )
    assert same.status_code == 200, same.text
    refused = api.patch(
        "/api/v1/cooperative", json={"version": 2, "bankgiro": "505-0108"}, headers=admin.headers
    )
    assert refused.status_code == 422
    stale = api.patch("/api/v1/cooperative", json={"version": 1, "city": "Lund"}, headers=admin.headers)
    assert stale.status_code == 409
    assert _cooperative_events(session) == []

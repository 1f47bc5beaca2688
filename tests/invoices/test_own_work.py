"""Separation of duties (R12): nobody invoices, credits or records the payment for her own assignment."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.invoices.models import Invoice, Payment
from tests.conftest import Actor
from tests.invoices.conftest import DATA


@pytest.fixture
def officer(make_member) -> Actor:
    """A treasurer who is also a member with work of her own."""
    return make_member(Role.treasurer)


@pytest.fixture
def other_treasurer(make_user) -> Actor:
    return make_user(Role.treasurer)


@pytest.fixture
def own_invoice(api: TestClient, seller, municipality, make_assignment, officer, other_treasurer, on_day):
    """The officer's own approved assignment, invoiced by the other treasurer (15 000.00 due)."""
    assignment = make_assignment(officer.member, municipality)
    response = api.post(
        "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=other_treasurer.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def assert_own_work(response, *words: str) -> None:
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "own_work"
    for word in words:
        assert word in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.treasurer, Role.admin])
def test_nobody_invoices_her_own_assignment_and_nothing_is_stored(
    api: TestClient, session: Session, seller, municipality, make_member, make_assignment, on_day, role: Role
) -> None:
    officer = make_member(role)
    assignment = make_assignment(officer.member, municipality)

    response = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=officer.headers)

    assert_own_work(response, f"invoice assignment {assignment.id}")
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_another_treasurer_invoices_the_officers_assignment(own_invoice) -> None:
    assert (own_invoice["number"], own_invoice["status"]) == ("2026-0001", "open")


def test_nobody_credits_the_invoice_of_her_own_assignment(
    api: TestClient, own_invoice, officer, other_treasurer
) -> None:
    path = f"/api/v1/invoices/{own_invoice['id']}/credit-notes"

    assert_own_work(
        api.post(path, json={"reason": "Fel"}, headers=officer.headers), "credit invoice 2026-0001"
    )

    credited = api.post(path, json={"reason": "Fel"}, headers=other_treasurer.headers)
    assert credited.status_code == 201, credited.text


def test_nobody_records_the_payment_for_her_own_assignment(
    api: TestClient, session: Session, own_invoice, officer, other_treasurer
) -> None:
    body = {"invoice_id": own_invoice["id"], "amount": "15000.00", "paid_on": "2026-03-02"}

    refused = api.post("/api/v1/payments", json=body, headers=officer.headers)

    assert_own_work(refused, "record a payment on invoice 2026-0001")
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    recorded = api.post("/api/v1/payments", json=body, headers=other_treasurer.headers)
    assert recorded.status_code == 201, recorded.text


def test_a_camt054_credit_for_the_importers_own_invoice_is_left_unmatched_for_another_treasurer(
    api: TestClient, own_invoice, officer, other_treasurer
) -> None:
    name = "camt054_synthetic_001_02.xml"  # its first credit pays 2026-0001 in full

    result = api.post(
        "/api/v1/payments/camt054",
        files={"file": (name, (DATA / name).read_bytes(), "application/xml")},
        headers=officer.headers,
    )

    assert result.status_code == 200, result.text
    assert (result.json()["matched"], result.json()["partly_paid"]) == (0, 0)
    invoice = api.get(f"/api/v1/invoices/{own_invoice['id']}", headers=other_treasurer.headers).json()
    assert (invoice["status"], invoice["paid_amount"]) == ("open", "0.00")
    unmatched = api.get("/api/v1/payments/unmatched", headers=other_treasurer.headers).json()["items"]
    reasons = {item["reference"]: item["reason"] for item in unmatched}
    assert reasons[own_invoice["ocr"]] == (
        "invoice 2026-0001 is the importer's own work; another treasurer or an admin records it"
    )

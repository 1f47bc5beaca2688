"""Unmatched bank entries are resolved: assigns one to an invoice or marks it not ours; once; audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import verify
from kooperativet.auth.models import Role
from kooperativet.invoices.models import Payment
from tests.invoices.test_camt054_versions import UETR, several, upload, version_file

ENTRIES = "/api/v1/payments/unmatched"


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def invoices(api, seller, municipality, make_member, make_assignment, treasurer, on_day):
    """Three invoices of 15 000.00 imported from the 001.08 sample: 2026-0001 and -0002 paid, -0003 paid
    5 000.00; unmatched: BANK-08-3 (700.00, no booking date) and the UETR-only entry (300.00)."""
    member = make_member()
    made = []
    for _ in range(3):
        assignment = make_assignment(member.member, municipality)
        made.append(
            api.post(
                "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
            ).json()
        )
    assert upload(api, treasurer, version_file("001.08")).status_code == 200
    return made


def entry_id(api, treasurer, reference: str) -> int:
    items = api.get(ENTRIES, headers=treasurer.headers).json()["items"]
    return next(e["id"] for e in items if e["bank_entry_reference"] == reference)


def invoice(api, treasurer, invoice_id: int) -> tuple[str, str]:
    body = api.get(f"/api/v1/invoices/{invoice_id}", headers=treasurer.headers).json()
    return body["status"], body["paid_amount"]


def audit_events(session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(e.payload) for e in rows]


def test_assigning_an_entry_records_its_payment_once_and_is_audited(
    api, session, invoices, treasurer
) -> None:
    third = invoices[2]
    entry = entry_id(api, treasurer, f"UETR:{UETR}")

    response = api.post(
        f"{ENTRIES}/{entry}/assign", json={"invoice_id": third["id"]}, headers=treasurer.headers
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["resolution"], body["resolved_by_id"], body["resolution_note"]) == (
        "assigned",
        treasurer.user.id,
        None,
    )
    payment = session.get_one(Payment, body["payment_id"])
    assert (payment.invoice_id, str(payment.amount), str(payment.paid_on), payment.source) == (
        third["id"],
        "300.00",
        "2026-03-14",
        "camt054",
    )
    assert payment.bank_entry_reference == f"UETR:{UETR}"
    assert invoice(api, treasurer, third["id"]) == ("partly_paid", "5300.00")
    assigned = audit_events(session, "bank_entry_assigned")
    assert assigned == [
        {
            "entry_id": entry,
            "bank_entry_reference": f"UETR:{UETR}",
            "amount": "300.00",
            "invoice_id": third["id"],
            "invoice_number": "2026-0003",
            "payment_id": payment.id,
            "resolved_by_id": treasurer.user.id,
        }
    ]
    assert audit_events(session, "payment_recorded")[-1]["amount"] == "300.00"
    assert verify(session).first_broken is None

    again = api.post(f"{ENTRIES}/{entry}/assign", json={"invoice_id": third["id"]}, headers=treasurer.headers)
    not_ours = api.post(f"{ENTRIES}/{entry}/not-ours", json={"reason": "x"}, headers=treasurer.headers)

    assert (again.status_code, again.json()["code"]) == (409, "already_resolved")
    assert (not_ours.status_code, not_ours.json()["code"]) == (409, "already_resolved")
    assert invoice(api, treasurer, third["id"]) == ("partly_paid", "5300.00")
    assert len(audit_events(session, "bank_entry_assigned")) == 1


def test_an_entry_without_a_booking_date_needs_the_day_the_money_arrived(
    api, session, invoices, treasurer, on_day
):
    on_day(date(2026, 3, 16))
    third = invoices[2]
    entry = entry_id(api, treasurer, "BANK-08-3")
    path = f"{ENTRIES}/{entry}/assign"

    refused = api.post(path, json={"invoice_id": third["id"]}, headers=treasurer.headers)
    assigned = api.post(
        path, json={"invoice_id": third["id"], "paid_on": "2026-03-15"}, headers=treasurer.headers
    )

    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "paid_on")
    assert assigned.status_code == 200, assigned.text
    assert str(session.get_one(Payment, assigned.json()["payment_id"]).paid_on) == "2026-03-15"
    assert invoice(api, treasurer, third["id"]) == ("partly_paid", "5700.00")


def test_the_day_given_for_an_entry_is_not_after_today(api, session, invoices, treasurer, on_day) -> None:
    on_day(date(2026, 3, 16))
    third = invoices[2]
    path = f"{ENTRIES}/{entry_id(api, treasurer, 'BANK-08-3')}/assign"

    refused = api.post(
        path, json={"invoice_id": third["id"], "paid_on": "2026-03-17"}, headers=treasurer.headers
    )

    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["errors"][0]["field"]) == ("paid_in_the_future", "paid_on")
    assert session.scalar(select(func.count(Payment.id)).where(Payment.paid_on == date(2026, 3, 17))) == 0
    assert invoice(api, treasurer, third["id"]) == ("partly_paid", "5000.00")
    today = api.post(
        path, json={"invoice_id": third["id"], "paid_on": "2026-03-16"}, headers=treasurer.headers
    )
    assert today.status_code == 200, today.text


def test_the_day_given_for_an_entry_before_its_invoice_needs_to_be_said_as_paid_in_advance(
    api, session, invoices, treasurer
) -> None:
    """As for a payment recorded by hand: the day is hers, not the bank's, and a mistyped year would book
    the money in another financial year."""
    third = invoices[2]
    path = f"{ENTRIES}/{entry_id(api, treasurer, 'BANK-08-3')}/assign"
    typed = {"invoice_id": third["id"], "paid_on": "2025-03-15"}
    assert third["issue_date"] > typed["paid_on"]

    refused = api.post(path, json=typed, headers=treasurer.headers)

    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["errors"][0]["field"]) == ("paid_before_issue", "paid_on")
    assert session.scalar(select(func.count(Payment.id)).where(Payment.paid_on == date(2025, 3, 15))) == 0
    assigned = api.post(path, json={**typed, "prepayment": True}, headers=treasurer.headers)
    assert assigned.status_code == 200, assigned.text
    assert str(session.get_one(Payment, assigned.json()["payment_id"]).paid_on) == "2025-03-15"


def test_more_than_is_due_is_assigned_only_when_the_treasurer_says_it_is_an_overpayment(
    api, session, invoices, treasurer
) -> None:
    paid = invoices[0]
    entry = entry_id(api, treasurer, f"UETR:{UETR}")
    path = f"{ENTRIES}/{entry}/assign"

    refused = api.post(path, json={"invoice_id": paid["id"]}, headers=treasurer.headers)
    accepted = api.post(path, json={"invoice_id": paid["id"], "overpayment": True}, headers=treasurer.headers)

    assert (refused.status_code, refused.json()["code"]) == (422, "overpayment_not_declared")
    assert accepted.status_code == 200, accepted.text
    assert session.get_one(Payment, accepted.json()["payment_id"]).overpayment is True
    assert invoice(api, treasurer, paid["id"]) == ("paid", "15300.00")


def test_marking_an_entry_not_ours_records_no_payment_and_is_audited(
    api, session, invoices, treasurer
) -> None:
    entry = entry_id(api, treasurer, "BANK-08-3")
    payments_before = session.scalar(select(func.count()).select_from(Payment))

    response = api.post(
        f"{ENTRIES}/{entry}/not-ours",
        json={"reason": "Fel mottagare; återbetalt 2026-03-20"},
        headers=treasurer.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["resolution"], body["resolution_note"], body["payment_id"]) == (
        "not_ours",
        "Fel mottagare; återbetalt 2026-03-20",
        None,
    )
    assert session.scalar(select(func.count()).select_from(Payment)) == payments_before
    assert audit_events(session, "bank_entry_not_ours") == [
        {
            "entry_id": entry,
            "bank_entry_reference": "BANK-08-3",
            "amount": "700.00",
            "reason": "Fel mottagare; återbetalt 2026-03-20",
            "resolved_by_id": treasurer.user.id,
        }
    ]
    assign = api.post(
        f"{ENTRIES}/{entry}/assign", json={"invoice_id": invoices[2]["id"]}, headers=treasurer.headers
    )
    assert (assign.status_code, assign.json()["code"]) == (409, "already_resolved")
    listed = api.get(ENTRIES, headers=treasurer.headers).json()["items"]
    assert [(e["bank_entry_reference"], e["resolution"]) for e in listed] == [
        (f"UETR:{UETR}", None),
        ("BANK-08-3", "not_ours"),
    ]
    one = api.get(f"{ENTRIES}/{entry}", headers=treasurer.headers).json()
    assert (one["resolution"], one["resolved_by_id"]) == ("not_ours", treasurer.user.id)


def test_a_reason_is_needed_to_mark_an_entry_not_ours(api, invoices, treasurer) -> None:
    entry = entry_id(api, treasurer, "BANK-08-3")

    response = api.post(f"{ENTRIES}/{entry}/not-ours", json={"reason": ""}, headers=treasurer.headers)

    assert response.status_code == 422
    assert api.get(f"{ENTRIES}/{entry}", headers=treasurer.headers).json()["resolution"] is None


def test_only_the_office_resolves_entries_and_an_unknown_entry_is_404(api, invoices, treasurer, make_member):
    member = make_member()
    entry = entry_id(api, treasurer, "BANK-08-3")

    as_member = api.post(f"{ENTRIES}/{entry}/not-ours", json={"reason": "x"}, headers=member.headers)
    unknown = api.post(f"{ENTRIES}/999999/not-ours", json={"reason": "x"}, headers=treasurer.headers)
    unknown_get = api.get(f"{ENTRIES}/999999", headers=treasurer.headers)

    assert as_member.status_code == 403
    assert (unknown.status_code, unknown_get.status_code) == (404, 404)


# --- separation of duties -------------------------------------------------------------------------------


def test_the_importer_cannot_assign_a_credit_to_her_own_invoice_another_treasurer_can(
    api, session, seller, municipality, make_member, make_assignment, make_user, on_day
) -> None:
    officer = make_member(Role.treasurer)  # a treasurer who is also a member with work of her own
    other = make_user(Role.treasurer)
    assignment = make_assignment(officer.member, municipality)
    own = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=other.headers).json()
    upload(api, officer, several("15000.00", own["ocr"], reference="BANK-OWN-1"))
    entry = entry_id(api, officer, "BANK-OWN-1")
    path = f"{ENTRIES}/{entry}/assign"

    refused = api.post(path, json={"invoice_id": own["id"]}, headers=officer.headers)
    assigned = api.post(path, json={"invoice_id": own["id"]}, headers=other.headers)

    assert (refused.status_code, refused.json()["code"]) == (409, "own_work")
    assert f"assign bank entry {entry} to invoice 2026-0001" in refused.json()["detail"]
    assert assigned.status_code == 200, assigned.text
    assert invoice(api, other, own["id"]) == ("paid", "15000.00")

"""Credit notes, payments, overdue invoices, camt.054 import and the immutability of issued documents."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import verify
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.models import Invoice, Payment, UnmatchedBankEntry
from kooperativet.invoices.ubl import validate_ubl
from tests.invoices.conftest import DATA, XSD_DIR, pdf_text
from tests.openapi import openapi_spec

WORKSHOP = ("Workshop", "10", "HUR", "1000.00", VatCategory.STANDARD, "25")  # 10 000 + 2 500 VAT


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def issued(api, seller, municipality, make_member, make_assignment, treasurer, on_day):
    """Issue an invoice for a new approved assignment; returns the response body."""
    member = make_member()

    def make(*lines):
        assignment = make_assignment(member.member, municipality, *lines)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        return response.json()

    return make


def credit(api, treasurer, invoice_id: int, **body):
    return api.post(f"/api/v1/invoices/{invoice_id}/credit-notes", json=body, headers=treasurer.headers)


def pay(api, treasurer, invoice_id: int, amount: str, **extra):
    body = {"invoice_id": invoice_id, "amount": amount, "paid_on": "2026-03-02", **extra}
    return api.post("/api/v1/payments", json=body, headers=treasurer.headers)


def get(api, treasurer, invoice_id: int):
    return api.get(f"/api/v1/invoices/{invoice_id}", headers=treasurer.headers).json()


# --- credit notes ---------------------------------------------------------------------------------------


def test_a_full_credit_note_refers_to_the_original_which_keeps_its_documents(api, issued, treasurer) -> None:
    original = issued(WORKSHOP)

    response = credit(api, treasurer, original["id"], reason="Fel kund")

    assert response.status_code == 201, response.text
    note = response.json()
    assert (note["kind"], note["number"], note["refers_to_id"]) == (
        "credit_note",
        "2026-0002",
        original["id"],
    )
    assert (note["payable"], note["ocr"], note["due_date"]) == ("12500.00", None, None)
    after = get(api, treasurer, original["id"])
    assert (after["status"], after["credited_amount"], after["outstanding"]) == (
        "credited",
        "12500.00",
        "0.00",
    )
    assert (after["pdf_sha256"], after["ubl_sha256"]) == (original["pdf_sha256"], original["ubl_sha256"])
    ubl = api.get(f"/api/v1/invoices/{note['id']}/ubl", headers=treasurer.headers).content
    assert validate_ubl(ubl, xsd_dir=XSD_DIR) == []
    assert b"<CreditNote" in ubl
    assert b"<cbc:ID>2026-0001</cbc:ID>" in ubl
    text_ = pdf_text(api.get(f"/api/v1/invoices/{note['id']}/pdf", headers=treasurer.headers).content)
    for item in ["Kreditfaktura 2026-0002", "Krediterar faktura", "2026-0001", "Fel kund", "12 500,00"]:
        assert item in text_, item
    again = credit(api, treasurer, original["id"])
    assert (again.status_code, again.json()["code"]) == (409, "already_credited")


def test_a_partial_credit_by_quantity_and_by_amount_reduces_what_is_due(api, issued, treasurer) -> None:
    original = issued(WORKSHOP)
    line_id = original["lines"][0]["id"]

    by_quantity = credit(
        api, treasurer, original["id"], parts=[{"invoice_line_id": line_id, "quantity": "2"}]
    )
    by_amount = credit(
        api, treasurer, original["id"], parts=[{"invoice_line_id": line_id, "amount": "500.00"}]
    )
    too_much = credit(
        api, treasurer, original["id"], parts=[{"invoice_line_id": line_id, "amount": "7500.01"}]
    )
    rest = credit(api, treasurer, original["id"])

    assert (by_quantity.status_code, by_quantity.json()["payable"]) == (201, "2500.00")
    assert (by_amount.status_code, by_amount.json()["payable"]) == (201, "625.00")
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "parts[0].amount"
    assert (rest.status_code, rest.json()["net_total"]) == (201, "7500.00")
    assert get(api, treasurer, original["id"])["status"] == "credited"


def test_a_credit_note_carries_the_unit_of_the_fixed_price_it_credits_and_says_its_own_date(
    api, issued, treasurer
) -> None:
    """The demo's credit note said "1 st" under an invoice line of "1 fast pris", and "Fakturadatum" for its
    own date: a credit of an amount is a lump sum like the fixed price it comes off, and a kreditfaktura is
    dated as one and names the invoice it credits."""
    original = issued(("Konsertframträdande", "1", "LS", "9500.00", VatCategory.STANDARD, "6"))
    line_id = original["lines"][0]["id"]

    response = credit(
        api, treasurer, original["id"], parts=[{"invoice_line_id": line_id, "amount": "1500.00"}]
    )

    assert response.status_code == 201, response.text
    note = response.json()
    assert [(line["quantity"], line["unit"], line["amount"]) for line in note["lines"]] == [
        ("1.000", "LS", "1500.00")
    ]
    text_ = pdf_text(api.get(f"/api/v1/invoices/{note['id']}/pdf", headers=treasurer.headers).content)
    assert "Konsertframträdande 1 fast pris 1 500,00 6 % 1 500,00" in text_, text_
    assert "Kreditfakturadatum" in text_
    assert "Fakturadatum" not in text_.replace("Kreditfakturadatum", "")
    assert f"Krediterar faktura {original['number']} daterad" in text_
    ubl = api.get(f"/api/v1/invoices/{note['id']}/ubl", headers=treasurer.headers).content
    assert validate_ubl(ubl, xsd_dir=XSD_DIR) == []
    assert b'unitCode="LS"' in ubl
    assert f"<cbc:ID>{original['number']}</cbc:ID>".encode() in ubl  # BillingReference


def test_a_credit_note_is_not_credited_and_lines_of_other_invoices_are_refused(
    api, issued, treasurer
) -> None:
    first, second = issued(WORKSHOP), issued(WORKSHOP)
    note = credit(api, treasurer, first["id"]).json()

    of_note = credit(api, treasurer, note["id"])
    wrong_line = credit(
        api, treasurer, first["id"], parts=[{"invoice_line_id": second["lines"][0]["id"], "quantity": "1"}]
    )

    assert (of_note.status_code, of_note.json()["errors"][0]["field"]) == (422, "invoice_id")
    assert (wrong_line.status_code, wrong_line.json()["errors"][0]["field"]) == (
        422,
        "parts[0].invoice_line_id",
    )


def test_credited_quantities_can_be_invoiced_again(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality, WORKSHOP)
    first = api.post(
        "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
    ).json()
    credit(api, treasurer, first["id"], parts=[{"invoice_line_id": first["lines"][0]["id"], "quantity": "4"}])

    again = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)

    assert (again.status_code, again.json()["lines"][0]["quantity"]) == (201, "4.000")


def test_the_rest_of_a_line_credited_by_quantity_before_is_credited_by_quantity_and_gives_every_hour_back(
    api, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality, WORKSHOP)
    invoice = api.post(
        "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
    ).json()
    line_id = invoice["lines"][0]["id"]

    credit(api, treasurer, invoice["id"], parts=[{"invoice_line_id": line_id, "quantity": "2"}])
    rest = credit(api, treasurer, invoice["id"])

    assert rest.status_code == 201, rest.text
    line = rest.json()["lines"][0]
    assert (line["quantity"], line["unit"], line["unit_price"], line["amount"]) == (
        "8.000",
        "HUR",
        "1000.00",
        "8000.00",
    )
    shown = api.get(f"/api/v1/assignments/{assignment.id}", headers=treasurer.headers).json()
    assert shown["lines"][0]["remaining_quantity"] == "10.000"


# --- payments -------------------------------------------------------------------------------------------


def test_payments_move_an_invoice_from_open_to_partly_paid_to_paid_and_the_assignment_to_paid(
    api, session, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP)

    part = pay(api, treasurer, invoice["id"], "2500.00", reference="2026000105")
    assert part.status_code == 201, part.text
    assert get(api, treasurer, invoice["id"])["status"] == "partly_paid"
    rest = pay(api, treasurer, invoice["id"], "10000.00")

    assert (rest.status_code, rest.json()["overpayment"], rest.json()["source"]) == (201, False, "manual")
    after = get(api, treasurer, invoice["id"])
    assert (after["status"], after["paid_amount"], after["outstanding"]) == ("paid", "12500.00", "0.00")
    session.expire_all()
    assert session.get_one(Assignment, invoice["assignment_id"]).status == AssignmentStatus.paid
    listed = api.get("/api/v1/payments", params={"invoice_id": invoice["id"]}, headers=treasurer.headers)
    assert listed.json()["total"] == 2


def test_the_assignment_is_paid_when_its_last_open_invoice_is_credited_after_the_others_were_paid(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality, WORKSHOP)
    half = {"parts": [{"assignment_line_id": assignment.lines[0].id, "quantity": "5"}]}
    first, second = (
        api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id, **half}, headers=treasurer.headers
        ).json()
        for _ in range(2)
    )
    assert pay(api, treasurer, first["id"], "6250.00").status_code == 201
    session.expire_all()
    assert session.get_one(Assignment, assignment.id).status == AssignmentStatus.invoiced

    # The client disputes the second half: credited by amount, the hours are not to be invoiced again.
    note = credit(
        api,
        treasurer,
        second["id"],
        parts=[{"invoice_line_id": second["lines"][0]["id"], "amount": "5000.00"}],
    )

    assert note.status_code == 201, note.text
    assert get(api, treasurer, second["id"])["status"] == "credited"
    session.expire_all()
    # As when the credit comes first and the payment last: nothing left to invoice, one paid, one credited.
    assert session.get_one(Assignment, assignment.id).status == AssignmentStatus.paid


def test_an_assignment_whose_invoices_are_all_credited_is_not_paid(
    api, session, seller, municipality, make_member, make_assignment, treasurer, on_day
) -> None:
    assignment = make_assignment(make_member().member, municipality, WORKSHOP)
    invoice = api.post(
        "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
    ).json()

    credit(
        api,
        treasurer,
        invoice["id"],
        parts=[{"invoice_line_id": invoice["lines"][0]["id"], "amount": "10000.00"}],
    )

    session.expire_all()
    assert session.get_one(Assignment, assignment.id).status == AssignmentStatus.invoiced


def test_paying_more_than_is_due_needs_to_be_said_and_is_flagged(api, session, issued, treasurer) -> None:
    invoice = issued(WORKSHOP)

    refused = pay(api, treasurer, invoice["id"], "12500.01")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "amount"
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    accepted = pay(api, treasurer, invoice["id"], "12500.01", overpayment=True)

    assert (accepted.status_code, accepted.json()["overpayment"]) == (201, True)
    assert get(api, treasurer, invoice["id"])["status"] == "paid"


def test_a_payment_day_after_today_is_refused_by_the_field_and_today_is_taken(
    api, session, issued, treasurer, on_day
) -> None:
    invoice = issued(WORKSHOP)

    refused = pay(api, treasurer, invoice["id"], "100.00", paid_on="2026-03-03")  # today is 2026-03-02

    assert (refused.status_code, refused.json()["code"]) == (422, "paid_in_the_future")
    assert refused.json()["errors"][0]["field"] == "paid_on"
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    on_day(date(2026, 3, 3))
    assert pay(api, treasurer, invoice["id"], "100.00", paid_on="2026-03-03").status_code == 201


def test_a_payment_day_before_the_invoice_was_issued_needs_to_be_said_as_paid_in_advance(
    api, session, issued, treasurer
) -> None:
    """A year typed wrong (2025 for 2026) would book the money in another financial year than its invoice;
    a client who really paid in advance is recorded once the treasurer says so."""
    invoice = issued(WORKSHOP)
    assert invoice["issue_date"] == "2026-03-02"

    refused = pay(api, treasurer, invoice["id"], "100.00", paid_on="2025-03-02")

    assert (refused.status_code, refused.json()["code"]) == (422, "paid_before_issue")
    assert refused.json()["errors"][0]["field"] == "paid_on"
    assert "issued on 2026-03-02" in refused.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    assert get(api, treasurer, invoice["id"])["outstanding"] == "12500.00"

    in_advance = pay(api, treasurer, invoice["id"], "100.00", paid_on="2026-02-20", prepayment=True)
    assert (in_advance.status_code, in_advance.json()["paid_on"]) == (201, "2026-02-20")
    on_the_day = pay(api, treasurer, invoice["id"], "100.00", paid_on="2026-03-02")  # the issue day itself
    assert on_the_day.status_code == 201
    assert get(api, treasurer, invoice["id"])["outstanding"] == "12300.00"


def test_a_credited_invoice_takes_no_payment(api, issued, treasurer) -> None:
    invoice = issued(WORKSHOP)
    credit(api, treasurer, invoice["id"])

    response = pay(api, treasurer, invoice["id"], "1.00")

    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "invoice_id")


def test_overdue_invoices_are_open_or_partly_paid_past_their_due_date(api, issued, treasurer, on_day) -> None:
    unpaid, partly, paid = issued(WORKSHOP), issued(WORKSHOP), issued(WORKSHOP)
    pay(api, treasurer, partly["id"], "100.00")
    pay(api, treasurer, paid["id"], "12500.00")

    on_day(date(2026, 4, 1))  # the due date itself: not overdue yet
    assert api.get("/api/v1/invoices/overdue", headers=treasurer.headers).json()["total"] == 0
    on_day(date(2026, 4, 2))
    overdue = api.get("/api/v1/invoices/overdue", headers=treasurer.headers).json()

    assert {item["id"] for item in overdue["items"]} == {unpaid["id"], partly["id"]}
    assert all(item["overdue"] for item in overdue["items"])
    listed = api.get("/api/v1/invoices", params={"overdue": True}, headers=treasurer.headers).json()
    assert listed["total"] == 2


# --- camt.054 -------------------------------------------------------------------------------------------


def upload(api, treasurer, name: str):
    content = (DATA / name).read_bytes()
    return api.post(
        "/api/v1/payments/camt054",
        files={"file": (name, content, "application/xml")},
        headers=treasurer.headers,
    )


def test_a_camt054_import_matches_by_ocr_and_amount_and_a_second_import_changes_nothing(
    api, session, issued, treasurer
) -> None:
    first, second, third = issued(), issued(), issued()  # 15 000.00 each

    result = upload(api, treasurer, "camt054_synthetic_001_02.xml")

    assert result.status_code == 200, result.text
    assert result.json() == {"matched": 1, "partly_paid": 1, "unmatched": 2, "already_imported": 0}
    assert get(api, treasurer, first["id"])["status"] == "paid"
    assert (
        get(api, treasurer, second["id"])["status"],
        get(api, treasurer, second["id"])["paid_amount"],
    ) == (
        "partly_paid",
        "5000.00",
    )
    assert get(api, treasurer, third["id"])["status"] == "open"
    unmatched = api.get("/api/v1/payments/unmatched", headers=treasurer.headers).json()
    assert {(item["reference"], item["amount"]) for item in unmatched["items"]} == {
        ("2026000206", "15000.00"),
        ("2026000303", "15000.01"),
    }
    payments_before = session.scalar(select(func.count()).select_from(Payment))

    replay = upload(api, treasurer, "camt054_synthetic_001_02.xml")

    assert replay.json() == {"matched": 0, "partly_paid": 0, "unmatched": 0, "already_imported": 4}
    assert session.scalar(select(func.count()).select_from(Payment)) == payments_before
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 2


def test_a_camt054_batch_pays_each_transaction_by_its_own_reference(api, issued, treasurer) -> None:
    issued(), issued(), issued()
    upload(api, treasurer, "camt054_synthetic_001_02.xml")

    result = upload(api, treasurer, "camt054_synthetic_001_08_batch.xml")

    assert result.json() == {"matched": 2, "partly_paid": 0, "unmatched": 0, "already_imported": 0}
    statuses = [
        item["status"] for item in api.get("/api/v1/invoices", headers=treasurer.headers).json()["items"]
    ]
    assert statuses == ["paid", "paid", "paid"]
    payments = api.get("/api/v1/payments", headers=treasurer.headers).json()["items"]
    assert {p["bank_entry_reference"] for p in payments if p["source"] == "camt054"} >= {
        "SYNBANK-2026-03-20-TX1",
        "SYNBANK-2026-03-20-TX2",
    }


@pytest.mark.parametrize(
    "content",
    [b"not xml", b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>", b"<!DOCTYPE x><x/>"],
)
def test_a_file_that_is_not_camt054_is_refused_and_nothing_is_stored(
    api, session, treasurer, content
) -> None:
    response = api.post(
        "/api/v1/payments/camt054",
        files={"file": ("x.xml", content, "application/xml")},
        headers=treasurer.headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 0


# --- immutability ---------------------------------------------------------------------------------------


def test_no_operation_can_change_or_delete_an_issued_document() -> None:
    paths = openapi_spec()["paths"]
    for path, methods in paths.items():
        if path.startswith(("/api/v1/invoices", "/api/v1/payments")):
            assert set(methods) <= {"get", "post"}, path
    # The only writes under an invoice create new rows: documents (credit notes), a sending to the client,
    # and a stop of reminders (resumed on the stop's own row); none changes the invoice. A credit note's plan
    # is a POST because it reads a body, and writes nothing.
    posts = {
        path for path, methods in paths.items() if path.startswith("/api/v1/invoices") and "post" in methods
    }
    assert posts == {
        "/api/v1/invoices",
        "/api/v1/invoices/{invoice_id}/credit-notes",
        "/api/v1/invoices/{invoice_id}/credit-notes/plan",
        "/api/v1/invoices/{invoice_id}/send",
        "/api/v1/invoices/{invoice_id}/reminder-stop",
        "/api/v1/invoices/{invoice_id}/reminder-stop/resume",
    }


def test_the_database_refuses_to_change_an_issued_invoice_on_postgresql(
    api, session, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP)
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the immutability trigger exists on PostgreSQL")
    for statement in [
        "UPDATE invoices SET payable = 1 WHERE id = :id",
        "UPDATE invoices SET number = '2026-9999' WHERE id = :id",
        "UPDATE invoice_lines SET amount = 1 WHERE invoice_id = :id",
        "DELETE FROM invoices WHERE id = :id",
    ]:
        with pytest.raises(DBAPIError, match="never"), session.begin_nested():
            session.execute(text(statement), {"id": invoice["id"]})
    with session.begin_nested():  # the payment state may change
        session.execute(text("UPDATE invoices SET status = 'paid' WHERE id = :id"), {"id": invoice["id"]})
    assert session.scalar(select(Invoice.status).where(Invoice.id == invoice["id"])) == "paid"


# --- the audit chain (quality.md R6) --------------------------------------------------------------------


def test_money_events_join_the_audit_chain_and_a_changed_amount_is_found(
    api, session, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP)
    assert pay(api, treasurer, invoice["id"], "5000.00").status_code == 201
    credit_note = credit(api, treasurer, invoice["id"])
    assert credit_note.status_code == 201, credit_note.text
    chain = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    # Each issued document's PDF is stored after its commit, and that is recorded too (document_rendered).
    assert [e.kind for e in chain] == [
        "invoice_issued",
        "document_rendered",
        "payment_recorded",
        "credit_note_issued",
        "document_rendered",
    ]
    events = [e for e in chain if e.kind != "document_rendered"]
    assert [e.kind for e in events] == ["invoice_issued", "payment_recorded", "credit_note_issued"]
    issued_payload = json.loads(events[0].payload)
    assert (issued_payload["number"], issued_payload["payable"]) == (invoice["number"], "12500.00")
    assert json.loads(events[1].payload)["amount"] == "5000.00"
    assert verify(session).first_broken is None

    if session.connection().dialect.name == "postgresql":  # what an attacker with DDL rights does first
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_refuse_update"))
    session.execute(
        text("UPDATE audit_events SET payload = replace(payload, '5000.00', '500.00') WHERE id = :id"),
        {"id": events[1].id},
    )
    session.expire_all()
    broken = verify(session).first_broken
    assert broken is not None
    assert broken.id == events[1].id

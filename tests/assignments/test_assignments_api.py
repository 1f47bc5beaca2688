"""A member registers a commission, adds expenses and receipts, and the treasurer decides — over the API."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from kooperativet.api.idempotency import IdempotentRequest
from kooperativet.assignments import rules, service
from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.assignments.rules import FeeLine
from kooperativet.assignments.schemas import AssignmentRead
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.errors import Conflict
from kooperativet.parties.models import Client
from tests.assignments.factories import JPEG, PDF, PNG, approve, assignment_body, register, submit
from tests.statement_count import counted


@pytest.fixture
def berlin(session: Session) -> Client:
    client = Client(name="Kulturhaus Berlin GmbH", vat_number="DE136695976", country="DE")
    session.add(client)
    session.flush()
    return client


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_whole_path_from_registration_to_closing(
    api: TestClient, session: Session, make_member, make_user, cooperative, client_record
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)

    created = register(api, member.headers, assignment_body(client_record.id))
    assert created["status"] == "draft"
    assert created["member_id"] == member.member.id
    assert created["client_name"] == "Malmö stad"
    assert created["fee_total"] == "15000.00"
    assert created["lines"][0]["unit_price"] == "3000.00"
    assert created["expenses"][0]["amount"] == "789.00"
    assert created["warnings"] == []

    expense = api.post(
        f"/api/v1/assignments/{created['id']}/expenses",
        json={
            "spent_on": "2026-10-06",
            "description": "Papper och pennor",
            "amount": "245.50",
            "vat_rate": "25",
        },
        headers=member.headers,
    )
    assert expense.status_code == 201, expense.text
    receipt = api.post(
        f"/api/v1/assignments/{created['id']}/expenses/{expense.json()['id']}/receipt",
        files={"file": ("kvitto.pdf", PDF, "application/pdf")},
        headers=member.headers,
    )
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["media_type"] == "application/pdf"
    assert receipt.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    for actor in (member, treasurer):
        download = api.get(
            f"/api/v1/assignments/{created['id']}/expenses/{expense.json()['id']}/receipt",
            headers=actor.headers,
        )
        assert download.status_code == 200
        assert download.content == PDF

    current = api.get(f"/api/v1/assignments/{created['id']}", headers=member.headers).json()
    assert [e["description"] for e in current["expenses"]] == ["Tåg Stockholm–Malmö", "Papper och pennor"]
    submitted = submit(api, member.headers, current)
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"] is not None

    approved = approve(api, treasurer.headers, submitted)
    assert approved["status"] == "approved"
    assert approved["decided_by_id"] == treasurer.user.id
    assert approved["decided_at"] is not None

    employments = api.get("/api/v1/employments", headers=member.headers).json()
    assert employments["total"] == 1
    employment = employments["items"][0]
    assert (employment["start"], employment["end"]) == ("2026-10-05", "2026-10-09")
    assert employment["workplace"] == "Stadsbiblioteket, Malmö"
    pdf = api.get(f"/api/v1/employments/{employment['id']}/certificate.pdf", headers=member.headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == employment["certificate_sha256"]

    # Invoicing and payroll move it on through the service; a wrong step is a 409 naming the state.
    assignment = session.get(Assignment, created["id"])
    assert assignment is not None
    with pytest.raises(Conflict, match="the assignment is approved"):
        service.mark_paid(session, assignment=assignment)
    for step, status in [
        (service.mark_invoiced, "invoiced"),
        (service.mark_paid, "paid"),
        (service.mark_salaried, "salaried"),
        (service.close, "closed"),
    ]:
        step(session, assignment=assignment)
        assert assignment.status == status
    assert (
        api.get(f"/api/v1/assignments/{created['id']}", headers=member.headers).json()["status"] == "closed"
    )


def test_a_member_registers_a_new_client_inline(api: TestClient, make_member, cooperative) -> None:
    member = make_member()
    new_client = {"name": "Folkteatern i Mellanstad AB", "organisation_number": "556677-8899"}
    created = register(api, member.headers, assignment_body(None, client=new_client, buyer_reference="Anna"))
    client = api.get(f"/api/v1/clients/{created['client_id']}", headers=member.headers).json()
    assert client["organisation_number"] == "556677-8899"


def test_an_inline_client_with_a_bad_number_stores_nothing(
    api: TestClient, session: Session, make_member
) -> None:
    member = make_member()
    body = assignment_body(None, client={"name": "Fel AB", "organisation_number": "556677-8898"})
    response = api.post("/api/v1/assignments", json=body, headers=member.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_number"
    assert count(session, Client) == 0


def test_reverse_charge_to_an_eu_business_with_its_vat_number(api: TestClient, make_member, berlin) -> None:
    member = make_member()
    line = {"description": "Lecture", "quantity": "1", "unit": "LS", "unit_price": "2000.00"}
    created = register(
        api,
        member.headers,
        assignment_body(berlin.id, lines=[{**line, "vat_category": "AE", "vat_rate": "0"}], expenses=[]),
    )
    assert created["lines"][0]["vat_category"] == "AE"
    assert created["lines"][0]["vat_rate"] == "0.00"


@pytest.mark.parametrize(
    ("client", "category", "reason"),
    [
        ({"name": "Svensk Scen AB", "vat_number": "SE556026998601"}, "AE", "Swedish VAT"),
        (
            {"name": "Kulturhaus Berlin GmbH", "vat_number": "DE136695976", "country": "DE"},
            "O",
            "outside the EU",
        ),
    ],
)
def test_a_vat_category_that_does_not_fit_where_the_client_is_is_refused_next_to_the_lines_vat(
    api: TestClient, session: Session, make_member, client: dict[str, str], category: str, reason: str
) -> None:
    # AE is for a business buyer in another EU country, O for a buyer outside the EU (invoicing.md).
    record = Client(**client)
    session.add(record)
    session.flush()
    lines = [{"description": "Lecture", "quantity": "1", "unit": "LS", "unit_price": "2000.00"}]
    body = assignment_body(record.id, lines=[{**lines[0], "vat_category": category, "vat_rate": "0"}])

    response = api.post("/api/v1/assignments", json=body, headers=make_member().headers)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["errors"][0]["field"]) == ("vat_rule", "lines.0.vat_category")
    assert reason in problem["errors"][0]["reason"]
    assert count(session, Assignment) == 0


def line(**changes: object) -> dict[str, object]:
    return {
        "description": "Konsert",
        "quantity": "1",
        "unit": "LS",
        "unit_price": "8000.00",
        "vat_category": "S",
        "vat_rate": "6",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"period_end": "2026-10-04"}, "period_end", "before it starts"),
        ({"lines": [line(unit_price="0.00")]}, "lines.0.unit_price", "above zero"),
        ({"lines": [line(unit_price="-100.00")]}, "lines.0.unit_price", "above zero"),
        ({"lines": [line(quantity="0")]}, "lines.0.quantity", "above zero"),
        ({"lines": [line(unit_price="100.005")]}, "lines.0.unit_price", "more than two decimals"),
        ({"lines": [line(vat_rate="20")]}, "lines.0.vat_rate", "25, 12 or 6"),
        ({"lines": [line(vat_category="E", vat_rate="0")]}, "lines.0.exemption_reason", "reason"),
        ({"lines": [line(vat_category="O", vat_rate="25")]}, "lines.0.vat_rate", "rate 0"),
        ({"lines": [line(vat_category="AE", vat_rate="0")]}, "client.vat_number", "VAT number"),
        ({"lines": []}, "lines", "at least 1"),
        ({"extent_quantity": "0"}, "extent_quantity", "above zero"),
        (
            {"expenses": [{"spent_on": "2026-10-05", "description": "Taxi", "amount": "0", "vat_rate": "6"}]},
            "expenses.0.amount",
            "above zero",
        ),
        (
            {
                "expenses": [
                    {"spent_on": "2026-10-05", "description": "Taxi", "amount": "12.345", "vat_rate": "6"}
                ]
            },
            "expenses.0.amount",
            "more than two decimals",
        ),
        (
            {
                "expenses": [
                    {"spent_on": "2026-10-05", "description": "Taxi", "amount": "120.00", "vat_rate": "7"}
                ]
            },
            "expenses.0.vat_rate",
            "25, 12, 6 or 0",
        ),
        ({"client_id": None}, "client_id", "give the client"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(
    api: TestClient, session: Session, make_member, client_record, changes, field: str, reason: str
) -> None:
    member = make_member()
    response = api.post(
        "/api/v1/assignments", json=assignment_body(client_record.id, **changes), headers=member.headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == field
    assert reason in problem["errors"][0]["reason"]
    assert count(session, Assignment) == 0
    assert count(session, Expense) == 0


@pytest.mark.parametrize(
    ("filename", "content", "media_type"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("IMG_0001.JPG", JPEG, "image/jpeg"),
        ("kvitto", PNG, "image/png"),
    ],
)
def test_receipts_are_recognised_by_content_not_name(
    api: TestClient, make_member, client_record, filename: str, content: bytes, media_type: str
) -> None:
    member = make_member()
    created = register(api, member.headers, assignment_body(client_record.id))
    response = api.post(
        f"/api/v1/assignments/{created['id']}/expenses/{created['expenses'][0]['id']}/receipt",
        files={"file": (filename, content, "application/octet-stream")},
        headers=member.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["media_type"] == media_type
    assert response.json()["size"] == len(content)


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"MZ\x90\x00 an executable called kvitto.pdf", 422, "unsupported_receipt"),
        (b"<html><script>alert(1)</script></html>", 422, "unsupported_receipt"),
        (b"", 422, "rule_violation"),
        (PDF + b"\x00" * (10 * 1024 * 1024), 413, "receipt_too_large"),
    ],
)
def test_a_receipt_that_is_not_a_pdf_or_image_or_too_large_is_refused_and_not_stored(
    api: TestClient, session: Session, make_member, client_record, content: bytes, status: int, code: str
) -> None:
    member = make_member()
    created = register(api, member.headers, assignment_body(client_record.id))
    response = api.post(
        f"/api/v1/assignments/{created['id']}/expenses/{created['expenses'][0]['id']}/receipt",
        files={"file": ("kvitto.pdf", content, "application/pdf")},
        headers=member.headers,
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["field"] == "file"
    assert count(session, Receipt) == 0


def test_a_receipt_exactly_10_mb_is_accepted(api: TestClient, make_member, client_record) -> None:
    member = make_member()
    created = register(api, member.headers, assignment_body(client_record.id))
    content = PDF + b"\x00" * (10 * 1024 * 1024 - len(PDF))
    response = api.post(
        f"/api/v1/assignments/{created['id']}/expenses/{created['expenses'][0]['id']}/receipt",
        files={"file": ("kvitto.pdf", content, "application/pdf")},
        headers=member.headers,
    )
    assert response.status_code == 201, response.text


def test_removing_an_expense_removes_its_receipt(
    api: TestClient, session: Session, make_member, client_record
) -> None:
    member = make_member()
    created = register(api, member.headers, assignment_body(client_record.id))
    path = f"/api/v1/assignments/{created['id']}/expenses/{created['expenses'][0]['id']}"
    api.post(f"{path}/receipt", files={"file": ("k.png", PNG, "image/png")}, headers=member.headers)
    assert api.delete(path, headers=member.headers).status_code == 204
    assert count(session, Receipt) == 0
    assert api.get(f"/api/v1/assignments/{created['id']}", headers=member.headers).json()["expenses"] == []


def test_a_member_changes_a_draft_with_the_version_read_and_lines_are_replaced(
    api: TestClient, make_member, client_record
) -> None:
    member = make_member()
    created = register(api, member.headers, assignment_body(client_record.id))
    path = f"/api/v1/assignments/{created['id']}"
    changed = api.patch(
        path,
        json={
            "version": created["version"],
            "title": "Ny titel",
            "lines": [line(), line(description="Licens")],
        },
        headers=member.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "Ny titel"
    assert [x["position"] for x in changed.json()["lines"]] == [1, 2]
    assert changed.json()["fee_total"] == "16000.00"
    stale = api.patch(path, json={"version": created["version"], "title": "Gammal"}, headers=member.headers)
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"


def test_only_a_draft_changes_and_only_by_its_member(
    api: TestClient, make_member, make_user, client_record
) -> None:
    member, other = make_member(), make_member()
    treasurer = make_user(Role.treasurer)
    created = register(api, member.headers, assignment_body(client_record.id))
    path = f"/api/v1/assignments/{created['id']}"
    assert api.get(path, headers=other.headers).status_code == 404
    assert api.patch(path, json={"version": 1, "title": "x"}, headers=other.headers).status_code == 404
    assert api.patch(path, json={"version": 1, "title": "x"}, headers=treasurer.headers).status_code == 403
    submitted = submit(api, member.headers, created)
    refused = api.patch(path, json={"version": submitted["version"], "title": "x"}, headers=member.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_a_draft"
    assert refused.json()["current_status"] == "submitted"


def test_the_list_is_filtered_and_paged_and_a_member_sees_only_their_own(
    api: TestClient, make_member, make_user, client_record
) -> None:
    member, other = make_member(), make_member()
    treasurer = make_user(Role.treasurer)
    first = register(api, member.headers, assignment_body(client_record.id))
    register(
        api,
        member.headers,
        assignment_body(client_record.id, period_start="2026-11-02", period_end="2026-11-03"),
    )
    register(api, other.headers, assignment_body(client_record.id))
    submit(api, member.headers, first)
    assert api.get("/api/v1/assignments", headers=member.headers).json()["total"] == 2
    assert api.get("/api/v1/assignments", headers=other.headers).json()["total"] == 1
    everyone = api.get("/api/v1/assignments", params={"limit": 2}, headers=treasurer.headers).json()
    assert (everyone["total"], len(everyone["items"])) == (3, 2)
    submitted = api.get(
        "/api/v1/assignments", params={"status": "submitted"}, headers=treasurer.headers
    ).json()
    assert [a["id"] for a in submitted["items"]] == [first["id"]]
    mine = api.get("/api/v1/assignments", params={"member_id": member.member.id}, headers=treasurer.headers)
    assert mine.json()["total"] == 2
    by_client = api.get(
        "/api/v1/assignments", params={"client_id": client_record.id}, headers=treasurer.headers
    )
    assert by_client.json()["total"] == 3


def test_the_treasurer_rejects_with_a_reason_and_the_member_cancels_a_draft(
    api: TestClient, make_member, make_user, client_record
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    first = submit(api, member.headers, register(api, member.headers, assignment_body(client_record.id)))
    rejected = api.post(
        f"/api/v1/assignments/{first['id']}/reject",
        json={"version": first["version"], "reason": "Perioden stämmer inte med avtalet"},
        headers=treasurer.headers,
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Perioden stämmer inte med avtalet"
    second = register(api, member.headers, assignment_body(client_record.id))
    cancelled = api.post(
        f"/api/v1/assignments/{second['id']}/cancel",
        json={"version": second["version"]},
        headers=member.headers,
    )
    assert cancelled.json()["status"] == "cancelled"
    again = api.post(
        f"/api/v1/assignments/{second['id']}/cancel",
        json={"version": cancelled.json()["version"]},
        headers=member.headers,
    )
    assert again.status_code == 409
    assert again.json()["current_status"] == "cancelled"


def test_an_idempotency_key_makes_a_retried_registration_create_one_assignment(
    api: TestClient, session: Session, make_member, client_record
) -> None:
    member = make_member()
    headers = {**member.headers, "Idempotency-Key": "assignment-0001"}
    body = assignment_body(client_record.id)
    first = api.post("/api/v1/assignments", json=body, headers=headers)
    second = api.post("/api/v1/assignments", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert count(session, Assignment) == 1
    other_body = api.post("/api/v1/assignments", json={**body, "title": "Annat"}, headers=headers)
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"


def test_a_commission_is_answered_with_the_json_it_stores_and_a_replay_with_the_same_bytes(
    api: TestClient, session: Session, make_member, client_record
) -> None:
    """The answer is the stored JSON itself (``api.idempotency.idempotent``): the same bytes for the first
    request and its replay, as the model would serialise it; the OpenAPI document still names the model."""
    member = make_member()
    headers = {**member.headers, "Idempotency-Key": "assignment-0005"}
    body = assignment_body(client_record.id)
    first = api.post("/api/v1/assignments", json=body, headers=headers)
    replay = api.post("/api/v1/assignments", json=body, headers=headers)
    without_key = api.post("/api/v1/assignments", json=body, headers=member.headers)

    assert first.status_code == replay.status_code == without_key.status_code == 201
    assert first.headers["content-type"] == "application/json"
    assert replay.content == first.content
    stored = session.scalar(
        select(IdempotentRequest.response_json).where(IdempotentRequest.key == "assignment-0005")
    )
    assert stored is not None
    assert first.content == stored.encode()
    assert AssignmentRead.model_validate_json(first.content).model_dump_json() == stored
    assert without_key.json()["id"] != first.json()["id"]
    created = api.get("/openapi.json").json()["paths"]["/api/v1/assignments"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AssignmentRead"}


def test_registering_a_commission_with_a_key_takes_ten_statements_the_writer_five(
    api: TestClient, connection: Connection, make_member, client_record
) -> None:
    """The write P3 measures: who is asking (1); read before the writing transaction begins: the member and
    the client (2) and the warnings (2: the parameters in force, the member's employment periods); then,
    holding SQLite's one writer, the key claimed (1), the assignment, its line and its expense (3) and the
    response stored under the key (1), nothing read among them. A draft was never invoiced, so what is left
    of its lines is its lines (``rules.NEVER_APPROVED``). A replay: who is asking, the same reads, the claim
    refused and the stored answer."""
    member = make_member()
    headers = {**member.headers, "Idempotency-Key": "assignment-0002"}
    body = assignment_body(client_record.id)
    with counted(connection, savepoints=False) as sent:  # not the test's own transaction's savepoints
        first = api.post("/api/v1/assignments", json=body, headers=headers)
        made = sent.count
        replay = api.post("/api/v1/assignments", json=body, headers=headers)
    statements = sent.sql
    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json()
    assert made == 10, statements[:made]
    assert all(statement.startswith("SELECT") for statement in statements[:5]), statements[:5]
    writing = [re.match(r"(INSERT INTO|UPDATE) (\w+)", statement) for statement in statements[5:made]]
    assert [match and match.groups() for match in writing] == [
        ("INSERT INTO", "idempotent_requests"),
        ("INSERT INTO", "assignments"),
        ("INSERT INTO", "assignment_lines"),
        ("INSERT INTO", "expenses"),
        ("UPDATE", "idempotent_requests"),
    ], statements[5:made]
    assert len(statements) - made == 7, statements[made:]
    assert not any("invoice_lines" in statement for statement in statements)


def test_a_replay_is_answered_as_the_first_time_even_when_the_commission_would_now_be_refused(
    api: TestClient, session: Session, make_member, client_record
) -> None:
    """The commission is worked out before its writing transaction; what is refused there is left to the
    writing transaction, which looks up the key first: a retry of an accepted request is still its first
    answer, even after the login was unlinked from the member (a new commission is then a 403)."""
    member = make_member()
    headers = {**member.headers, "Idempotency-Key": "assignment-0003"}
    body = assignment_body(client_record.id)
    first = api.post("/api/v1/assignments", json=body, headers=headers)
    member.member.user_id = None
    session.flush()

    replay = api.post("/api/v1/assignments", json=body, headers=headers)
    another_key = {**headers, "Idempotency-Key": "assignment-0004"}
    new = api.post("/api/v1/assignments", json=body, headers=another_key)

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert new.status_code == 403
    assert session.scalar(select(func.count()).select_from(Assignment)) == 1


def test_an_idempotency_key_makes_a_retried_approval_employ_once(
    api: TestClient, make_member, make_user, cooperative, client_record
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    submitted = submit(api, member.headers, register(api, member.headers, assignment_body(client_record.id)))
    headers = {**treasurer.headers, "Idempotency-Key": "approve-0001"}
    body = {"version": submitted["version"]}
    first = api.post(f"/api/v1/assignments/{submitted['id']}/approve", json=body, headers=headers)
    second = api.post(f"/api/v1/assignments/{submitted['id']}/approve", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert api.get("/api/v1/employments", headers=member.headers).json()["total"] == 1


def test_fee_total_sums_rounded_line_amounts() -> None:
    lines = [
        FeeLine("a", Decimal("1.5"), "HUR", Decimal("333.33"), VatCategory.STANDARD, Decimal("25")),
        FeeLine("b", Decimal("2"), "DAY", Decimal("3000.00"), VatCategory.STANDARD, Decimal("6")),
    ]
    assert rules.fee_total(lines) == Decimal("6500.00")


LARGEST = "999999999999.99"  # the largest amount one field holds: twelve digits of kronor


@pytest.mark.parametrize(
    ("lines", "expenses"),
    [
        # Two of the largest price: each field is fine, the line's amount is not.
        ([{"quantity": "2", "unit_price": LARGEST}], []),
        # The largest price: with its VAT the invoice would ask for more than a money column holds.
        ([{"quantity": "1", "unit_price": LARGEST}], []),
        # A small fee and the largest outlay: together more than twelve digits of kronor.
        ([{"quantity": "1", "unit_price": "1000.00"}], [{"amount": LARGEST}]),
    ],
)
def test_amounts_that_add_up_beyond_what_an_amount_holds_are_refused_before_anything_is_stored(
    api: TestClient, session: Session, make_member, client_record, lines, expenses
) -> None:
    """Each amount alone passes; their sum would be an invoice no column or answer holds (it was stored, then
    every list of invoices answered 500). Refused as a problem naming the lines, and nothing is stored."""
    member = make_member()
    body = assignment_body(client_record.id)
    body["lines"] = [{**body["lines"][0], **line} for line in lines]
    body["expenses"] = [{**body["expenses"][0], **expense} for expense in expenses]

    response = api.post("/api/v1/assignments", json=body, headers=member.headers)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["errors"][0]["field"]) == ("amount_too_large", "lines")
    assert count(session, Assignment) == 0


def test_an_outlay_that_takes_the_assignment_beyond_what_an_amount_holds_is_refused(
    api: TestClient, session: Session, make_member, client_record
) -> None:
    member = make_member()
    body = assignment_body(client_record.id)
    body["lines"][0]["unit_price"] = (
        "100000000000.00"  # five days: 500 000 000 000 kr, 625 000 000 000 with VAT
    )
    created = register(api, member.headers, body)

    response = api.post(
        f"/api/v1/assignments/{created['id']}/expenses",
        json={"spent_on": "2026-10-06", "description": "Scen", "amount": "400000000000.00", "vat_rate": "25"},
        headers=member.headers,
    )

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "amount_too_large"
    assert count(session, Expense) == 1  # the train ticket it was registered with, nothing more
    shown = api.get(f"/api/v1/assignments/{created['id']}", headers=member.headers)
    assert shown.status_code == 200
    assert shown.json()["fee_total"] == "500000000000.00"


@pytest.mark.parametrize("field", ["title", "lines.0.description", "expenses.0.description"])
def test_a_required_text_of_spaces_only_is_refused_as_empty(
    api: TestClient, session: Session, make_member, client_record, field
) -> None:
    """Spaces only are no title: refused naming the field, where they were stored as "" with a 201."""
    body = assignment_body(client_record.id)
    match field.split("."):
        case [name]:
            body[name] = "   "
        case [group, index, name]:
            body[group][int(index)][name] = " \t "

    response = api.post("/api/v1/assignments", json=body, headers=make_member().headers)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert count(session, Assignment) == 0


def test_surrounding_spaces_are_trimmed_and_the_text_kept(
    api: TestClient, make_member, client_record
) -> None:
    created = register(
        api, make_member().headers, assignment_body(client_record.id, title="  Skrivarverkstad  ")
    )
    assert created["title"] == "Skrivarverkstad"


@pytest.mark.parametrize(
    ("period_start", "period_end", "field"),
    [("9999-12-30", "9999-12-31", "period_start"), ("2026-10-05", "9999-12-31", "period_end")],
)
def test_a_period_beyond_any_pay_day_is_refused_by_its_field(
    api: TestClient, session: Session, make_member, client_record, period_start, period_end, field
) -> None:
    """Three months after 9999-12-30 is no date: such a period was a 500, or a 422 naming no field."""
    body = assignment_body(client_record.id, period_start=period_start, period_end=period_end)

    response = api.post("/api/v1/assignments", json=body, headers=make_member().headers)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["errors"][0]["field"]) == ("date_out_of_range", field)
    assert count(session, Assignment) == 0

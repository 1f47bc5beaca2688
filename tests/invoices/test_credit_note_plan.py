"""The plan of a credit note (invoicing.md, "Credit notes"): what it would hold, computed without writing
anything, and its fingerprint, with which issuing refuses a credit note that is no longer the one shown."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.errors import Conflict
from kooperativet.invoices import service
from kooperativet.invoices.documents import render_documents
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceNumberCounter
from kooperativet.invoices.schemas import CreditNoteIssue, CreditPart
from kooperativet.invoices.snapshot import snapshot_from_json
from tests.invoices.conftest import ISSUE_DAY, pdf_text

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
# 10 h at 1 000.00 and 25 %, and a ticket at 6 %: 10 000 + 2 500 and 500 + 30 = 13 030.00
WORKSHOP = ("Workshop", "10", "HUR", "1000.00", VatCategory.STANDARD, "25")
TICKET = ("Biljett", "1", "C62", "500.00", VatCategory.STANDARD, "6")
# 1 000.40 + 250.10 VAT = 1 250.50 → 1 251.00 (rounding +0.50)
ROUNDED_UP = ("Workshop", "1", "HUR", "1000.40", VatCategory.STANDARD, "25")


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def issued(api, session, seller, municipality, make_member, make_assignment, treasurer, on_day):
    """Issue an invoice of the given lines for a new approved assignment; returns the stored invoice."""

    def make(*lines):
        assignment = make_assignment(make_member().member, municipality, *lines)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        return session.get_one(Invoice, response.json()["id"])

    return make


def written(session) -> tuple[int, list[int]]:
    """How many credit notes there are, and where every number series stands."""
    notes = session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.kind == InvoiceKind.credit_note)
    )
    return notes, list(
        session.scalars(select(InvoiceNumberCounter.last_sequence).order_by(InvoiceNumberCounter.year))
    )


def plan(session, invoice, treasurer, **body):
    return service.plan_credit_note(
        session, invoice_id=invoice.id, data=CreditNoteIssue(**body), actor=treasurer.user
    )


def test_the_plan_of_part_of_a_line_shows_its_lines_vat_and_total_and_writes_nothing(
    session, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP, TICKET)
    before = written(session)
    workshop = invoice.lines[0]

    shown = plan(
        session,
        invoice,
        treasurer,
        parts=[CreditPart(invoice_line_id=workshop.id, quantity=Decimal("2.5"))],
        reason="  Två timmar och en halv uteblev  ",
    )

    assert written(session) == before
    [(draft, calculated)] = zip(shown.drafts, shown.calculation.lines, strict=True)
    assert (draft.credits_line_id, draft.line.quantity, draft.line.unit_price, calculated.amount) == (
        workshop.id,
        Decimal("2.5"),
        Decimal("1000.00"),
        Decimal("2500.00"),
    )
    [vat] = shown.calculation.vat_breakdown
    assert (vat.rate, vat.taxable_amount, vat.tax_amount) == (
        Decimal("25"),
        Decimal("2500.00"),
        Decimal("625.00"),
    )
    assert (shown.calculation.totals.rounding_amount, shown.payable) == (Decimal("0.00"), Decimal("3125.00"))
    assert shown.reason == "Två timmar och en halv uteblev"
    assert shown.balance_after == Decimal("9905.00")  # 13 030.00 − 3 125.00, nothing paid
    assert len(shown.sha256) == 64


def test_the_plan_of_everything_takes_every_rate_and_the_rounding(session, issued, treasurer) -> None:
    invoice = issued(ROUNDED_UP)
    shown = plan(session, invoice, treasurer)
    assert (shown.calculation.totals.tax_exclusive_amount, shown.calculation.totals.tax_amount) == (
        Decimal("1000.40"),
        Decimal("250.10"),
    )
    assert (shown.calculation.totals.rounding_amount, shown.payable) == (Decimal("0.50"), Decimal("1251.00"))
    assert shown.reason == ""


def test_the_credit_note_issued_is_the_plan_and_its_fingerprint_is_stable(session, issued, treasurer) -> None:
    invoice = issued(WORKSHOP, TICKET)
    ticket = invoice.lines[1]
    body = {"parts": [CreditPart(invoice_line_id=ticket.id, amount=Decimal("200.00"))], "reason": "Rabatt"}
    first = plan(session, invoice, treasurer, **body)
    again = plan(session, invoice, treasurer, **body)
    assert first.sha256 == again.sha256
    # Another reason is another credit note: the reason is part of what was shown.
    assert plan(session, invoice, treasurer, **{**body, "reason": "Annan orsak"}).sha256 != first.sha256

    note = service.issue_credit_note(
        session,
        invoice_id=invoice.id,
        data=CreditNoteIssue(**body, shown_sha256=first.sha256),
        actor=treasurer.user,
        today=ISSUE_DAY,
        now=NOW,
    )
    assert (note.net_total, note.vat_total, note.payable) == (
        Decimal("200.00"),
        Decimal("12.00"),
        Decimal("212.00"),
    )
    assert note.payable == first.payable
    assert snapshot_from_json(note.snapshot).document.notes == ("Rabatt",)


def test_a_plan_changed_by_a_payment_is_refused_by_its_fingerprint_and_nothing_is_written(
    api, session, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP)
    body = {"parts": [{"invoice_line_id": invoice.lines[0].id, "quantity": "2"}], "reason": "Fel antal"}
    shown = api.post(f"/api/v1/invoices/{invoice.id}/credit-notes/plan", json=body, headers=treasurer.headers)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["payable"], shown.json()["balance_after"]) == ("2500.00", "10000.00")
    before = written(session)
    paid = api.post(
        "/api/v1/payments",
        json={"invoice_id": invoice.id, "amount": "12500.00", "paid_on": "2026-03-02"},
        headers=treasurer.headers,
    )
    assert paid.status_code == 201, paid.text

    refused = api.post(
        f"/api/v1/invoices/{invoice.id}/credit-notes",
        json={**body, "shown_sha256": shown.json()["sha256"]},
        headers=treasurer.headers,
    )

    assert refused.status_code == 409
    assert refused.json()["code"] == "credit_note_changed"
    session.expire_all()
    assert written(session) == before
    # The plan now says what changed: the client has paid, so the credit is to be refunded.
    now = api.post(f"/api/v1/invoices/{invoice.id}/credit-notes/plan", json=body, headers=treasurer.headers)
    assert (now.json()["payable"], now.json()["balance_after"]) == ("2500.00", "-2500.00")
    assert now.json()["sha256"] != shown.json()["sha256"]
    issued_now = api.post(
        f"/api/v1/invoices/{invoice.id}/credit-notes",
        json={**body, "shown_sha256": now.json()["sha256"]},
        headers=treasurer.headers,
    )
    assert issued_now.status_code == 201, issued_now.text
    assert issued_now.json()["payable"] == "2500.00"


def test_a_plan_changed_by_another_credit_note_is_refused_in_the_service(session, issued, treasurer) -> None:
    invoice = issued(WORKSHOP)
    shown = plan(session, invoice, treasurer, reason="Allt")
    service.issue_credit_note(
        session,
        invoice_id=invoice.id,
        data=CreditNoteIssue(parts=[CreditPart(invoice_line_id=invoice.lines[0].id, quantity=Decimal("1"))]),
        actor=treasurer.user,
        today=ISSUE_DAY,
        now=NOW,
    )
    before = written(session)
    with pytest.raises(Conflict) as refused:
        service.issue_credit_note(
            session,
            invoice_id=invoice.id,
            data=CreditNoteIssue(reason="Allt", shown_sha256=shown.sha256),
            actor=treasurer.user,
            today=ISSUE_DAY,
            now=NOW,
        )
    assert refused.value.code == "credit_note_changed"
    assert written(session) == before


def test_without_a_fingerprint_or_a_reason_the_api_issues_as_before(api, issued, treasurer) -> None:
    invoice = issued(WORKSHOP)
    answer = api.post(f"/api/v1/invoices/{invoice.id}/credit-notes", json={}, headers=treasurer.headers)
    assert (answer.status_code, answer.json()["payable"]) == (201, "12500.00")


@pytest.mark.parametrize("fingerprint", ["abc", "A" * 64, "0" * 63])
def test_a_fingerprint_that_is_not_a_sha256_is_refused_by_its_field(
    api, session, issued, treasurer, fingerprint
) -> None:
    invoice = issued(WORKSHOP)
    answer = api.post(
        f"/api/v1/invoices/{invoice.id}/credit-notes",
        json={"shown_sha256": fingerprint},
        headers=treasurer.headers,
    )
    assert answer.status_code == 422
    assert "shown_sha256" in answer.text
    assert written(session)[0] == 0


def test_the_plan_refuses_as_issuing_would(api, session, issued, treasurer) -> None:
    invoice = issued(WORKSHOP)
    body = {"parts": [{"invoice_line_id": invoice.lines[0].id, "quantity": "11"}]}
    answer = api.post(
        f"/api/v1/invoices/{invoice.id}/credit-notes/plan", json=body, headers=treasurer.headers
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "more_than_invoiced")
    assert written(session)[0] == 0


def test_the_credit_note_pdf_prints_the_reason_under_its_heading(session, issued, treasurer) -> None:
    invoice = issued(WORKSHOP)
    note = service.issue_credit_note(
        session,
        invoice_id=invoice.id,
        data=CreditNoteIssue(reason="Föreställningen kortades\nmed en dag"),
        actor=treasurer.user,
        today=ISSUE_DAY,
        now=NOW,
    )
    credit_text = pdf_text(render_documents(snapshot_from_json(note.snapshot)).pdf)
    assert "Orsak till kreditering\nFöreställningen kortades\nmed en dag" in credit_text
    invoice_text = pdf_text(render_documents(snapshot_from_json(invoice.snapshot)).pdf)
    assert "Orsak till kreditering" not in invoice_text


@pytest.mark.parametrize("amount", ["0", "0.00", "-100.00", 0, -100])
@pytest.mark.parametrize("what", ["credit-notes/plan", "credit-notes"])
def test_an_amount_of_zero_or_less_is_refused_as_such_not_as_more_than_invoiced(
    api, session, issued, treasurer, amount, what
) -> None:
    """Found by fuzzing (2026-12-05): an amount of zero or less was refused with "at most 10000.00 of line 1
    is left to credit" (``more_than_invoiced``), which is not what is wrong with it."""
    invoice = issued(WORKSHOP)
    body = {"parts": [{"invoice_line_id": invoice.lines[0].id, "amount": amount}]}
    answer = api.post(f"/api/v1/invoices/{invoice.id}/{what}", json=body, headers=treasurer.headers)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "validation_failed"
    assert problem["errors"] == [
        {"field": "parts.0.amount", "reason": "an amount to credit must be more than zero"}
    ]
    assert written(session)[0] == 0

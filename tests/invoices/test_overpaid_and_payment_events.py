"""What an overpaid invoice says over the API, and what the audit chain's ``payment_recorded`` event says of a
payment: its reference, and whether it paid more than was due or was paid before the invoice's date."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kooperativet.audit.models import AuditEvent
from kooperativet.demo.bank_file import Credit, camt054
from tests.invoices.test_credit_notes_and_payments import WORKSHOP, credit, get, issued, pay, treasurer

__all__ = ["issued", "treasurer"]


def recorded(session) -> list[dict[str, object]]:
    """The payloads of the ``payment_recorded`` events, oldest first."""
    events = session.scalars(
        select(AuditEvent.payload).where(AuditEvent.kind == "payment_recorded").order_by(AuditEvent.id)
    )
    return [json.loads(payload) for payload in events]


def test_an_invoice_paid_beyond_what_is_due_says_how_much_was_overpaid(api, issued, treasurer) -> None:
    """The treasurer's case: paid in advance, then an overpayment; nothing outstanding, and the 62.00 too
    much is said, for her to send back."""
    invoice = issued(WORKSHOP)  # 12 500.00, issued 2026-03-02
    assert get(api, treasurer, invoice["id"])["overpaid"] == "0.00"

    in_advance = pay(api, treasurer, invoice["id"], "12000.00", paid_on="2026-02-27", prepayment=True)
    assert in_advance.status_code == 201, in_advance.text
    assert get(api, treasurer, invoice["id"])["overpaid"] == "0.00"
    assert pay(api, treasurer, invoice["id"], "562.00", overpayment=True).status_code == 201

    after = get(api, treasurer, invoice["id"])
    assert {key: Decimal(after[key]) for key in ("payable", "paid_amount", "outstanding", "overpaid")} == {
        "payable": Decimal("12500.00"),
        "paid_amount": Decimal("12562.00"),
        "outstanding": Decimal("0.00"),
        "overpaid": Decimal("62.00"),
    }
    assert after["status"] == "paid"


def test_a_credit_note_on_an_invoice_already_paid_leaves_it_overpaid_by_the_credit(
    api, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP)
    assert pay(api, treasurer, invoice["id"], "12500.00").status_code == 201
    line = invoice["lines"][0]["id"]

    note = credit(api, treasurer, invoice["id"], parts=[{"invoice_line_id": line, "quantity": "1"}])

    assert note.status_code == 201, note.text
    after = get(api, treasurer, invoice["id"])
    # One hour of 1 000.00 and its 25 % VAT back to the client.
    assert (Decimal(after["outstanding"]), Decimal(after["overpaid"])) == (
        Decimal("0.00"),
        Decimal("1250.00"),
    )
    assert Decimal(get(api, treasurer, note.json()["id"])["overpaid"]) == Decimal("0.00")


def test_the_event_of_a_payment_by_hand_carries_its_reference_and_whether_it_was_in_advance_or_too_much(
    api, session, issued, treasurer
) -> None:
    """The reference typed on the form is stored on the payment as ``reference``; the event named only the
    bank's entry reference, empty for a payment by hand, and said nothing of the marks."""
    invoice = issued(WORKSHOP)
    first = pay(
        api,
        treasurer,
        invoice["id"],
        "12000.00",
        paid_on="2026-02-27",
        prepayment=True,
        reference="2026000808",
    )
    assert first.json()["reference"] == "2026000808"
    pay(api, treasurer, invoice["id"], "562.00", overpayment=True)

    events = recorded(session)

    assert [
        (
            e["amount"],
            e["paid_on"],
            e["reference"],
            e["prepayment"],
            e["overpayment"],
            e["bank_entry_reference"],
        )
        for e in events
    ] == [
        ("12000.00", "2026-02-27", "2026000808", True, False, None),
        ("562.00", "2026-03-02", None, False, True, None),
    ]


def test_the_event_of_a_payment_from_the_bank_s_file_carries_its_ocr_and_whether_it_was_in_advance(
    api, session, issued, treasurer
) -> None:
    invoice = issued(WORKSHOP)
    early = camt054(
        day=date(2026, 2, 27), bankgiro="50501055", credits=[Credit(Decimal("2500.00"), invoice["ocr"])]
    )
    later = camt054(
        day=date(2026, 3, 2), bankgiro="50501055", credits=[Credit(Decimal("10000.00"), invoice["ocr"])]
    )
    for number, content in enumerate((early, later)):
        # Two files of the same generator: the bank's references differ by the message's day.
        response = api.post(
            "/api/v1/payments/camt054",
            files={"file": (f"bank-{number}.xml", content, "application/xml")},
            headers=treasurer.headers,
        )
        assert response.status_code == 200, response.text

    assert [(e["amount"], e["reference"], e["prepayment"], e["overpayment"]) for e in recorded(session)] == [
        ("2500.00", invoice["ocr"], True, False),
        ("10000.00", invoice["ocr"], False, False),
    ]


def test_the_event_log_page_has_words_for_every_fact_a_payment_s_event_carries(
    api, session, issued, treasurer
) -> None:
    """The event log showed ``reference``, ``prepayment`` and ``overpayment`` as the keys themselves."""
    from kooperativet.web.audit_words import FIELDS

    invoice = issued(WORKSHOP)
    pay(api, treasurer, invoice["id"], "100.00", paid_on="2026-02-27", prepayment=True, reference="1")
    [event] = recorded(session)

    assert sorted(key for key in event if key not in FIELDS) == []

"""A count of one is written in the singular on the documents, as the payslip and the certificates write
their extents and the web counts a line's units: an invoice line of one day says "1 dag" ("1 day", "1 piece"),
an invoice on the terms of one day says "1 dag netto", and a reminder made one day after the due date
(``reminder_first_days`` may be 1) charges interest for "1 dag", not "1 dagar" ("1 day", not "1 days")."""

from __future__ import annotations

from typing import Any

import pytest

from kooperativet.invoices.documents import render_documents
from kooperativet.invoices.mailing.reminder_pdf import render_reminder_pdf
from kooperativet.invoices.snapshot import IssuedSnapshot
from tests.documents.pages import page_texts
from tests.invoices.test_ubl import line, snapshot


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page_texts(pdf)).split())


@pytest.mark.parametrize(
    ("language", "days", "terms"),
    [
        ("sv", 1, "Betalningsvillkor 1 dag netto"),
        ("sv", 30, "Betalningsvillkor 30 dagar netto"),
        ("en", 1, "Payment terms 1 day net"),
        ("en", 30, "Payment terms 30 days net"),
    ],
)
def test_the_payment_terms_of_one_day_are_in_the_singular(language: str, days: int, terms: str) -> None:
    issued = IssuedSnapshot(document=snapshot(), language=language, title="Turné", payment_terms_days=days)
    assert terms in _text(render_documents(issued).pdf)


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        ("sv", ["Spelning 1 dag 8 000,00", "Turné 2,5 dagar 8 000,00", "Resa 1 st 950,00", "Vecka 1 vecka",
                "Veckor 2 veckor", "Repetition 1 tim", "Arvode 1 fast pris"]),
        ("en", ["Spelning 1 day 8,000.00", "Turné 2.5 days 8,000.00", "Resa 1 piece 950.00", "Vecka 1 week",
                "Veckor 2 weeks", "Repetition 1 hour", "Arvode 1 lump sum"]),
    ],
)  # fmt: skip
def test_a_line_of_one_counts_its_unit_in_the_singular(language: str, rows: list[str]) -> None:
    lines = (
        line("1", "8000.00", unit="DAY", description="Spelning"),
        line("2.5", "8000.00", unit="DAY", description="Turné"),
        line("1", "950.00", unit="C62", description="Resa"),
        line("1", "100.00", unit="WEE", description="Vecka"),
        line("2", "100.00", unit="WEE", description="Veckor"),
        line("1", "100.00", unit="HUR", description="Repetition"),
        line("1", "100.00", unit="LS", description="Arvode"),
    )
    issued = IssuedSnapshot(document=snapshot(lines=lines), language=language, title="Turné")
    text = _text(render_documents(issued).pdf)
    for row in rows:
        assert row in text


def _reminder(language: str, interest_days: int) -> dict[str, Any]:
    return {
        "language": language, "number": "2026-0042-P1", "sequence": 1, "reminder_date": "2026-12-29",
        "pay_by": "2027-01-12", "invoice_number": "2026-0042", "invoice_issue_date": "2026-11-24",
        "due_date": "2026-12-28", "ocr": "2026004206",
        "seller": {"name": "Interim kultur ekonomisk förening", "street": "Kulturgatan 7",
                   "postal_code": "118 20", "city": "Stockholm", "bankgiro": "5050-1055",
                   "email": "faktura@interim.example"},
        "buyer": {"name": "Exempelby kommun", "street": "Box 100", "postal_code": "123 45",
                  "city": "Exempelby"},
        "interest_days": interest_days, "rates": [{"from": "2026-12-29", "rate": "10.00"}],
        "amounts": {"payable": "1000.00", "settled": "0.00", "outstanding": "1000.00", "interest": "0.27",
                    "fee": "0.00", "earlier_fees": "0.00", "total": "1000.27"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("language", "days", "interest"),
    [
        ("sv", 1, "Dröjsmålsränta (1 dag; 10 % per år från 2026-12-29) 0,27"),
        ("sv", 18, "Dröjsmålsränta (18 dagar; 10 % per år från 2026-12-29) 0,27"),
        ("en", 1, "Late-payment interest (1 day; 10 % a year from 2026-12-29) 0.27"),
        ("en", 18, "Late-payment interest (18 days; 10 % a year from 2026-12-29) 0.27"),
    ],
)
def test_a_reminders_interest_for_one_day_is_in_the_singular(language: str, days: int, interest: str) -> None:
    assert interest in _text(render_reminder_pdf(_reminder(language, days)))

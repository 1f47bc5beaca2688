"""The payment reminder's PDF in the client's language: a Swedish law is named in English too."""

from __future__ import annotations

from typing import Any

import pytest

from kooperativet.invoices.mailing.reminder_pdf import render_reminder_pdf
from tests.invoices.conftest import pdf_text


def _reminder(language: str) -> dict[str, Any]:
    """A second reminder with a fee, so that the rule the fee rests on is printed."""
    seller = {
        "name": "Interim kultur ekonomisk förening",
        "street": "Kulturgatan 7",
        "postal_code": "118 20",
        "city": "Stockholm",
        "bankgiro": "5050-1055",
        "email": "faktura@interim.example",
    }
    return {
        "language": language, "number": "2026-0042-P2", "sequence": 2, "reminder_date": "2027-01-15",
        "pay_by": "2027-01-25", "invoice_number": "2026-0042", "invoice_issue_date": "2026-11-24",
        "due_date": "2026-12-28", "ocr": "2026004206", "seller": seller,
        "buyer": {"name": "Kulturhaus Berlin GmbH", "street": "Oranienstraße 25", "postal_code": "10999",
                  "city": "Berlin"},
        "interest_days": 18, "rates": [{"from": "2026-12-29", "rate": "10.00"}],
        "amounts": {"payable": "1000.00", "settled": "0.00", "outstanding": "1000.00", "interest": "4.93",
                    "fee": "60.00", "earlier_fees": "60.00", "total": "1124.93"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("language", "rule"),
    [
        (
            "en",
            "Reminder fee as agreed, under sections 2 and 4 of the Swedish Debt Collection Costs Act "
            "(lag (1981:739) om ersättning för inkassokostnader m.m.).",
        ),
        (
            "sv",
            "Påminnelseavgift enligt avtal, lag (1981:739) om ersättning för inkassokostnader m.m. "
            "2 och 4 §§.",
        ),
    ],
)
def test_the_fee_names_its_law_and_sections_in_the_clients_language(language: str, rule: str) -> None:
    """The English reminder named the law by its Swedish title alone and left out the sections the Swedish
    one cites; it now says in English what the law is, with its Swedish title after it."""
    text = " ".join(pdf_text(render_reminder_pdf(_reminder(language))).split())
    assert rule in text


def test_a_reminder_made_before_its_snapshot_held_countries_and_accounts_prints_as_it_did() -> None:
    """Reminders stored before the country and the IBAN were kept (their snapshots have neither) render
    without a country line and with the bankgiro alone, as they were sent."""
    text = pdf_text(render_reminder_pdf(_reminder("en")))
    lines = text.splitlines()
    assert "Germany" not in lines
    assert "Sweden" not in lines
    assert "IBAN" not in text
    assert "Bankgiro: 5050-1055" in lines

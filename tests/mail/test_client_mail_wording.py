"""The Swedish wording of the messages to a client: the day a reminder's invoice fell due is said as Swedish
says a day ("som förföll den 21 december 2026", as every other message writes a day in running text), and the
address to ask is one to write to ("Skriv till", as the English says "Write to"): "Svara till" told the client
to reply there, while her Reply goes to the From or Reply-To of the settings (docs/mail.md, "Headers")."""

from __future__ import annotations

import pytest

from kooperativet.mail.outbox import compose

SELLER = {"cooperative": "Interim kultur ekonomisk förening", "client": "Malmö stad"}
CONTACT = "kassor@interimkultur.example.se"
INVOICE = {
    **SELLER,
    "number": "2026-0001",
    "issue_date": "20 november 2026",
    "due_date": "21 december 2026",
    "amount": "21\N{NO-BREAK SPACE}389,00",
    "ocr": "2026000105",
    "bankgiro": "505-0109",
    "buyer_reference": None,
    "refers_to": None,
    "contact": CONTACT,
}
REMINDER = {
    **SELLER,
    "number": "P2026-0001",
    "invoice_number": "2026-0001",
    "due_date": "21 december 2026",
    "pay_by": "4 januari 2027",
    "outstanding": "21\N{NO-BREAK SPACE}389,00",
    "interest": "12,34",
    "fee": "60,00",
    "total": "21\N{NO-BREAK SPACE}461,34",
    "ocr": "2026000105",
    "bankgiro": "505-0109",
    "contact": CONTACT,
}


def test_the_swedish_reminder_says_the_day_the_invoice_fell_due_with_den() -> None:
    _subject, text, html = compose("reminder", "sv", REMINDER)
    assert "som förföll den 21 december 2026, inte betald." in text
    assert html is not None
    assert "som förföll den 21 december 2026, inte betald." in html


@pytest.mark.parametrize(
    ("template", "context"), [("invoice", INVOICE), ("credit_note", INVOICE), ("reminder", REMINDER)]
)
def test_the_client_is_asked_to_write_to_the_contact_address(
    template: str, context: dict[str, object]
) -> None:
    _subject, text, html = compose(template, "sv", context)
    assert f"Skriv till {CONTACT}." in text
    assert html is not None
    assert f"Skriv till {CONTACT}." in html
    assert "Svara till" not in text + html

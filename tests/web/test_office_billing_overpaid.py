"""The office's invoice page says how much an invoice was overpaid, the list of payments marks a payment as
the invoice's page does (förskott, överbetalning), and an invoice shows no "Er referens" the client never
gave."""

from __future__ import annotations

from decimal import Decimal

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.parties.models import Client
from tests.web.conftest import confirmed
from tests.web.test_office_billing import (
    commission,
    issue,
    library,
    on_day,
    post,
    seller,
    treasurer,
    worker,
)

__all__ = ["library", "on_day", "seller", "treasurer", "worker"]


def test_an_invoice_paid_in_advance_and_then_too_much_says_what_was_overpaid_and_the_list_marks_both(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    assert invoice.payable == Decimal("15000.00")  # issued 2026-11-30
    url = f"/office/invoices/{invoice.id}"
    in_advance = {
        "amount": "14 000,00",
        "paid_on": "2026-11-20",
        "reference": "2026000808",
        "prepayment": "yes",
    }
    confirmed(
        browser_client,
        post(browser_client, f"{url}/payments", in_advance, page=url),
        "Betalningen är registrerad.",
    )
    page = browser_client.get(url).text
    assert "Överbetalt" not in page
    too_much = {"amount": "1 062,00", "paid_on": "2026-11-30", "overpayment": "yes"}
    confirmed(
        browser_client,
        post(browser_client, f"{url}/payments", too_much, page=url),
        "Betalningen är registrerad.",
    )

    page = browser_client.get(url).text
    assert '<tr><th scope="row" colspan="4">Inbetalt</th><td class="num">15\xa0062,00</td></tr>' in page
    assert '<th scope="row" colspan="4">Kvar att betala</th><td class="num"><strong>0,00</strong>' in page
    assert (
        '<tr id="overpaid"><th scope="row" colspan="4">Överbetalt</th><td class="num"><strong>62,00</strong>'
        in page
    )
    assert (
        "Kunden har betalat 62,00 kr mer än vad som ska betalas. Skicka tillbaka överskottet till kunden via"
        " banken, eller kom överens med kunden om att det avser en annan faktura."
    ) in page
    assert "Registrerad för hand (förskott)" in page
    assert "Registrerad för hand (överbetalning)" in page

    listed = browser_client.get("/office/payments").text.split('id="payments"', 1)[1]
    assert 'data-label="Källa">Registrerad för hand (överbetalning)</td>' in listed
    assert 'data-label="Källa">Registrerad för hand (förskott)</td>' in listed
    assert listed.count(f'<a href="/office/invoices/{invoice.id}">{invoice.number}</a>') == 2


def test_an_invoice_whose_client_gave_no_reference_shows_none_on_its_page(
    browser_client, session, treasurer, worker
) -> None:
    theatre = Client(
        name="Folkteatern i Mellanstad AB",
        organisation_number="556677-8899",
        street="Teatergatan 1",
        postal_code="411 38",
        city="Göteborg",
    )
    session.add(theatre)
    session.flush()
    assignment = commission(session, worker.member, theatre, status=AssignmentStatus.approved, reference=None)

    invoice = issue(session, assignment, treasurer)

    assert (invoice.buyer_reference, invoice.has_ubl) == (None, True)
    page = browser_client.get(f"/office/invoices/{invoice.id}").text
    assert "Kundens referens" not in page
    assert f'href="/office/invoices/{invoice.id}/ubl"' in page

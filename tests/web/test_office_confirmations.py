"""After an action the office's page says what was done (web.notices): the redirect carries a key, the page
says that key's fixed sentence in a status box, and an address cannot make it say anything else. Each action's
own test follows its redirect and reads the sentence (test_office_billing, test_office_billing_credit_notes,
test_office_payroll); this module has the box itself and the actions no other page test sends."""

from __future__ import annotations

import pytest

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.invoices.models import InvoiceStatus
from kooperativet.web.notices import DONE, done
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
BOX = '<div class="notice" role="status" id="done">'


@pytest.mark.parametrize("key", sorted(DONE))
def test_each_key_is_said_in_swedish_in_a_status_box(browser_client, treasurer, key) -> None:
    page = browser_client.get(done("/office", key)).text
    assert BOX in page
    said = page.split(BOX, 1)[1].split("</div>", 1)[0]
    assert said
    assert said != DONE[key]  # translated, not the English message id


@pytest.mark.parametrize(
    "asked", ["", "nothing_like_it", "<script>alert(1)</script>", "Betala till konto 1234"]
)
def test_an_address_cannot_put_words_of_its_own_on_the_page(browser_client, treasurer, asked) -> None:
    page = browser_client.get("/office", params={"done": asked}).text
    assert BOX not in page
    assert "Betala till konto" not in page
    assert "<script>alert" not in page


def test_the_key_goes_in_the_query_and_the_page_opens_at_the_sentence() -> None:
    assert done("/office/invoices/7#sending", "invoice_sent") == "/office/invoices/7?done=invoice_sent#done"
    assert (
        done("/office/payments?after=3", "payment_recorded")
        == "/office/payments?after=3&done=payment_recorded"
    )
    with pytest.raises(KeyError):
        done("/office", "no_such_key")


def test_a_payment_from_the_payments_page_is_confirmed(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    answer = post(
        browser_client,
        "/office/payments",
        # Written as the page shows an amount, "kr" after it (web.forms.amount_text).
        {"invoice_id": str(invoice.id), "amount": "15 000,00 kr", "paid_on": "2026-11-30"},
    )
    confirmed(browser_client, answer, "Betalningen är registrerad.")
    session.refresh(invoice)
    assert invoice.status == InvoiceStatus.paid


def test_stopping_and_resuming_reminders_is_confirmed(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    url = f"/office/invoices/{invoice.id}"
    stopped = post(browser_client, f"{url}/reminders/stop", {"reason": "Kunden har ringt"}, page=url)
    assert stopped.headers["location"] == f"{url}?done=reminders_stopped#done"
    confirmed(browser_client, stopped, "Inga fler betalningspåminnelser görs för den här fakturan.")
    resumed = post(browser_client, f"{url}/reminders/resume", {}, page=url)
    confirmed(browser_client, resumed, "Betalningspåminnelser görs igen för den här fakturan.")

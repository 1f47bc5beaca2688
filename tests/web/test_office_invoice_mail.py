# ruff: noqa: F811 - the fixtures imported from test_office_billing are used as arguments
"""The office sends an invoice to the client from its page, sees the sendings and their result, sees the
payment reminders and stops and resumes them; the list of reminders reads in constant statements."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.invoices import payments
from kooperativet.invoices.mailing.models import InvoiceReminder, ReminderStop
from kooperativet.invoices.mailing.reminders import send_due_reminders
from kooperativet.invoices.schemas import PaymentCreate
from tests.web.test_office_billing import (  # noqa: F401 - fixtures
    DAY,
    NOW,
    commission,
    issue,
    library,
    on_day,
    post,
    seller,
    treasurer,
    worker,
)


def test_the_invoice_is_sent_from_its_page_and_the_history_shows_the_result(
    browser_client, session, treasurer, worker, library, mailbox
) -> None:
    library.email = "fakturor@lund.example.se"
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    url = f"/office/invoices/{invoice.id}"
    assert "Inte skickad med e-post än." in browser_client.get(url).text

    answer = post(browser_client, f"{url}/send", {}, page=url)

    assert answer.status_code == 303
    [message] = mailbox.to("fakturor@lund.example.se")
    assert message["Subject"].startswith(f"Faktura {invoice.number}")
    html = browser_client.get(url).text
    assert "Skicka till kunden" in html
    assert "fakturor@lund.example.se" in html
    assert "Skickat" in html


def test_sending_to_a_client_without_an_address_is_refused_in_words(
    browser_client, session, treasurer, worker, library, mailbox
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    url = f"/office/invoices/{invoice.id}"

    answer = post(browser_client, f"{url}/send", {}, page=url)

    assert answer.status_code == 422
    assert "Kunden har ingen e-postadress för fakturor" in answer.text
    assert mailbox.messages == []


def test_reminders_show_on_the_invoice_and_are_stopped_and_resumed(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    assert invoice.due_date is not None
    send_due_reminders(session, invoice.due_date + timedelta(days=10))
    session.flush()
    url = f"/office/invoices/{invoice.id}"
    html = browser_client.get(url).text
    assert f"{invoice.number}-P1" in html
    assert "Betalningspåminnelser" in html

    refused = post(browser_client, f"{url}/reminders/stop", {"reason": ""}, page=url)
    assert refused.status_code == 422
    assert "Ange varför påminnelserna stoppas." in refused.text
    assert (
        post(browser_client, f"{url}/reminders/stop", {"reason": "Avbetalningsplan"}, page=url).status_code
        == 303
    )
    html = browser_client.get(url).text
    assert "Avbetalningsplan" in html
    assert "Återuppta påminnelser" in html
    assert post(browser_client, f"{url}/reminders/resume", {}, page=url).status_code == 303
    stop = session.scalars(select(ReminderStop)).one()
    session.refresh(stop)
    assert stop.resumed_by_id == treasurer.user.id


def test_the_list_of_reminders_reads_in_constant_statements(
    browser_client, session, treasurer, worker, library, count_statements
) -> None:
    def remind(count: int) -> None:
        for _ in range(count):
            issue(
                session,
                commission(session, worker.member, library, status=AssignmentStatus.approved),
                treasurer,
            )
        send_due_reminders(session, DAY + timedelta(days=60))
        session.flush()

    def statements() -> int:
        with count_statements() as counter:
            assert browser_client.get("/office/reminders").status_code == 200
        return counter.count

    remind(1)
    few = statements()
    remind(4)
    many = statements()

    assert len(session.scalars(select(InvoiceReminder)).all()) == 5
    assert many == few
    html = browser_client.get("/office/reminders").text
    assert "-P1" in html
    pdf = browser_client.get(f"/office/reminders/{session.scalars(select(InvoiceReminder.id)).first()}/pdf")
    assert pdf.content.startswith(b"%PDF")


def test_the_client_form_keeps_the_xml_and_reminder_fee_choices(
    browser_client, session, treasurer, library
) -> None:
    url = f"/office/clients/{library.id}"
    data = {
        "version": "1",
        "name": "Lunds kommun",
        "kind": "organisation",
        "organisation_number": "212000-1124",
        "country": "SE",
        "payment_terms_days": "30",
        "language": "sv",
        "public_sector": "yes",
        "email": "fakturor@lund.example.se",
        "invoice_xml_by_email": "yes",
        "reminder_fee_agreed": "yes",
    }
    assert "Påminnelseavgift är avtalad med kunden" in browser_client.get(url).text

    assert post(browser_client, url, data).status_code == 303

    session.refresh(library)
    assert (library.email, library.invoice_xml_by_email, library.reminder_fee_agreed) == (
        "fakturor@lund.example.se",
        True,
        True,
    )
    html = browser_client.get(url).text
    assert 'id="f-invoice_xml_by_email" name="invoice_xml_by_email" value="yes" checked' in html
    assert 'id="f-reminder_fee_agreed" name="reminder_fee_agreed" value="yes" checked' in html
    unticked = {key: value for key, value in data.items() if key != "reminder_fee_agreed"}
    assert post(browser_client, url, {**unticked, "version": "2"}).status_code == 303
    session.refresh(library)
    assert library.reminder_fee_agreed is False


def test_a_paid_invoice_keeps_its_reminders_and_offers_no_stop_of_them(
    browser_client, session, treasurer, worker, library
) -> None:
    """A paid invoice gets no more reminders: its page shows those sent, but no form to stop reminders that
    will never come (the treasurer stopped them on a paid invoice, and the stop was recorded and audited)."""
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    assert invoice.due_date is not None
    send_due_reminders(session, invoice.due_date + timedelta(days=10))
    payments.record_payment(
        session,
        data=PaymentCreate(invoice_id=invoice.id, amount=invoice.outstanding, paid_on=DAY),
        actor=treasurer.user,
        today=DAY,
        now=NOW,
    )
    session.flush()
    assert invoice.outstanding == Decimal("0.00")

    html = browser_client.get(f"/office/invoices/{invoice.id}").text

    assert f"{invoice.number}-P1" in html
    assert "/reminders/stop" not in html
    assert "Stoppa påminnelser" not in html

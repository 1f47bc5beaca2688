"""An issued invoice or credit note is e-mailed to the client with its stored PDF (and UBL when wanted); every
sending is recorded with its result, and can be repeated."""

from __future__ import annotations

import pytest

from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.parties.models import Client
from tests.mailbox import Mailbox

WORKSHOP = ("Workshop", "10", "HUR", "1000.00", VatCategory.STANDARD, "25")


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def issued(api, session, seller, municipality, make_member, make_assignment, treasurer, on_day):
    member = make_member()
    municipality.email = "fakturor@lund.example.se"
    session.flush()

    def make():
        assignment = make_assignment(member.member, municipality, WORKSHOP)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        return response.json()

    return make


def send(api, treasurer, invoice_id: int, **body):
    return api.post(f"/api/v1/invoices/{invoice_id}/send", json=body or None, headers=treasurer.headers)


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_the_invoice_arrives_with_the_stored_pdf_and_its_sending_is_recorded(
    api, issued, treasurer, mailbox: Mailbox
) -> None:
    invoice = issued()

    answer = send(api, treasurer, invoice["id"])

    assert answer.status_code == 202, answer.text
    assert (answer.json()["to_address"], answer.json()["with_ubl"]) == ("fakturor@lund.example.se", False)
    [message] = mailbox.to("fakturor@lund.example.se")
    assert message["Subject"] == f"Faktura {invoice['number']} från Interim Kultur ekonomisk förening"
    text = message.get_body(("plain",)).get_content()
    assert "Att betala: 12 500,00 kr" in text.replace("\xa0", " ")
    assert f"OCR-nummer: {invoice['ocr']}" in text
    assert "Bankgiro: 5050-1055" in text
    stored = api.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=treasurer.headers).content
    assert attachments(message) == {f"{invoice['number']}.pdf": stored}
    [record] = api.get(f"/api/v1/invoices/{invoice['id']}/dispatches", headers=treasurer.headers).json()
    assert (record["state"], record["to_address"], record["queued_by_id"]) == (
        "sent",
        "fakturor@lund.example.se",
        treasurer.user.id,
    )
    assert record["sent_at"] is not None


def test_a_client_who_wants_xml_gets_the_stored_ubl_too(
    api, session, issued, municipality: Client, treasurer, mailbox: Mailbox
) -> None:
    municipality.invoice_xml_by_email = True
    session.flush()
    invoice = issued()

    assert send(api, treasurer, invoice["id"]).json()["with_ubl"] is True

    [message] = mailbox.messages
    ubl = api.get(f"/api/v1/invoices/{invoice['id']}/ubl", headers=treasurer.headers).content
    pdf = api.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=treasurer.headers).content
    assert attachments(message) == {f"{invoice['number']}.pdf": pdf, f"{invoice['number']}.xml": ubl}


def test_sending_again_is_recorded_twice_and_an_override_address_is_used_once(
    api, issued, treasurer, mailbox: Mailbox
) -> None:
    invoice = issued()

    assert send(api, treasurer, invoice["id"]).status_code == 202
    assert send(api, treasurer, invoice["id"], to="ekonomi@lund.example.se").status_code == 202

    records = api.get(f"/api/v1/invoices/{invoice['id']}/dispatches", headers=treasurer.headers).json()
    assert [(r["to_address"], r["state"]) for r in records] == [
        ("ekonomi@lund.example.se", "sent"),
        ("fakturor@lund.example.se", "sent"),
    ]
    assert len(mailbox.to("fakturor@lund.example.se")) == 1
    assert len(mailbox.to("ekonomi@lund.example.se")) == 1


def test_a_credit_note_is_sent_with_its_own_words(api, issued, treasurer, mailbox: Mailbox) -> None:
    invoice = issued()
    note = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "Fel"}, headers=treasurer.headers
    ).json()

    assert send(api, treasurer, note["id"]).status_code == 202

    [message] = mailbox.messages
    assert message["Subject"].startswith(f"Kreditfaktura {note['number']}")
    assert f"Den krediterar faktura {invoice['number']}" in message.get_body(("plain",)).get_content()
    assert list(attachments(message)) == [f"{note['number']}.pdf"]


def test_a_client_without_an_address_is_refused_and_nothing_is_sent(
    api, session, issued, municipality: Client, treasurer, mailbox: Mailbox
) -> None:
    invoice = issued()
    municipality.email = None
    session.flush()

    answer = send(api, treasurer, invoice["id"])

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "no_invoice_address"
    assert mailbox.messages == []
    assert api.get(f"/api/v1/invoices/{invoice['id']}/dispatches", headers=treasurer.headers).json() == []


def test_a_member_may_not_send_invoices(api, issued, make_member) -> None:
    invoice = issued()
    member = make_member()

    assert api.post(f"/api/v1/invoices/{invoice['id']}/send", headers=member.headers).status_code == 403


def test_the_english_invoice_mail(api, session, issued, municipality: Client, treasurer, mailbox) -> None:
    municipality.language = "en"
    session.flush()
    invoice = issued()

    send(api, treasurer, invoice["id"])

    [message] = mailbox.messages
    assert message["Subject"] == f"Invoice {invoice['number']} from Interim Kultur ekonomisk förening"
    assert "Amount due: SEK 12,500.00" in message.get_body(("plain",)).get_content()


def test_the_client_api_takes_the_xml_and_reminder_fee_choices(api, treasurer) -> None:
    body = {"name": "Teatern AB", "organisation_number": "556677-8899", "email": "faktura@teatern.example.se"}
    created = api.post("/api/v1/clients", json=body, headers=treasurer.headers).json()
    assert (created["invoice_xml_by_email"], created["reminder_fee_agreed"]) == (False, False)

    changed = api.patch(
        f"/api/v1/clients/{created['id']}",
        json={"version": created["version"], "invoice_xml_by_email": True, "reminder_fee_agreed": True},
        headers=treasurer.headers,
    )

    assert changed.status_code == 200, changed.text
    assert (changed.json()["invoice_xml_by_email"], changed.json()["reminder_fee_agreed"]) == (True, True)
    refused = api.patch(
        f"/api/v1/clients/{created['id']}",
        json={"version": changed.json()["version"], "reminder_fee_agreed": None},
        headers=treasurer.headers,
    )
    assert refused.status_code == 422

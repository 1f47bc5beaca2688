"""Payment reminders: the cooperative's schedule, exact interest and fee, stops, payments and credit notes
that end them, a constant number of statements for the batch, and the e-mail with the stored PDF."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.documents.pipeline import stored_pdf
from kooperativet.invoices.mailing.interest import late_interest
from kooperativet.invoices.mailing.models import InvoiceReminder, ReminderStop
from kooperativet.invoices.mailing.reminder_pdf import REMINDER_PDF
from kooperativet.invoices.mailing.reminders import send_due_reminders
from kooperativet.jobs.runner import run_due
from kooperativet.parameters import service as parameters
from tests.invoices.conftest import pdf_text
from tests.statement_count import statement_count

WORKSHOP = ("Workshop", "10", "HUR", "1000.00", VatCategory.STANDARD, "25")  # 12 500 to pay
DUE = date(2026, 4, 1)  # issued 2026-03-02 with 30 days


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def issue(api, session, seller, municipality, make_member, make_assignment, treasurer, on_day):
    member = make_member()
    municipality.email = "fakturor@lund.example.se"
    session.flush()

    def make() -> int:
        assignment = make_assignment(member.member, municipality, WORKSHOP)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    return make


def remind(session, day: date) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    made = send_due_reminders(session, day)
    session.commit()
    return [(r.number, r.outstanding, r.interest, r.fee) for r in made]


def test_interest_is_reference_rate_plus_eight_points_per_day_over_365_from_the_day_after_the_due_date():
    rates = [(date(2026, 6, 21), Decimal("0.105")), (date(2026, 7, 1), Decimal("0.10"))]
    # 10 days at 10.5 % (28.767…) and 10 days at 10 % (27.397…): 56.164… → 56.16
    assert late_interest(
        Decimal("10000.00"), due_date=date(2026, 6, 20), until=date(2026, 7, 10), rates=rates
    ) == (Decimal("56.16"))
    assert late_interest(
        Decimal("10000.00"), due_date=date(2026, 6, 20), until=date(2026, 6, 20), rates=rates
    ) == (Decimal("0.00"))


def test_the_schedule_first_after_ten_days_then_every_fourteen_at_most_two(session, issue) -> None:
    issue()

    assert remind(session, date(2026, 4, 10)) == []
    # 10 days (2–11 April) at 2 % + 8 %: 12 500 × 0.10 × 10 / 365 = 34.246… → 34.25
    [first] = remind(session, date(2026, 4, 11))
    assert first[1:] == (Decimal("12500.00"), Decimal("34.25"), Decimal("0.00"))
    assert first[0].endswith("-P1")
    assert remind(session, date(2026, 4, 11)) == []  # run twice the same day: nothing more
    assert remind(session, date(2026, 4, 24)) == []
    # 24 days at 10 %: 82.191… → 82.19
    [second] = remind(session, date(2026, 4, 25))
    assert second[0].endswith("-P2")
    assert second[2] == Decimal("82.19")
    assert remind(session, date(2026, 5, 9)) == []  # two at most
    assert remind(session, date(2026, 12, 1)) == []


def test_the_fee_only_where_agreed_and_the_rate_changes_with_the_half_year(
    session, issue, municipality
) -> None:
    municipality.reminder_fee_agreed = True
    parameters.add_value(
        session, key="reference_rate", valid_from=date(2026, 7, 1), value="0.025", source="Riksbanken (test)"
    )
    session.commit()
    issue()

    [first] = remind(session, date(2026, 7, 10))
    # 2 Apr – 30 Jun: 90 days at 10 % = 308.219…; 1–10 Jul: 10 days at 10.5 % = 35.958…; 344.177… → 344.18
    assert first[1:] == (Decimal("12500.00"), Decimal("344.18"), Decimal("60.00"))
    reminder = session.scalars(select(InvoiceReminder)).one()
    assert reminder.snapshot["amounts"]["total"] == "12904.18"
    [second] = remind(session, date(2026, 7, 24))
    later = session.scalars(select(InvoiceReminder).where(InvoiceReminder.sequence == 2)).one()
    assert second[3] == Decimal("60.00")
    assert later.snapshot["amounts"]["earlier_fees"] == "60.00"


def test_a_fee_above_a_cap_lowered_after_it_was_set_charges_the_cap_and_records_the_fee_set(
    session, issue, municipality
) -> None:
    municipality.reminder_fee_agreed = True
    # The fee stays 60 kr; the law's cap (lag (1981:739) 4 §) is lowered to 45 kr from 15 July.
    parameters.add_value(
        session, key="reminder_fee_max", valid_from=date(2026, 7, 15), value="45.00", source="SFS 2026:999"
    )
    session.commit()
    issue()

    [first] = remind(session, date(2026, 7, 10))
    [second] = remind(session, date(2026, 7, 24))

    assert (first[3], second[3]) == (Decimal("60.00"), Decimal("45.00"))
    later = session.scalars(select(InvoiceReminder).where(InvoiceReminder.sequence == 2)).one()
    # 2 Apr – 24 Jul: 114 days at 2 % + 8 %: 12 500 × 0.10 × 114 / 365 = 390.410… → 390.41
    assert later.snapshot["amounts"] | {"payable": "-"} == {
        "payable": "-",
        "settled": "0.00",
        "outstanding": "12500.00",
        "interest": "390.41",
        "fee": "45.00",
        "earlier_fees": "60.00",
        "total": "12995.41",  # 12 500,00 + 390,41 + 45,00 + 60,00
    }
    assert later.snapshot["fee_capped"] == {
        "set": "60.00",
        "maximum": "45.00",
        "maximum_valid_from": "2026-07-15",
        "maximum_source": "SFS 2026:999",
    }
    first_row = session.scalars(select(InvoiceReminder).where(InvoiceReminder.sequence == 1)).one()
    assert "fee_capped" not in first_row.snapshot
    [logged] = [
        json.loads(event.payload)
        for event in session.scalars(select(AuditEvent).where(AuditEvent.kind == "reminders_made"))
        if "fees_capped" in json.loads(event.payload)
    ]
    assert logged["fees_capped"] == {later.number: later.snapshot["fee_capped"]}


def test_a_stopped_invoice_gets_none_until_resumed(api, session, issue, treasurer) -> None:
    invoice_id = issue()
    stop = api.post(
        f"/api/v1/invoices/{invoice_id}/reminder-stop",
        json={"reason": "Avbetalningsplan"},
        headers=treasurer.headers,
    )
    assert stop.status_code == 201, stop.text
    again = api.post(
        f"/api/v1/invoices/{invoice_id}/reminder-stop", json={"reason": "x"}, headers=treasurer.headers
    )
    assert again.status_code == 409

    assert remind(session, date(2026, 4, 20)) == []

    resumed = api.post(f"/api/v1/invoices/{invoice_id}/reminder-stop/resume", headers=treasurer.headers)
    assert resumed.status_code == 200
    assert resumed.json()["resumed_by_id"] == treasurer.user.id
    assert len(remind(session, date(2026, 4, 20))) == 1


def test_reminders_of_a_paid_invoice_cannot_be_stopped_for_none_come(api, session, issue, treasurer) -> None:
    invoice_id = issue()
    body = {"invoice_id": invoice_id, "amount": "12500.00", "paid_on": "2026-03-02"}
    assert api.post("/api/v1/payments", json=body, headers=treasurer.headers).status_code == 201

    stop = api.post(
        f"/api/v1/invoices/{invoice_id}/reminder-stop", json={"reason": "Tvist"}, headers=treasurer.headers
    )

    assert (stop.status_code, stop.json()["code"]) == (409, "nothing_to_remind")
    assert session.scalars(select(ReminderStop)).all() == []


def test_a_paid_or_credited_invoice_gets_none_and_a_partly_paid_one_on_what_is_left(
    api, session, issue, treasurer
) -> None:
    paid, credited, partly = issue(), issue(), issue()
    for invoice_id, amount in ((paid, "12500.00"), (partly, "2500.00")):
        body = {"invoice_id": invoice_id, "amount": amount, "paid_on": "2026-03-02"}
        assert api.post("/api/v1/payments", json=body, headers=treasurer.headers).status_code == 201
    assert (
        api.post(
            f"/api/v1/invoices/{credited}/credit-notes", json={"reason": "Fel"}, headers=treasurer.headers
        ).status_code
        == 201
    )

    made = send_due_reminders(session, date(2026, 4, 11))

    assert [(r.invoice_id, r.outstanding, r.interest) for r in made] == [
        (partly, Decimal("10000.00"), Decimal("27.40"))  # 10 000 × 0.10 × 10 / 365 = 27.397…
    ]


def test_finding_and_making_reminders_takes_the_same_statements_for_one_invoice_or_five(
    session, issue, connection
) -> None:
    issue()
    one = statement_count(connection, lambda: send_due_reminders(session, date(2026, 4, 11)))
    session.commit()
    for _ in range(5):
        issue()

    five = statement_count(connection, lambda: send_due_reminders(session, date(2026, 4, 11)))

    assert len(session.scalars(select(InvoiceReminder)).all()) == 6
    assert five == one
    assert one <= 13  # the reminders, their snapshots, one rendering job and one e-mail job


def test_the_reminder_arrives_by_e_mail_with_its_stored_pdf(session, issue, settings, mailbox) -> None:
    issue()
    [made] = send_due_reminders(session, date(2026, 4, 11))
    session.commit()
    run_due(session, settings, "test")

    [message] = mailbox.to("fakturor@lund.example.se")
    assert message["Subject"].startswith("Påminnelse: faktura ")
    reminder = session.get_one(InvoiceReminder, made.id)
    pdf = stored_pdf(session, REMINDER_PDF, reminder)
    [part] = list(message.iter_attachments())
    assert (part.get_filename(), part.get_content()) == (f"{reminder.number}.pdf", pdf)
    text = pdf_text(pdf)
    assert "Betalningspåminnelse" in text
    assert "12 534,25" in text  # 12 500,00 + 34,25 interest
    assert "−0,00" not in text.replace("\xa0", " ")  # nothing paid yet: no "paid" line of nothing
    body = message.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert "Att betala nu: 12 534,25 kr" in body


def test_the_daily_job_makes_the_reminders_and_the_mail_follows(session, issue, settings, mailbox) -> None:
    from kooperativet.jobs import enqueue
    from kooperativet.jobs.models import Job, JobState

    issue()
    enqueue(session, "send_due_reminders", {"day": "2026-04-11"})
    session.commit()
    run_due(session, settings, "test")

    assert [r.number[-3:] for r in session.scalars(select(InvoiceReminder))] == ["-P1"]
    assert len(mailbox.to("fakturor@lund.example.se")) == 1
    assert {job.kind: job.state for job in session.scalars(select(Job))}[
        "queue_reminder_mails"
    ] == JobState.done


def test_a_reminder_to_a_buyer_abroad_names_its_country_and_gives_the_iban_as_its_invoice_did(
    api, session, seller, eu_business, make_member, make_assignment, treasurer, on_day
) -> None:
    """The reminder printed the buyer's address without its country and only the bankgiro, which cannot be
    paid from abroad, though the invoice it reminds of gave the IBAN and BIC."""
    seller.iban = "SE4550000000058398257466"
    seller.bic = "ESSESESS"
    eu_business.peppol_scheme = None
    eu_business.peppol_id = None
    session.flush()
    line = ("Lecture", "1", "DAY", "8000.00", VatCategory.REVERSE_CHARGE, "0")
    assignment = make_assignment(make_member().member, eu_business, line)
    response = api.post("/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers)
    assert response.status_code == 201, response.text

    [made] = send_due_reminders(session, date(2026, 4, 11))
    session.commit()

    pdf = REMINDER_PDF.render(dict(made.snapshot))
    lines = pdf_text(pdf).splitlines()
    assert "Payment reminder" in lines
    assert lines[lines.index("Germany") - 1] == "10999 Berlin"  # the country under the city, in English
    assert "Sweden" in lines  # the cooperative's, as on the invoice
    assert "IBAN: SE45 5000 0000 0583 9825 7466" in lines
    assert "BIC (SWIFT): ESSESESS" in lines
    assert "Bankgiro: 5050-1055" in lines


def test_a_reminder_to_a_swedish_buyer_gives_the_bankgiro_and_not_the_iban(session, issue, seller) -> None:
    seller.iban = "SE4550000000058398257466"
    session.flush()
    issue()

    [made] = send_due_reminders(session, date(2026, 4, 11))
    session.commit()

    text = pdf_text(REMINDER_PDF.render(dict(made.snapshot)))
    assert "Sverige" in text.splitlines()
    assert "Bankgiro: 5050-1055" in text
    assert "IBAN" not in text

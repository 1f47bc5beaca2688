"""The office's billing pages: the inbox, invoices, payments and clients, through the test client."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kooperativet.api.dependencies import today
from kooperativet.assignments.models import Assignment, AssignmentLine, Expense
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.demo.bank_file import Credit, camt054
from kooperativet.employments.models import Employment
from kooperativet.invoices import payments
from kooperativet.invoices import service as invoices_service
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus, Payment, UnmatchedBankEntry
from kooperativet.invoices.schemas import CreditNoteIssue, InvoiceIssue, PaymentCreate
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client
from kooperativet.parties.service import get_cooperative
from tests.web.conftest import confirmed, form_token, sign_in

DAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture
def on_day(app):
    app.dependency_overrides[today] = lambda: DAY
    yield
    app.dependency_overrides.pop(today, None)


@pytest.fixture
def seller(session, cooperative):
    parameters_service.seed_defaults(session)
    seller = get_cooperative(session)
    seller.name = "Interim Kultur ekonomisk förening"
    seller.organisation_number = "769621-2344"
    seller.vat_number = "SE769621234401"
    seller.f_tax_approved = True
    seller.street = "Kulturgatan 1"
    seller.postal_code = "211 20"
    seller.city = "Malmö"
    seller.bankgiro = "5050-1055"
    session.flush()
    return seller


@pytest.fixture
def library(session) -> Client:
    """A public-sector client without its reference: its commissions carry a warning."""
    client = Client(
        name="Lunds kommun",
        organisation_number="212000-1124",
        street="Box 41",
        postal_code="221 00",
        city="Lund",
        public_sector=True,
        payment_terms_days=30,
    )
    session.add(client)
    session.flush()
    return client


@pytest.fixture
def treasurer(make_user, browser_client, seller, on_day):
    actor = make_user(Role.treasurer)
    sign_in(browser_client, actor.user.email)
    return actor


@pytest.fixture
def worker(make_member):
    return make_member()


def commission(
    session,
    member,
    client,
    *,
    status=AssignmentStatus.submitted,
    reference: str | None = "KF-4711",
    title: str = "Barnteater på biblioteket",
) -> Assignment:
    """Two days at 6 000.00 and 25 % VAT, with a re-invoiced train ticket."""
    assignment = Assignment(
        member_id=member.id,
        client_id=client.id,
        title=title,
        period_start=date(2026, 11, 9),
        period_end=date(2026, 11, 20),
        place="Stadsbiblioteket",
        extent_quantity=Decimal("2"),
        extent_unit=ExtentUnit.days,
        buyer_reference=reference,
        status=status,
        submitted_at=NOW,
    )
    assignment.lines = [
        AssignmentLine(
            position=1,
            description="Föreställning",
            quantity=Decimal("2"),
            unit="DAY",
            unit_price=Decimal("6000.00"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("25"),
        )
    ]
    assignment.expenses = [
        Expense(
            spent_on=date(2026, 11, 9), description="Tåg", amount=Decimal("530.00"), vat_rate=Decimal("6")
        )
    ]
    session.add(assignment)
    session.flush()
    return assignment


def issue(session, assignment, actor) -> Invoice:
    return invoices_service.issue_invoice(
        session,
        data=InvoiceIssue(assignment_id=assignment.id, include_expenses=False),
        actor=actor.user,
        today=DAY,
        now=NOW,
    )


def post(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    token = form_token(client.get(page or url).text)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


# The office's start page and who may open it


def test_the_office_start_page_links_to_every_office_page(browser_client, treasurer) -> None:
    html = browser_client.get("/office").text
    for path in (
        "/office/inbox",
        "/office/invoices",
        "/office/payments",
        "/office/clients",
        "/office/payroll",
        "/office/month-end",
        "/office/members",
        "/office/parameters",
    ):
        assert f'href="{path}"' in html
    assert "Kansliet" in html


@pytest.mark.parametrize(
    "path", ["/office", "/office/inbox", "/office/invoices", "/office/payments", "/office/clients"]
)
def test_members_are_refused_the_office(browser_client, make_member, path) -> None:
    member = make_member()
    sign_in(browser_client, member.user.email)
    answer = browser_client.get(path)
    assert answer.status_code == 403
    assert "Kansliet" not in answer.text


@pytest.mark.parametrize("path", ["/office/inbox", "/office/invoices", "/office/payments", "/office/clients"])
def test_each_billing_list_leads_back_to_the_office_as_the_other_office_pages_do(
    browser_client, treasurer, path
) -> None:
    html = browser_client.get(path).text
    assert '<p class="crumbs"><a href="/office">Kansliet</a></p>' in html


def test_the_start_page_shows_what_waits_for_the_office(
    browser_client, session, treasurer, worker, library
) -> None:
    commission(session, worker.member, library)
    html = browser_client.get("/").text
    assert "1 uppdrag väntar på ditt beslut" in html
    assert 'href="/office/inbox"' in html


# The inbox


def test_the_inbox_lists_a_submitted_commission_and_shows_its_warnings_in_words(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library, reference=None)
    listing = browser_client.get("/office/inbox").text
    assert "Barnteater på biblioteket" in listing
    assert "12\xa0000,00" in listing
    html = browser_client.get(f"/office/inbox/{assignment.id}").text
    assert "Kunden är i offentlig sektor och behöver sin referens (Er referens) på fakturan." in html
    assert "buyer_reference_missing" not in html
    assert "Väntar på beslut" in html
    assert "2 dagar" in html


@pytest.mark.parametrize(
    ("day", "said"),
    [
        pytest.param(date(2026, 11, 8), None, id="before-the-work-begins"),
        pytest.param(
            date(2026, 11, 16),
            '<p class="notice">Arbetet började <time class="nowrap" datetime="2026-11-09">2026-11-09</time>. '
            "Anställningsbeviset, som skapas när uppdraget godkänns, ska lämnas senast "
            '<time class="nowrap" datetime="2026-11-16">2026-11-16</time>, sju dagar efter att arbetet '
            "började (LAS 6 c §).</p>",
            id="on-the-seventh-day",
        ),
        pytest.param(
            date(2026, 11, 17),
            '<p class="warning">Arbetet började '
            '<time class="nowrap" datetime="2026-11-09">2026-11-09</time>. '
            "Anställningsbeviset, som skapas när uppdraget godkänns, skulle ha lämnats senast "
            '<time class="nowrap" datetime="2026-11-16">2026-11-16</time>, sju dagar efter att arbetet '
            "började (LAS 6 c §): besluta om uppdraget så snart du kan.</p>",
            id="after-it",
        ),
    ],
)
def test_a_commission_whose_work_has_begun_says_when_its_employment_certificate_is_due(
    app, browser_client, session, treasurer, worker, library, day, said
) -> None:
    """The approval makes the anställningsbevis, due by the seventh day after the work began (LAS 6 c §): a
    commission decided late makes it late, so the page says when it is due, without refusing anything."""
    assignment = commission(session, worker.member, library)  # work from 2026-11-09
    app.dependency_overrides[today] = lambda: day
    html = browser_client.get(f"/office/inbox/{assignment.id}").text
    app.dependency_overrides.pop(today, None)
    if said is None:
        assert "Anställningsbeviset, som skapas" not in html
    else:
        assert said in html


def test_a_decided_commission_says_nothing_of_when_its_certificate_was_due(
    app, browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library, status=AssignmentStatus.approved)
    app.dependency_overrides[today] = lambda: date(2026, 11, 30)
    html = browser_client.get(f"/office/inbox/{assignment.id}").text
    app.dependency_overrides.pop(today, None)
    assert "Anställningsbeviset, som skapas" not in html


def test_a_commission_without_a_place_reads_as_the_member_wrote_it(
    browser_client, session, treasurer, worker, library
) -> None:
    """The member leaves the place empty "om du arbetar på olika platser" and her page says "Olika platser":
    the office's page says the same, not "Varierande platser"."""
    assignment = commission(session, worker.member, library)
    assignment.place = None
    session.flush()
    html = browser_client.get(f"/office/inbox/{assignment.id}").text
    assert "<dt>Plats</dt><dd>Olika platser</dd>" in html
    assert "Varierande" not in html


def test_approving_without_confirming_the_warnings_is_refused_by_the_box_and_saves_nothing(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library, reference=None)
    url = f"/office/inbox/{assignment.id}"
    answer = post(browser_client, f"{url}/approve", {"version": "1"}, page=url)
    assert answer.status_code == 422
    assert 'id="e-confirm_warnings"' in answer.text
    assert "bocka i att du har läst dem" in answer.text
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.submitted


def test_approving_with_the_warnings_confirmed_employs_the_member(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library, reference=None)
    url = f"/office/inbox/{assignment.id}"
    answer = post(browser_client, f"{url}/approve", {"version": "1", "confirm_warnings": "yes"}, page=url)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{url}?done=approved"
    confirmed(browser_client, answer, "Uppdraget är godkänt: medlemmen är anställd för perioden.")
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.approved
    assert assignment.warnings_confirmed
    assert session.scalar(select(func.count()).where(Employment.assignment_id == assignment.id)) == 1
    assert f"/office/invoices/new?assignment_id={assignment.id}" in browser_client.get(url).text


def test_nobody_approves_her_own_commission_and_is_told_so_in_words(
    browser_client, session, make_member, seller, on_day, library
) -> None:
    own = make_member(Role.treasurer)
    sign_in(browser_client, own.user.email)
    assignment = commission(session, own.member, library)
    url = f"/office/inbox/{assignment.id}"
    answer = post(browser_client, f"{url}/approve", {"version": "1", "confirm_warnings": "yes"}, page=url)
    assert answer.status_code == 422
    assert "Det här är ditt eget arbete." in answer.text
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.submitted


def test_a_rejection_needs_its_reason_by_the_field(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library)
    url = f"/office/inbox/{assignment.id}"
    answer = post(browser_client, f"{url}/reject", {"version": "1", "reason": "  "}, page=url)
    assert answer.status_code == 422
    assert 'id="e-reason"' in answer.text
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.submitted
    answer = post(browser_client, f"{url}/reject", {"version": "1", "reason": "Fel kund"}, page=url)
    confirmed(browser_client, answer, "Uppdraget är avslaget. Medlemmen får läsa varför.")
    session.refresh(assignment)
    assert (assignment.status, assignment.rejection_reason) == (AssignmentStatus.rejected, "Fel kund")


def test_an_old_version_is_refused_as_changed_in_the_meantime(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library)
    url = f"/office/inbox/{assignment.id}"
    answer = post(browser_client, f"{url}/approve", {"version": "7", "confirm_warnings": "yes"}, page=url)
    assert answer.status_code == 422
    assert "Någon annan har ändrat detta under tiden." in answer.text


# Invoices


def test_a_part_of_a_commission_is_invoiced_and_the_rest_stays_to_invoice(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library, status=AssignmentStatus.approved)
    line = assignment.lines[0]
    form = browser_client.get(f"/office/invoices/new?assignment_id={assignment.id}").text
    assert f'name="quantity-{line.id}" value="2"' in form
    data = {"assignment_id": str(assignment.id), f"quantity-{line.id}": "3"}
    answer = post(browser_client, "/office/invoices/new", data, page="/office/invoices")
    assert answer.status_code == 422
    assert f'id="e-quantity-{line.id}"' in answer.text
    assert "mer än vad som är kvar att fakturera" in answer.text
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    data[f"quantity-{line.id}"] = "1,5"
    answer = post(browser_client, "/office/invoices/new", data, page="/office/invoices")
    assert answer.status_code == 303
    invoice = session.scalars(select(Invoice)).one()
    assert answer.headers["location"] == f"/office/invoices/{invoice.id}?done=invoice_issued"
    confirmed(browser_client, answer, "Fakturan är utfärdad.")
    assert (invoice.net_total, invoice.vat_total, invoice.payable) == (
        Decimal("9000.00"),
        Decimal("2250.00"),
        Decimal("11250.00"),
    )
    html = browser_client.get(answer.headers["location"]).text
    assert "11\xa0250,00" in html
    assert "1,5 dagar" in html
    assert "Svensk moms 25" in html
    assert f"/office/invoices/new?assignment_id={assignment.id}" in html  # the rest is left to invoice


def test_an_invoice_with_every_line_left_empty_is_refused_by_the_line_in_words(
    browser_client, session, treasurer, worker, library
) -> None:
    """The form says to leave a line empty to invoice none of it now; left empty everywhere, the treasurer is
    told to fill in a quantity by the line, not the validator's "Värdet är inte giltigt." above the form."""
    assignment = commission(session, worker.member, library, status=AssignmentStatus.approved)
    line = assignment.lines[0]
    data = {"assignment_id": str(assignment.id), f"quantity-{line.id}": "", "include_expenses": "yes"}
    answer = post(browser_client, "/office/invoices/new", data, page="/office/invoices")
    assert answer.status_code == 422
    refusal = "Fyll i hur mycket som ska faktureras nu, på minst en rad."
    assert f'<p class="error" id="e-quantity-{line.id}">{refusal}</p>' in answer.text
    assert "Värdet är inte giltigt" not in answer.text
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_a_commission_invoiced_in_full_offers_no_form_to_invoice_it_again(
    browser_client, session, treasurer, worker, library
) -> None:
    """Back to the form after issuing (the browser's back button, a second tab): it says all is invoiced and
    links the invoices, instead of a form of zeros whose button answers "Värdet är inte giltigt."."""
    assignment = commission(session, worker.member, library, status=AssignmentStatus.approved)
    invoice = invoices_service.issue_invoice(
        session, data=InvoiceIssue(assignment_id=assignment.id), actor=treasurer.user, today=DAY, now=NOW
    )
    line = assignment.lines[0]
    form = browser_client.get(f"/office/invoices/new?assignment_id={assignment.id}")
    assert form.status_code == 200
    assert "Allt på det här uppdraget är redan fakturerat." in form.text
    assert f'href="/office/invoices/{invoice.id}"' in form.text
    assert f'name="quantity-{line.id}"' not in form.text
    data = {"assignment_id": str(assignment.id), f"quantity-{line.id}": "2"}
    answer = post(browser_client, "/office/invoices/new", data, page="/office/invoices")
    assert answer.status_code == 422
    assert "Allt på det här uppdraget är redan fakturerat." in answer.text
    assert session.scalar(select(func.count()).select_from(Invoice)) == 1


def test_an_invoice_offers_its_pdf_and_no_ubl_without_a_peppol_address(
    browser_client, session, treasurer, worker
) -> None:
    theatre = Client(name="Teatern AB", street="Storgatan 1", postal_code="211 20", city="Malmö")
    session.add(theatre)
    session.flush()
    library = theatre
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    html = browser_client.get(f"/office/invoices/{invoice.id}").text
    assert f'href="/office/invoices/{invoice.id}/pdf"' in html
    assert f'href="/office/invoices/{invoice.id}/ubl"' not in html
    pdf = browser_client.get(f"/office/invoices/{invoice.id}/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert browser_client.get(f"/office/invoices/{invoice.id}/ubl").status_code == 404


def test_an_invoice_to_a_peppol_buyer_offers_its_ubl(
    browser_client, session, treasurer, worker, library
) -> None:
    library.peppol_scheme, library.peppol_id = "0007", "2120001124"
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    assert (
        f'href="/office/invoices/{invoice.id}/ubl"'
        in browser_client.get(f"/office/invoices/{invoice.id}").text
    )
    ubl = browser_client.get(f"/office/invoices/{invoice.id}/ubl")
    assert ubl.headers["content-type"] == "application/xml"
    assert b"<Invoice" in ubl.content


def test_the_lists_of_unpaid_and_overdue_invoices(
    browser_client, app, session, treasurer, worker, library
) -> None:
    first = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    paid = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    paid.status = InvoiceStatus.paid
    session.flush()
    unpaid = browser_client.get("/office/invoices?show=unpaid").text
    assert first.number in unpaid
    assert paid.number not in unpaid
    assert first.number not in browser_client.get("/office/invoices?show=overdue").text
    app.dependency_overrides[today] = lambda: date(2027, 2, 1)
    overdue = browser_client.get("/office/invoices?show=overdue").text
    assert first.number in overdue
    assert paid.number not in overdue
    assert "Förfallen" in overdue


def test_a_payment_by_hand_shows_its_errors_by_the_fields_and_then_pays_the_invoice(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    url = f"/office/invoices/{invoice.id}"
    answer = post(browser_client, f"{url}/payments", {"amount": "", "paid_on": "2026-11-30"}, page=url)
    assert answer.status_code == 422
    assert 'id="e-amount"' in answer.text
    answer = post(browser_client, f"{url}/payments", {"amount": "12,5,0", "paid_on": "2026-11-30"}, page=url)
    assert answer.status_code == 422
    # As every amount field says it, with an example in the Swedish way, not "Värdet är inte giltigt."
    amount = "Skriv ett belopp i kronor och öre, t.ex. 1 250,50."
    assert f'<p class="error" id="e-amount">{amount}</p>' in answer.text
    assert 'value="12,5,0"' in answer.text
    answer = post(
        browser_client, f"{url}/payments", {"amount": "20 000,00", "paid_on": "2026-11-30"}, page=url
    )
    assert answer.status_code == 422
    assert "Kryssa i ”Överbetalning” för att registrera den ändå." in answer.text
    assert 'value="20 000,00"' in answer.text
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    answer = post(browser_client, f"{url}/payments", {"amount": "100,00", "paid_on": "2026-12-01"}, page=url)
    assert answer.status_code == 422
    assert "Betalningsdagen är efter i dag." in answer.text
    assert 'value="2026-12-01"' in answer.text
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    answer = post(
        browser_client,
        f"{url}/payments",
        {"amount": "15 000,00", "paid_on": "2026-11-30", "reference": invoice.ocr},
        page=url,
    )
    confirmed(browser_client, answer, "Betalningen är registrerad.")
    session.refresh(invoice)
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.paid, Decimal("15000.00"))
    assert "Betald" in browser_client.get(url).text


def test_a_payment_day_before_the_invoice_is_said_by_its_field_and_recorded_once_ticked_as_in_advance(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    assert invoice.issue_date == DAY
    url = f"/office/invoices/{invoice.id}"
    typed = {"amount": "100,00", "paid_on": "2025-11-30", "reference": "Bank 1"}
    answer = post(browser_client, f"{url}/payments", typed, page=url)
    assert answer.status_code == 422
    said = (
        "Betalningsdagen är före fakturans datum. Kontrollera året; om kunden betalade i förskott, kryssa i"
        " ”Förskott” för att registrera betalningen ändå."
    )
    assert f'<p class="error" id="e-paid_on">{said}</p>' in answer.text
    assert 'value="2025-11-30"' in answer.text
    assert 'value="Bank 1"' in answer.text
    assert '<label for="f-prepayment">Förskott: betalt innan fakturan utfärdades</label>' in answer.text
    assert session.scalar(select(func.count()).select_from(Payment)) == 0

    answer = post(
        browser_client, f"{url}/payments", {**typed, "paid_on": "2026-11-20", "prepayment": "yes"}, page=url
    )
    confirmed(browser_client, answer, "Betalningen är registrerad.")
    [payment] = session.scalars(select(Payment))
    assert (payment.paid_on, payment.amount) == (date(2026, 11, 20), Decimal("100.00"))
    assert "Registrerad för hand (förskott)" in browser_client.get(url).text


def test_a_payment_from_the_payments_page_before_its_invoice_needs_to_be_ticked_as_in_advance(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    typed = {"invoice_id": str(invoice.id), "amount": "100,00", "paid_on": "2026-11-29"}
    answer = post(browser_client, "/office/payments", typed)
    assert answer.status_code == 422
    assert '<p class="error" id="e-paid_on">Betalningsdagen är före fakturans datum.' in answer.text
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    answer = post(browser_client, "/office/payments", {**typed, "prepayment": "yes"})
    confirmed(browser_client, answer, "Betalningen är registrerad.")
    assert session.scalar(select(func.count()).select_from(Payment)) == 1


# Payments: the bank's file and its unmatched entries


def bank_file(*credits: Credit) -> bytes:
    return camt054(day=DAY, bankgiro="50501055", credits=list(credits))


def test_the_bank_file_is_read_and_the_page_says_what_matched_and_what_not(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    token = form_token(browser_client.get("/office/payments").text)
    content = bank_file(
        Credit(Decimal("15000.00"), invoice.ocr or ""), Credit(Decimal("700.00"), "1234567897")
    )
    answer = browser_client.post(
        "/office/payments/camt054",
        data={"csrf_token": token},
        files={"file": ("camt054.xml", content, "application/xml")},
    )
    assert answer.status_code == 303
    html = browser_client.get(answer.headers["location"]).text
    assert "1 betalning betalade sin faktura i sin helhet" in html
    assert "1 post matchade ingen faktura" in html
    assert "700,00 kr" in html
    # Outside attribute values: a form token is random text, which now and then holds "SEK".
    assert "SEK" not in re.sub(r'"[^"]*"', '""', html)
    session.refresh(invoice)
    assert invoice.status == InvoiceStatus.paid


def test_a_file_that_is_not_camt054_is_refused_by_the_field(browser_client, session, treasurer) -> None:
    token = form_token(browser_client.get("/office/payments").text)
    answer = browser_client.post(
        "/office/payments/camt054",
        data={"csrf_token": token},
        files={"file": ("notes.xml", b"<hello/>", "application/xml")},
    )
    assert answer.status_code == 422
    assert 'id="e-file"' in answer.text
    assert "Det här är ingen camt.054-fil" in answer.text
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 0


@pytest.mark.parametrize("count", ["²", "9" * 5_000])
def test_import_counts_no_number_can_hold_in_the_address_show_the_page_without_them(
    browser_client, treasurer, count
) -> None:
    """The counts after an import travel in the address; a tampered one is left out, not a 500."""
    counts = "partly_paid=0&unmatched=0&already_imported=0&after=0"
    assert 'id="import-heading"' in browser_client.get(f"/office/payments?matched=1&{counts}").text
    answer = browser_client.get(f"/office/payments?matched={count}&{counts}")
    assert answer.status_code == 200
    assert 'id="import-heading"' not in answer.text


def unmatched(session, treasurer, amount: str = "700.00") -> UnmatchedBankEntry:
    entry = UnmatchedBankEntry(
        bank_entry_reference=f"BANK-{amount}",
        amount=Decimal(amount),
        currency="SEK",
        booked_on=DAY,
        reference="1234567897",
        reason="no invoice has this OCR reference",
        imported_by_id=treasurer.user.id,
    )
    session.add(entry)
    session.flush()
    return entry


def test_an_unmatched_entry_is_assigned_to_an_invoice(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    entry = unmatched(session, treasurer)
    page = browser_client.get("/office/payments").text
    assert "Ingen faktura har det här OCR-numret." in page
    url = f"/office/payments/unmatched/{entry.id}/assign"
    answer = post(browser_client, url, {"invoice_id": ""}, page="/office/payments")
    assert answer.status_code == 422
    assert f'id="e-{entry.id}-invoice_id"' in answer.text
    answer = post(browser_client, url, {"invoice_id": str(invoice.id)}, page="/office/payments")
    confirmed(browser_client, answer, "Bankposten är registrerad som betalning av fakturan.")
    session.refresh(entry)
    session.refresh(invoice)
    assert entry.resolution == "assigned"
    assert (invoice.status, invoice.paid_amount) == (InvoiceStatus.partly_paid, Decimal("700.00"))


def test_an_entry_without_a_booking_date_before_its_invoice_needs_to_be_ticked_as_in_advance(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    entry = unmatched(session, treasurer)
    entry.booked_on = None  # the bank left it out: the day is hers to give
    session.flush()
    url = f"/office/payments/unmatched/{entry.id}/assign"
    typed = {"invoice_id": str(invoice.id), "paid_on": "2025-11-30"}

    answer = post(browser_client, url, typed, page="/office/payments")

    assert answer.status_code == 422
    said = f'<p class="error" id="e-{entry.id}-paid_on">Betalningsdagen är före fakturans datum.'
    ticked_in_advance = f'<label for="f-{entry.id}-prepayment">Förskott: betalt innan fakturan utfärdades'
    assert said in answer.text
    assert ticked_in_advance in answer.text
    session.refresh(entry)
    assert entry.resolution is None
    answer = post(browser_client, url, {**typed, "prepayment": "yes"}, page="/office/payments")
    confirmed(browser_client, answer, "Bankposten är registrerad som betalning av fakturan.")
    session.refresh(entry)
    assert entry.resolution == "assigned"


def test_an_entry_marked_not_ours_needs_a_reason(browser_client, session, treasurer) -> None:
    entry = unmatched(session, treasurer)
    url = f"/office/payments/unmatched/{entry.id}/not-ours"
    answer = post(browser_client, url, {"reason": ""}, page="/office/payments")
    assert answer.status_code == 422
    assert f'id="e-{entry.id}-reason"' in answer.text
    session.refresh(entry)
    assert entry.resolution is None
    answer = post(browser_client, url, {"reason": "Fel mottagare"}, page="/office/payments")
    confirmed(browser_client, answer, "Bankposten är markerad som inte vår.")
    session.refresh(entry)
    assert (entry.resolution, entry.resolution_note) == ("not_ours", "Fel mottagare")


def test_a_payment_from_the_payments_page_needs_an_invoice(browser_client, session, treasurer) -> None:
    answer = post(
        browser_client, "/office/payments", {"invoice_id": "", "amount": "100", "paid_on": "2026-11-30"}
    )
    assert answer.status_code == 422
    # A list left at "Välj …" asks her to choose, not to "write a whole number"
    assert '<p class="error" id="e-invoice_id">Välj ett av alternativen.</p>' in answer.text
    assert 'value="100"' in answer.text


def test_an_unmatched_bank_entry_that_does_not_exist_is_not_found(browser_client, treasurer) -> None:
    for action in ("not-ours", "assign"):
        answer = post(
            browser_client,
            f"/office/payments/unmatched/999999/{action}",
            {"reason": "Inte vår", "invoice_id": "1"},
            page="/office/payments",
        )
        assert answer.status_code == 404, action
        assert "Sidan finns inte" in answer.text


def test_a_bank_file_with_an_external_entity_is_refused_by_its_field(
    browser_client, session, treasurer
) -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&e;</Document>'
    )
    answer = post(
        browser_client,
        "/office/payments/camt054",
        {},
        page="/office/payments",
        files={"file": ("bank.xml", hostile, "text/xml")},
    )
    assert answer.status_code == 422
    assert 'id="e-file"' in answer.text
    assert "root:" not in answer.text
    assert session.scalar(select(func.count()).select_from(UnmatchedBankEntry)) == 0


# Clients


def test_a_new_client_with_a_wrong_organisation_number_is_refused_by_the_field(
    browser_client, session, treasurer
) -> None:
    data = {
        "name": "Teatern AB",
        "kind": "organisation",
        "organisation_number": "556000-0000",
        "country": "SE",
    }
    data |= {"payment_terms_days": "30", "language": "sv"}
    answer = post(browser_client, "/office/clients/new", data)
    assert answer.status_code == 422
    assert 'id="e-organisation_number"' in answer.text
    assert 'value="Teatern AB"' in answer.text
    assert session.scalar(select(func.count()).select_from(Client)) == 0
    data["organisation_number"] = "556036-0793"
    answer = post(browser_client, "/office/clients/new", data)
    assert answer.status_code == 303
    client = session.scalars(select(Client)).one()
    assert (client.name, client.organisation_number) == ("Teatern AB", "556036-0793")


def test_a_client_is_changed_and_a_peppol_address_needs_its_scheme(
    browser_client, session, treasurer, library
) -> None:
    url = f"/office/clients/{library.id}"
    html = browser_client.get(url).text
    assert 'value="Lunds kommun"' in html
    data = {
        "version": "1",
        "name": "Lunds kommun",
        "kind": "organisation",
        "organisation_number": "212000-1124",
        "country": "SE",
        "payment_terms_days": "20",
        "language": "sv",
        "public_sector": "yes",
        "peppol_id": "2120001124",
    }
    answer = post(browser_client, url, data)
    assert answer.status_code == 422
    assert 'id="e-peppol_id"' in answer.text
    assert "Ange både Peppol-schema och Peppol-adress, eller ingen av dem." in answer.text
    session.refresh(library)
    assert library.payment_terms_days == 30
    answer = post(browser_client, url, {**data, "peppol_scheme": "0007"})
    assert answer.status_code == 303
    session.refresh(library)
    assert (library.peppol_scheme, library.peppol_id, library.payment_terms_days) == (
        "0007",
        "2120001124",
        20,
    )
    assert library.public_sector


def test_a_new_client_with_wrong_values_keeps_them_and_saves_nothing(
    browser_client, session, treasurer
) -> None:
    before = session.scalar(select(func.count()).select_from(Client))
    for name, value in [("payment_terms_days", "9" * 30), ("payment_terms_days", "-5"), ("kind", "robot")]:
        data = {"name": "Ny kund AB", "kind": "organisation", "country": "SE", name: value}
        answer = post(browser_client, "/office/clients/new", data)
        assert answer.status_code == 422, (name, value)
        assert f'id="e-{name}"' in answer.text, (name, value)
        assert 'value="Ny kund AB"' in answer.text
    assert session.scalar(select(func.count()).select_from(Client)) == before


# Lists: a constant number of statements, whatever the number of rows


def count_for(browser_client, count_statements, path: str) -> int:
    with count_statements() as counter:
        assert browser_client.get(path).status_code == 200
    return counter.count


def bare_invoice(session, assignment: Assignment, sequence: int, actor) -> Invoice:
    """An invoice row without documents: enough for the lists, far quicker than issuing."""
    invoice = Invoice(
        series="F",
        year=2026,
        sequence=sequence,
        number=f"2026-{sequence:04d}",
        kind=InvoiceKind.invoice,
        assignment_id=assignment.id,
        member_id=assignment.member_id,
        client_id=assignment.client_id,
        issue_date=DAY,
        due_date=date(2026, 11, 1),
        language="sv",
        work_amount=Decimal("100.00"),
        expenses_amount=Decimal("0.00"),
        net_total=Decimal("100.00"),
        vat_total=Decimal("25.00"),
        rounding=Decimal("0.00"),
        payable=Decimal("125.00"),
        ocr=f"{sequence:04d}",
        snapshot={},
        pdf=b"%PDF",
        pdf_sha256="0" * 64,
        issued_by_id=actor.user.id,
    )
    session.add(invoice)
    session.flush()
    session.add(
        Payment(
            invoice_id=invoice.id,
            amount=Decimal("1.00"),
            paid_on=DAY,
            source="manual",
            recorded_by_id=actor.user.id,
        )
    )
    return invoice


def test_the_lists_read_with_a_constant_number_of_statements(
    browser_client, session, treasurer, make_member, library, count_statements
) -> None:
    members = [make_member().member for _ in range(2)]
    paths = [
        "/office/inbox",
        "/office/invoices",
        "/office/invoices?show=overdue",
        "/office/payments",
        "/office/clients",
        "/office/invoices/new",
        "/",
    ]

    def add_rows(start: int, count: int) -> None:
        for n in range(start, start + count):
            member = members[n % 2]
            client = Client(name=f"Kund {n:03d}", country="SE")
            session.add(client)
            session.flush()
            commission(session, member, client, title=f"Uppdrag {n}")
            approved = commission(session, member, client, status=AssignmentStatus.approved)
            bare_invoice(session, approved, n + 1, treasurer)
            unmatched(session, treasurer, amount=f"{n + 1}.00")
        session.flush()

    add_rows(0, 1)
    few = {path: count_for(browser_client, count_statements, path) for path in paths}
    add_rows(1, 99)
    many = {path: count_for(browser_client, count_statements, path) for path in paths}
    assert many == few
    assert "Uppdrag 99" in browser_client.get("/office/inbox?offset=50").text


@pytest.mark.parametrize("meanwhile", ["paid", "credited"])
def test_a_payment_from_a_page_read_before_the_invoice_was_settled_elsewhere_says_why_nothing_was_recorded(
    browser_client, session, make_user, treasurer, worker, library, meanwhile
) -> None:
    """The page it lands on has no payment form any more: the refusal is said above the invoice's actions,
    not by a field that is not on the page (where it said nothing, and what she typed vanished)."""
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    url = f"/office/invoices/{invoice.id}"
    token = form_token(browser_client.get(url).text)
    other = make_user(Role.treasurer).user
    if meanwhile == "paid":
        data = PaymentCreate(invoice_id=invoice.id, amount=invoice.payable, paid_on=DAY)
        payments.record_payment(session, data=data, actor=other, today=DAY, now=NOW)
    else:
        invoices_service.issue_credit_note(
            session,
            invoice_id=invoice.id,
            data=CreditNoteIssue(reason="Fel kund"),
            actor=other,
            today=DAY,
            now=NOW,
        )
    session.commit()
    typed = {"amount": "1 000,00", "paid_on": DAY.isoformat(), "csrf_token": token}
    answer = browser_client.post(f"{url}/payments", data=typed)
    assert answer.status_code == 422
    said = {
        "paid": "Ingenting registrerades: fakturan betalades i sin helhet efter att du öppnade sidan.",
        "credited": (
            "Ingenting registrerades: fakturan krediterades efter att du öppnade sidan, så inget ska betalas "
            "på den."
        ),
    }[meanwhile]
    assert f'<div id="record-payment"><div class="alert" role="alert">{said}</div></div>' in answer.text
    assert 'id="f-amount"' not in answer.text
    assert session.scalar(select(func.count()).select_from(Payment)) == (1 if meanwhile == "paid" else 0)


@pytest.mark.parametrize("action", ["not-ours", "assign"])
def test_an_entry_dealt_with_in_another_tab_says_so_at_the_top_of_the_page(
    browser_client, session, treasurer, worker, library, action
) -> None:
    """The entry is no longer listed open, so there is no form to say the refusal by: it is said at the top,
    instead of nowhere (the page came back as if nothing had been sent)."""
    invoice = issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )
    entry = unmatched(session, treasurer)
    token = form_token(browser_client.get("/office/payments").text)
    entry.resolution, entry.resolution_note = "not_ours", "Fel mottagare"
    session.commit()
    typed = {"not-ours": {"reason": "Dubbelbetalning"}, "assign": {"invoice_id": str(invoice.id)}}[action]
    answer = browser_client.post(
        f"/office/payments/unmatched/{entry.id}/{action}", data={**typed, "csrf_token": token}
    )
    assert answer.status_code == 422
    said = "Den här bankposten är redan utredd."
    assert f'<div class="alert" role="alert">{said}</div>' in answer.text
    session.refresh(invoice)
    assert invoice.paid_amount == Decimal("0.00")


def test_a_line_of_one_day_reads_in_the_singular_on_the_invoice_s_page_as_on_its_pdf(
    browser_client, session, treasurer, worker, library
) -> None:
    assignment = commission(session, worker.member, library, status=AssignmentStatus.approved)
    assignment.lines[0].quantity = Decimal("1")
    session.flush()
    invoice = issue(session, assignment, treasurer)
    html = browser_client.get(f"/office/invoices/{invoice.id}").text
    assert 'data-label="Antal">1 dag</td>' in html
    assert "1 dagar" not in html

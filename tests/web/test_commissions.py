"""A member's commissions in the browser: her list, registering one with lines, an expense and its receipt,
errors next to the fields, handing in with the warnings shown, and nothing of another member's."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, AssignmentLine, Expense, Receipt
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.assignments.schemas import MAX_LINES, AssignmentCreate
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentSource
from kooperativet.parties.models import Client, ClientKind, Language, Member
from kooperativet.payroll.models import PayOn, PayrollRun, Payslip, PayslipLine, RunStatus
from kooperativet.web.commission_form import assignment_payload, form_of
from tests.assignments.factories import JPEG, PDF
from tests.web.conftest import form_token, sign_in

if TYPE_CHECKING:
    from tests.web.sweeps.sweeping import Form

TODAY = date(2026, 11, 20)


@pytest.fixture
def on_today(app):
    from kooperativet.api.dependencies import today

    app.dependency_overrides[today] = lambda: TODAY
    yield
    app.dependency_overrides.pop(today, None)


@pytest.fixture
def theatre(session: Session) -> Client:
    client = Client(name="Folkteatern i Mellanstad AB", organisation_number="556036-0793")
    session.add(client)
    session.flush()
    return client


def commission(
    session: Session,
    member: Member,
    client: Client,
    *,
    title: str = "Konsert på torget",
    status: AssignmentStatus = AssignmentStatus.draft,
    start: date = date(2026, 10, 16),
    end: date = date(2026, 10, 17),
) -> Assignment:
    assignment = Assignment(
        member_id=member.id,
        client_id=client.id,
        title=title,
        period_start=start,
        period_end=end,
        extent_quantity=Decimal("2"),
        extent_unit=ExtentUnit.days,
        buyer_reference="Karin Ek",
        status=status,
    )
    assignment.lines = [
        AssignmentLine(
            position=1,
            description="Konsertframträdande",
            quantity=Decimal("2"),
            unit="DAY",
            unit_price=Decimal("4750.25"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("6"),
        )
    ]
    session.add(assignment)
    session.flush()
    return assignment


def invoiced(
    session: Session, assignment: Assignment, *, sequence: int, paid: Decimal, issued_by: int
) -> Invoice:
    """An issued invoice row (no rendering: the pages show its numbers and hand out its stored PDF)."""
    invoice = Invoice(
        series="F",
        year=2026,
        sequence=sequence,
        number=f"2026-{sequence:04d}",
        kind=InvoiceKind.invoice,
        assignment_id=assignment.id,
        member_id=assignment.member_id,
        client_id=assignment.client_id,
        issue_date=date(2026, 10, 20),
        due_date=date(2026, 11, 19),
        language=Language.sv,
        work_amount=Decimal("9500.50"),
        expenses_amount=Decimal("0.00"),
        net_total=Decimal("9500.50"),
        vat_total=Decimal("570.03"),
        rounding=Decimal("0.47"),
        payable=Decimal("10071.00"),
        snapshot={},
        pdf=PDF,
        pdf_sha256="0" * 64,
        issued_by_id=issued_by,
        status=InvoiceStatus.partly_paid if paid else InvoiceStatus.open,
        paid_amount=paid,
    )
    session.add(invoice)
    session.flush()
    if paid:
        session.add(
            Payment(
                invoice_id=invoice.id,
                amount=paid,
                paid_on=date(2026, 11, 2),
                source=PaymentSource.manual,
                recorded_by_id=issued_by,
            )
        )
    assignment.status = AssignmentStatus.invoiced
    session.flush()
    return invoice


def salaried(
    session: Session,
    assignment: Assignment,
    *,
    run: PayrollRun,
    sequence: int,
    amounts: dict[str, Decimal] | None = None,
    pool: Decimal = Decimal("1000.00"),
    invoice_numbers: tuple[str, ...] = (),
) -> None:
    """An issued payslip with one line for ``assignment``, written as it is (issued lines never change):
    every amount 1 000,00 unless ``amounts`` are given."""
    amounts = amounts or {
        name: Decimal("1000.00")
        for name in (
            "invoiced_amount",
            "fee",
            "gross_salary",
            "holiday_pay",
            "employer_contributions",
            "residue",
            "taxable_pay",
            "tax",
            "expense_reimbursement",
            "net_pay",
        )
    }
    payslip = Payslip(
        run_id=run.id,
        member_id=assignment.member_id,
        year=2026,
        sequence=sequence,
        number=f"L2026-{sequence:04d}",
        pay_date=date(2026, 11, 25),
        language=Language.sv,
        year_to_date_gross=Decimal("0"),
        year_to_date_taxable=Decimal("0"),
        year_to_date_tax=Decimal("0"),
        snapshot={},
        **amounts,
    )
    session.add(payslip)
    session.flush()
    session.add(
        PayslipLine(
            payslip_id=payslip.id,
            position=1,
            assignment_id=assignment.id,
            client_name=assignment.client.name,
            invoice_numbers=list(invoice_numbers),
            fee_rate=Decimal("0.06"),
            pool=pool,
            holiday_pay_rate=Decimal("0.12"),
            contribution_category="standard",
            contribution_parts=[],
            contribution_base_month_to_date_before=Decimal("0"),
            tax_mode="flat",
            **amounts,
        )
    )
    session.flush()


def posted(client, path: str, data: dict[str, str], files: dict[str, Any] | None = None):
    page = client.get(path)
    return client.post(path, data={**data, "csrf_token": form_token(page.text)}, files=files or {})


def a_commission(client_id: int | str, **changes: str) -> dict[str, str]:
    data = {
        "client_id": str(client_id),
        "title": "Ljusdesign för Vårsalongen",
        "description": "Ljus till tre föreställningar.",
        "period_start": "2026-12-01",
        "period_end": "2026-12-05",
        "place": "Konsthallen",
        "extent_quantity": "5",
        "extent_unit": "days",
        "buyer_reference": "Karin Ek",
        "lines.0.description": "Ljusdesign",
        "lines.0.quantity": "5",
        "lines.0.unit": "DAY",
        "lines.0.unit_price": "3 250,50",
        "lines.0.vat": "S25",
        "lines.1.description": "Teknikerhjälp",
        "lines.1.quantity": "2,5",
        "lines.1.unit": "HUR",
        "lines.1.unit_price": "450",
        "lines.1.vat": "S6",
    }
    data.update(changes)
    return data


def assignments_of(session: Session, member: Member) -> list[Assignment]:
    session.expire_all()
    return list(session.scalars(select(Assignment).where(Assignment.member_id == member.id)))


def test_the_list_shows_her_commissions_in_words_with_invoice_payment_and_salary(
    browser_client, session, make_member, make_user, theatre, on_today
) -> None:
    alva = make_member()
    other = make_member()
    office = make_user(Role.treasurer)
    commission(session, alva.member, theatre, title="Höstens utkast")
    paid = commission(session, alva.member, theatre, title="Konsert i oktober", start=date(2026, 10, 1))
    invoiced(session, paid, sequence=7, paid=Decimal("5000.00"), issued_by=office.user.id)
    run = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.invoice)
    session.add(run)
    session.flush()
    salaried(session, paid, run=run, sequence=3)
    commission(session, other.member, theatre, title="Någon annans uppdrag")
    sign_in(browser_client, alva.user.email)
    page = browser_client.get("/commissions")
    assert page.status_code == 200
    html = page.text
    assert "Höstens utkast" in html
    assert "Utkast" in html
    assert "Någon annans uppdrag" not in html
    assert "Folkteatern i Mellanstad AB" in html
    # Each date is kept on one line on a phone, and says its day to the machine as well.
    assert (
        '<time class="nowrap" datetime="2026-10-01">2026-10-01</time> – '
        '<time class="nowrap" datetime="2026-10-17">2026-10-17</time>'
    ) in html
    assert "9\N{NO-BREAK SPACE}500,50 kr" in html  # 2 × 4 750,25, excl. VAT
    # Due 19 November, 5 000 of 10 071 paid, and today is the 20th: past due.
    assert "Fakturerat, betalningen är försenad" in html
    assert (
        '2026-0007</span>, förfaller <time class="nowrap" datetime="2026-11-19">2026-11-19</time><br>'
        "Inte betald, förfallen<br>5\N{NO-BREAK SPACE}000,00 kr betalt "
        '<time class="nowrap" datetime="2026-11-02">2026-11-02</time>' in html
    )
    # The run is not marked paid: the payslip is issued, the salary not sent yet.
    assert (
        'lönespecifikation <span class="nowrap">L2026-0003</span>, betalas ut '
        '<time class="nowrap" datetime="2026-11-25">2026-11-25</time>'
    ) in html
    assert "utbetald" not in html
    assert html.index("Höstens utkast") < html.index("Konsert i oktober")  # latest period first, as the API


def test_salary_is_said_paid_only_once_the_office_has_marked_its_run_paid(
    browser_client, session, make_member, make_user, theatre, on_today
) -> None:
    """Salaried means the run is approved and her payslip issued; the money leaves the bank when the office
    marks the run paid, on the day it says (not necessarily the run's pay date)."""
    alva = make_member()
    office = make_user(Role.treasurer)
    done = commission(session, alva.member, theatre, title="Konsert i oktober")
    invoiced(session, done, sequence=7, paid=Decimal("0"), issued_by=office.user.id)
    run = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.invoice, status=RunStatus.approved)
    session.add(run)
    session.flush()
    salaried(session, done, run=run, sequence=3)
    done.status = AssignmentStatus.salaried
    session.flush()
    sign_in(browser_client, alva.user.email)

    for path in ("/commissions", f"/commissions/{done.id}"):
        html = browser_client.get(path).text
        assert '<span class="status">Lönespecifikation klar, lönen inte utbetald än</span>' in html, path
        assert "Lön utbetald" not in html, path
        assert "utbetald 2026" not in html, path
    detail = browser_client.get(f"/commissions/{done.id}").text
    assert (
        'Lön beräknad, betalas ut <time class="nowrap" datetime="2026-11-25">2026-11-25</time></li>' in detail
    )
    assert "Lönespecifikation L2026-0003, betalas ut" in detail

    run.status, run.paid_on = RunStatus.paid, date(2026, 11, 26)
    session.flush()
    for path in ("/commissions", f"/commissions/{done.id}"):
        html = browser_client.get(path).text
        assert '<span class="status">Lön utbetald</span>' in html, path
    detail = browser_client.get(f"/commissions/{done.id}").text
    assert 'Lön utbetald <time class="nowrap" datetime="2026-11-26">2026-11-26</time></li>' in detail
    assert "Lönespecifikation L2026-0003, utbetald" in detail
    listed = browser_client.get("/commissions").text
    assert (
        'lönespecifikation <span class="nowrap">L2026-0003</span>, utbetald '
        '<time class="nowrap" datetime="2026-11-26">2026-11-26</time>'
    ) in listed


def test_a_member_registers_a_commission_with_lines_and_an_expense_with_its_receipt(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission(
        theatre.id,
        **{
            "expenses.0.spent_on": "2026-12-01",
            "expenses.0.description": "Tåg Malmö–Lund",
            "expenses.0.amount": "1 178,00",
            "expenses.0.vat_rate": "6",
            "expenses.0.reinvoice": "on",
        },
    )
    answer = posted(
        browser_client,
        "/commissions/new",
        data,
        files={"expenses.0.receipt": ("kvitto.jpg", JPEG, "image/jpeg")},
    )
    assert answer.status_code == 303, answer.text
    [saved] = assignments_of(session, alva.member)
    assert answer.headers["location"] == f"/commissions/{saved.id}"
    assert saved.status == AssignmentStatus.draft
    assert [
        (line.quantity, line.unit, line.unit_price, line.vat_category, line.vat_rate) for line in saved.lines
    ] == [
        (Decimal("5"), "DAY", Decimal("3250.50"), "S", Decimal("25")),
        (Decimal("2.5"), "HUR", Decimal("450.00"), "S", Decimal("6")),
    ]
    [expense] = saved.expenses
    assert (expense.amount, expense.vat_rate, expense.reinvoice) == (Decimal("1178.00"), Decimal("6"), True)
    assert expense.receipt is not None
    assert (expense.receipt.filename, expense.receipt.media_type) == ("kvitto.jpg", "image/jpeg")
    detail = browser_client.get(f"/commissions/{saved.id}").text
    assert "Ljusdesign" in detail
    assert ">dagar</td>" in detail  # units in words and in their number, never DAY or HUR
    assert ">timmar</td>" in detail
    assert "25 % moms" in detail.replace("\N{NO-BREAK SPACE}", " ")
    assert "16\N{NO-BREAK SPACE}252,50" in detail  # 5 × 3 250,50 + 2,5 × 450 = 17 377,50; the first line
    assert "17\N{NO-BREAK SPACE}377,50" in detail
    receipt = browser_client.get(f"/commissions/{saved.id}/expenses/{expense.id}/receipt")
    assert receipt.status_code == 200
    assert receipt.content == JPEG


def test_a_new_client_can_come_with_the_commission(browser_client, session, make_member) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission(
        "new",
        **{
            "client.name": "Sara Berg",
            "client.kind": "person",
            "client.city": "Nacka",
            "client.country": "se",
        },
    )
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 303, answer.text
    [saved] = assignments_of(session, alva.member)
    assert (saved.client.name, saved.client.kind, saved.client.country) == (
        "Sara Berg",
        ClientKind.person,
        "SE",
    )


def test_a_new_client_filled_in_with_the_list_left_at_choose_is_the_new_client(
    browser_client, session, make_member
) -> None:
    """She opens "En ny kund" and fills it in, but leaves the list above at "Välj en kund": she added a new
    client, and is not told to choose one or add one with what she typed folded away."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission("", **{"client.name": "Teater Ett AB", "client.organisation_number": "556036-0793"})
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 303, answer.text
    [saved] = assignments_of(session, alva.member)
    assert (saved.client.name, saved.client.organisation_number) == ("Teater Ett AB", "556036-0793")


def test_a_new_client_without_its_name_is_asked_for_its_name_with_the_new_client_open(
    browser_client, session, make_member
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission("", **{"client.organisation_number": "556036-0793", "client.city": "Lund"})
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 422
    assert 'id="e-client.name">Fyll i fältet.' in answer.text
    assert 'id="e-client_id"' not in answer.text  # not "choose a client in the list, or add a new one"
    assert '<option value="new" selected>' in answer.text
    assert '<details class="new-client" open>' in answer.text  # what she typed is in sight
    assert 'value="Lund"' in answer.text
    assert assignments_of(session, alva.member) == []


def test_a_new_client_s_wrong_numbers_are_said_with_its_missing_name_at_once(
    browser_client, session, make_member
) -> None:
    """The organisation number and the postal code were checked only once the name was there: a form with
    three mistakes came back twice, and each time she chose her receipts again."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    typed = {"client.organisation_number": "123", "client.postal_code": "ABCDE", "client.vat_number": "SE1"}
    answer = posted(browser_client, "/commissions/new", a_commission("new", **typed))
    assert answer.status_code == 422
    assert 'id="e-client.name">Fyll i fältet.' in answer.text
    assert 'id="e-client.organisation_number">Det här är inte ett giltigt svenskt organisationsnummer.' in (
        answer.text
    )
    assert 'id="e-client.postal_code">Ett svenskt postnummer har fem siffror, t.ex. 123 45.' in (answer.text)
    assert 'id="e-client.vat_number">' in answer.text
    assert assignments_of(session, alva.member) == []


def test_with_nothing_chosen_and_no_new_client_she_is_asked_to_choose_one(
    browser_client, session, make_member
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    answer = posted(browser_client, "/commissions/new", a_commission(""))
    assert answer.status_code == 422
    assert 'id="e-client_id">Välj en kund i listan, eller lägg till en ny.' in answer.text
    assert '<details class="new-client">' in answer.text


def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    clients_before = session.scalar(select(func.count()).select_from(Client))
    data = a_commission(
        theatre.id,
        period_end="2026-11-01",
        **{"lines.1.unit_price": "tolv", "lines.0.quantity": "0"},
    )
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 422
    # Every mistake at once, the schema's and the rules' (the service checks its rules only once the schema
    # has read every field, and stops at the first): not three rounds for three mistakes.
    assert 'id="e-lines.1.unit_price">Skriv ett belopp över noll i kronor och öre' in answer.text
    assert 'id="e-period_end">Perioden slutar innan den börjar.' in answer.text
    assert 'id="e-lines.0.quantity">Det här måste vara större än noll.' in answer.text
    assert 'value="Ljusdesign för Vårsalongen"' in answer.text  # what she typed is kept
    assert 'value="tolv"' in answer.text
    # With the schema content, the service's first refusal comes with the others still there.
    data["lines.1.unit_price"] = "450"
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 422
    assert 'id="e-period_end">Perioden slutar innan den börjar.' in answer.text
    assert 'id="e-lines.0.quantity">Det här måste vara större än noll.' in answer.text
    data["period_end"] = "2026-12-05"
    answer = posted(browser_client, "/commissions/new", data)
    assert 'id="e-lines.0.quantity">Det här måste vara större än noll.' in answer.text
    assert 'id="e-period_end"' not in answer.text
    assert assignments_of(session, alva.member) == []
    assert session.scalar(select(func.count()).select_from(Client)) == clients_before


def test_more_lines_than_a_commission_holds_are_said_by_the_lines_with_the_limit(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    rows = {
        f"lines.{n}.{field}": value
        for n in range(MAX_LINES + 1)
        for field, value in (
            ("description", f"Föreställning {n + 1}"),
            ("quantity", "1"),
            ("unit", "DAY"),
            ("unit_price", "100"),
            ("vat", "S25"),
        )
    }
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, **rows))
    assert answer.status_code == 422
    assert f'id="e-lines">Det är för många rader: högst {MAX_LINES}.' in answer.text
    assert 'value="Föreställning 101"' in answer.text  # what she typed is kept, to take rows away from
    assert assignments_of(session, alva.member) == []


def test_a_vat_treatment_that_does_not_fit_where_the_client_is_is_refused_by_the_lines_vat(
    browser_client, session, make_member, theatre
) -> None:
    """Outside the scope of VAT (O) is for a client outside the EU; the theatre is in Sweden."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.1.vat": "O"}))
    assert answer.status_code == 422
    assert 'id="e-lines.1.vat">Momsbehandlingen passar inte var kunden finns' in answer.text
    assert assignments_of(session, alva.member) == []


def test_a_receipt_that_is_not_a_pdf_jpeg_or_png_sends_the_form_back_and_saves_nothing(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission(
        theatre.id,
        **{"expenses.0.spent_on": "2026-12-01", "expenses.0.description": "Taxi", "expenses.0.amount": "300"},
    )
    answer = posted(
        browser_client,
        "/commissions/new",
        data,
        files={"expenses.0.receipt": ("kvitto.txt", b"hello", "text/plain")},
    )
    assert answer.status_code == 422
    assert 'id="e-expenses.0.receipt">Ett kvitto måste vara en PDF-, JPEG- eller PNG-fil' in answer.text
    assert "Välj kvittofilerna igen" in answer.text
    assert assignments_of(session, alva.member) == []
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0


def test_a_receipt_of_the_wrong_kind_is_said_with_the_form_s_other_mistakes_at_once(
    browser_client, session, make_member, theatre
) -> None:
    """It was refused only once the rest of the form passed: each round before asked her to choose the
    receipts again, and the next one told her about the file."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission(
        theatre.id,
        title="",
        **{"expenses.0.spent_on": "2026-12-01", "expenses.0.description": "Taxi", "expenses.0.amount": "300"},
    )
    answer = posted(
        browser_client,
        "/commissions/new",
        data,
        files={"expenses.0.receipt": ("kvitto.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert answer.status_code == 422
    assert 'id="e-title">Fyll i fältet.' in answer.text
    assert 'id="e-expenses.0.receipt">Ett kvitto måste vara en PDF-, JPEG- eller PNG-fil' in answer.text
    assert assignments_of(session, alva.member) == []


def test_adding_a_line_keeps_what_was_typed_and_saves_nothing(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    answer = posted(browser_client, "/commissions/new", {**a_commission(theatre.id), "action": "add_line"})
    assert answer.status_code == 200
    assert 'name="lines.2.description"' in answer.text
    assert 'value="Teknikerhjälp"' in answer.text
    assert assignments_of(session, alva.member) == []


@pytest.mark.parametrize("which", ["²", "9" * 5_000, "2"])
def test_a_remove_button_naming_no_line_removes_nothing_and_saves_nothing(
    browser_client, session, make_member, theatre, which
) -> None:
    """A tampered button: a number no line has, a digit ``int`` cannot read, more digits than it reads."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    answer = posted(
        browser_client, "/commissions/new", {**a_commission(theatre.id), "action": f"remove_line:{which}"}
    )
    assert answer.status_code == 200
    assert 'name="lines.1.description"' in answer.text
    assert 'value="Teknikerhjälp"' in answer.text
    assert assignments_of(session, alva.member) == []


def test_a_draft_is_handed_in_after_its_warnings_are_shown(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    # More than three months: holiday pay cannot be paid with each salary, which the treasurer must see.
    answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, period_end="2027-04-30"))
    location = answer.headers["location"]
    detail = browser_client.get(location).text
    assert "Perioden är längre än tre månader" in detail
    assert "semesterlagen 5 §" in detail
    [saved] = assignments_of(session, alva.member)
    answer = browser_client.post(
        f"{location}/submit", data={"version": str(saved.version), "csrf_token": form_token(detail)}
    )
    assert answer.status_code == 303
    [saved] = assignments_of(session, alva.member)
    assert saved.status == AssignmentStatus.submitted
    after = browser_client.get(answer.headers["location"]).text
    assert "Inskickat, väntar på godkännande" in after
    assert 'Inskickat <time class="nowrap" datetime="20' in after  # the history: handed in at a moment


def test_a_stale_version_is_said_in_words_and_the_typing_is_kept(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    sign_in(browser_client, alva.user.email)
    page = browser_client.get(f"/commissions/{draft.id}/edit")
    assert f'name="version" value="{draft.version}"' in page.text
    draft.version += 1  # someone saved it in another window meanwhile
    session.flush()
    data = a_commission(theatre.id, version=str(draft.version - 1), title="Mitt nya namn")
    answer = browser_client.post(
        f"/commissions/{draft.id}/edit", data={**data, "csrf_token": form_token(page.text)}
    )
    assert answer.status_code == 409
    assert "Någon har ändrat uppdraget efter att du öppnade det" in answer.text
    assert 'value="Mitt nya namn"' in answer.text
    session.expire_all()
    assert session.get(Assignment, draft.id).title == "Konsert på torget"


def test_handing_in_a_draft_changed_since_says_so_on_its_page_as_it_is_now(
    browser_client, session, make_member, theatre
) -> None:
    """The hand-in button of a page read before the draft was changed in another window: nothing was typed on
    that page, so the message does not say "what you typed is below"; the page shows the draft as it is now,
    and its button hands that version in."""
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    sign_in(browser_client, alva.user.email)
    detail = browser_client.get(f"/commissions/{draft.id}").text
    read_at = draft.version
    draft.title, draft.version = "Konsert i parken", read_at + 1  # saved in another window meanwhile
    session.flush()
    answer = browser_client.post(
        f"/commissions/{draft.id}/submit", data={"version": str(read_at), "csrf_token": form_token(detail)}
    )
    assert answer.status_code == 409
    assert "så det skickades inte in. Så här ser det ut nu" in answer.text
    assert "Det du skrev finns kvar" not in answer.text
    assert "<h1>Konsert i parken</h1>" in answer.text
    assert f'name="version" value="{read_at + 1}"' in answer.text
    again = browser_client.post(
        f"/commissions/{draft.id}/submit",
        data={"version": str(read_at + 1), "csrf_token": form_token(answer.text)},
    )
    assert again.status_code == 303, again.text
    session.expire_all()
    assert session.get(Assignment, draft.id).status == AssignmentStatus.submitted


@pytest.mark.parametrize("status", [AssignmentStatus.rejected, AssignmentStatus.cancelled])
def test_a_commission_that_cannot_be_handed_in_again_offers_a_new_one_filled_in_from_it(
    browser_client, session, make_member, theatre, status
) -> None:
    """A rejected (or withdrawn) commission is final: the member registers a new one. Its page says so and
    opens the form filled in from it, rather than leaving her to type it all again on her phone; and it
    does not promise an invoice "after approval" that will never come."""
    alva = make_member()
    earlier = commission(session, alva.member, theatre, title="Konsert på torget", status=status)
    earlier.rejection_reason = "Perioden stämmer inte med avtalet." if status == "rejected" else None
    session.flush()
    sign_in(browser_client, alva.user.email)
    detail = browser_client.get(f"/commissions/{earlier.id}").text
    assert (
        f'href="/commissions/new?from={earlier.id}">Registrera ett nytt uppdrag utifrån det här</a>' in detail
    )
    assert "Inte fakturerat: uppdraget godkändes inte." in detail
    assert "Kassören fakturerar kunden efter godkännandet" not in detail

    page = browser_client.get(f"/commissions/new?from={earlier.id}")
    assert page.status_code == 200
    assert "Ifyllt från ”Konsert på torget”, allt utom utläggen." in page.text
    assert f'<option value="{theatre.id}" selected>' in page.text
    assert 'value="Konsert på torget"' in page.text
    assert 'value="4\N{NO-BREAK SPACE}750,25"' in page.text  # the price as she writes it
    assert 'name="version"' not in page.text  # a new commission, not a change of the earlier one
    assert 'action="/commissions/new"' in page.text

    answer = browser_client.post(
        "/commissions/new",
        data={**a_commission(theatre.id, period_start="2026-12-02"), "csrf_token": form_token(page.text)},
    )
    assert answer.status_code == 303, answer.text
    new, old = sorted(assignments_of(session, alva.member), key=lambda a: a.id, reverse=True)
    assert (new.status, new.period_start) == (AssignmentStatus.draft, date(2026, 12, 2))
    assert (old.id, old.status) == (earlier.id, status)


def test_a_commission_on_its_way_offers_no_new_one_from_it(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    sign_in(browser_client, alva.user.email)
    detail = browser_client.get(f"/commissions/{draft.id}").text
    assert "/commissions/new?from=" not in detail
    assert "Inte fakturerat än. Kassören fakturerar kunden efter godkännandet." in detail


def test_a_change_sent_from_an_edit_page_after_the_draft_was_handed_in_shows_the_commission_as_it_is(
    browser_client, session, make_member, theatre
) -> None:
    """The edit page open in one window, the draft handed in from another: saving it, or uploading a receipt,
    answers with the commission's page as it is now and why nothing changed, not with "Ändra utkastet" and a
    "Spara utkast" that can never save it."""
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    draft.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    session.flush()
    sign_in(browser_client, alva.user.email)
    page = browser_client.get(f"/commissions/{draft.id}/edit").text
    draft.status = AssignmentStatus.submitted  # handed in from another window meanwhile
    session.flush()
    saved = browser_client.post(
        f"/commissions/{draft.id}/edit",
        data={
            **a_commission(theatre.id, version=str(draft.version), title="Mitt nya namn"),
            "csrf_token": form_token(page),
        },
        files={f"receipt.{draft.expenses[0].id}": ("kvitto.jpg", JPEG, "image/jpeg")},
    )
    receipt = browser_client.post(  # from a page rendered before the receipt was a field of the draft's form
        f"/commissions/{draft.id}/expenses/{draft.expenses[0].id}/receipt",
        data={"csrf_token": form_token(page)},
        files={"receipt": ("kvitto.jpg", JPEG, "image/jpeg")},
    )
    for answer in (saved, receipt):
        assert answer.status_code == 409
        assert "<h1>Konsert på torget</h1>" in answer.text
        assert '<span class="status">Inskickat, väntar på godkännande</span>' in answer.text
        assert "Bara ett utkast kan ändras, och det här uppdraget är inte längre ett utkast." in answer.text
        assert "Spara utkast" not in answer.text
    session.expire_all()
    assert session.get_one(Assignment, draft.id).title == "Konsert på torget"
    assert session.get_one(Expense, draft.expenses[0].id).receipt is None


def test_editing_a_draft_changes_its_lines_and_adds_an_expense(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    sign_in(browser_client, alva.user.email)
    page = browser_client.get(f"/commissions/{draft.id}/edit")
    assert 'value="4\N{NO-BREAK SPACE}750,25"' in page.text  # the price as a Swede writes it
    data = a_commission(
        theatre.id,
        version=str(draft.version),
        **{
            "expenses.0.spent_on": "2026-12-02",
            "expenses.0.description": "Gelé",
            "expenses.0.amount": "89,50",
        },
    )
    answer = browser_client.post(
        f"/commissions/{draft.id}/edit",
        data={**data, "csrf_token": form_token(page.text)},
        files={"expenses.0.receipt": ("kvitto.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 303, answer.text
    session.expire_all()
    saved = session.get_one(Assignment, draft.id)
    assert [line.description for line in saved.lines] == ["Ljusdesign", "Teknikerhjälp"]
    [expense] = saved.expenses
    assert (expense.amount, expense.receipt.media_type) == (Decimal("89.50"), "application/pdf")


@pytest.mark.parametrize(
    ("language", "quantity", "price"),
    [("sv", "12,5", "1\N{NO-BREAK SPACE}250,50"), ("en", "12.5", "1,250.50")],
)
def test_a_draft_s_numbers_are_shown_as_people_write_them_and_read_back_as_they_were(
    session, make_member, theatre, language: str, quantity: str, price: str
) -> None:
    """A stored quantity 12.500 is not shown as "12,500" (twelve thousand to a Swede) and a price as
    "1 250,50", as the PDFs write it; sent back unchanged, the form gives the same numbers."""
    draft = commission(session, make_member().member, theatre)
    draft.extent_quantity = Decimal("12.500")
    draft.lines[0].quantity = Decimal("12.500")
    draft.lines[0].unit_price = Decimal("1250.50")
    shown = form_of(draft, language=language)
    assert (shown.values["extent_quantity"], shown.lines[0]["quantity"]) == (quantity, quantity)
    assert shown.lines[0]["unit_price"] == price

    read = AssignmentCreate.model_validate(assignment_payload(shown, language=language))
    assert read.extent_quantity == Decimal("12.5")
    assert (read.lines[0].quantity, read.lines[0].unit_price) == (Decimal("12.5"), Decimal("1250.50"))


def test_another_members_commission_its_receipt_and_invoice_are_not_found(
    browser_client, session, make_member, make_user, theatre
) -> None:
    alva = make_member()
    bertil = make_member()
    office = make_user(Role.treasurer)
    his = commission(session, bertil.member, theatre)
    his.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    session.flush()
    invoice = invoiced(session, his, sequence=9, paid=Decimal("0"), issued_by=office.user.id)
    mine = commission(session, alva.member, theatre)
    sign_in(browser_client, alva.user.email)
    for path in (
        f"/commissions/{his.id}",
        f"/commissions/{his.id}/edit",
        f"/commissions/{his.id}/expenses/{his.expenses[0].id}/receipt",
        f"/commissions/{his.id}/invoices/{invoice.id}/pdf",
        f"/commissions/{mine.id}/invoices/{invoice.id}/pdf",
        f"/commissions/new?from={his.id}",
    ):
        answer = browser_client.get(path)
        assert answer.status_code == 404, path
        assert "Tåg" not in answer.text
        assert "Logga ut" in answer.text  # the error page still shows her menu after the rollback
    his_draft = commission(session, bertil.member, theatre)
    token = form_token(browser_client.get("/commissions").text)
    answer = browser_client.post(
        f"/commissions/{his_draft.id}/submit", data={"version": str(his_draft.version), "csrf_token": token}
    )
    assert answer.status_code == 404
    session.expire_all()
    assert session.get_one(Assignment, his_draft.id).status == AssignmentStatus.draft


def test_her_invoice_pdf_is_handed_out_as_stored(
    browser_client, session, make_member, make_user, theatre
) -> None:
    alva = make_member()
    office = make_user(Role.treasurer)
    mine = commission(session, alva.member, theatre)
    invoice = invoiced(session, mine, sequence=11, paid=Decimal("0"), issued_by=office.user.id)
    sign_in(browser_client, alva.user.email)
    detail = browser_client.get(f"/commissions/{mine.id}").text
    assert f'href="/commissions/{mine.id}/invoices/{invoice.id}/pdf"' in detail
    answer = browser_client.get(f"/commissions/{mine.id}/invoices/{invoice.id}/pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content == PDF


def test_the_commission_pages_are_for_members(browser_client, make_user) -> None:
    board = make_user(Role.board)
    sign_in(browser_client, board.user.email)
    assert browser_client.get("/commissions").status_code == 403
    assert browser_client.get("/commissions/new").status_code == 403


def test_the_start_page_shows_her_drafts_submissions_and_overdue_invoices(
    browser_client, session, make_member, make_user, theatre, on_today
) -> None:
    alva = make_member()
    office = make_user(Role.treasurer)
    commission(session, alva.member, theatre, title="Att göra klart")
    commission(session, alva.member, theatre, title="Väntar på kassören", status=AssignmentStatus.submitted)
    late = commission(session, alva.member, theatre, title="Sen betalning", status=AssignmentStatus.approved)
    invoiced(session, late, sequence=12, paid=Decimal("1000.00"), issued_by=office.user.id)
    sign_in(browser_client, alva.user.email)
    html = browser_client.get("/").text
    assert "Utkast att göra klart (1)" in html
    assert "Att göra klart" in html
    assert "Väntar på godkännande (1)" in html
    assert "Väntar på kassören" in html
    assert "Obetalda fakturor efter förfallodagen (1)" in html
    assert "2026-0012" in html
    assert (
        '9\N{NO-BREAK SPACE}071,00 kr, förföll <time class="nowrap" datetime="2026-11-19">2026-11-19</time>'
    ) in html


def test_the_list_runs_as_many_statements_for_100_commissions_as_for_1(
    browser_client, session, make_member, make_user, theatre, count_statements, on_today
) -> None:
    alva = make_member()
    office = make_user(Role.treasurer)
    run = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.payment)
    session.add(run)
    session.flush()

    def add(numbers: range) -> None:
        """Commissions with an expense, an invoice with a payment, and a payslip each."""
        for n in numbers:
            assignment = commission(session, alva.member, theatre, title=f"Uppdrag {n}")
            assignment.expenses = [
                Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
            ]
            invoiced(session, assignment, sequence=100 + n, paid=Decimal("10.00"), issued_by=office.user.id)
            salaried(session, assignment, run=run, sequence=n + 1)

    add(range(1))
    sign_in(browser_client, alva.user.email)
    browser_client.get("/commissions?limit=100")
    with count_statements() as one:
        page = browser_client.get("/commissions?limit=100")
    assert page.text.count('<li class="card">') == 1
    add(range(1, 100))
    with count_statements() as hundred:
        page = browser_client.get("/commissions?limit=100")
    assert page.text.count('<li class="card">') == 100
    assert page.text.count('lönespecifikation <span class="nowrap">L2026-') == 100
    assert hundred.count == one.count


def test_a_drafts_expense_gets_its_receipt_later_or_is_removed(
    browser_client, session, make_member, theatre
) -> None:
    """By the forms of their own that a page rendered before the draft's save took both still sends."""
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    draft.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    session.flush()
    expense_id = draft.expenses[0].id
    sign_in(browser_client, alva.user.email)
    token = form_token(browser_client.get(f"/commissions/{draft.id}/edit").text)
    refused = browser_client.post(
        f"/commissions/{draft.id}/expenses/{expense_id}/receipt",
        data={"csrf_token": token},
        files={"receipt": ("kvitto.gif", b"GIF89a", "image/gif")},
    )
    assert refused.status_code == 422
    assert f'id="e-receipt.{expense_id}">Ett kvitto måste vara en PDF-, JPEG- eller PNG-fil' in refused.text
    answer = browser_client.post(
        f"/commissions/{draft.id}/expenses/{expense_id}/receipt",
        data={"csrf_token": token},
        files={"receipt": ("kvitto.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 303
    assert browser_client.get(f"/commissions/{draft.id}/expenses/{expense_id}/receipt").content == PDF
    answer = browser_client.post(
        f"/commissions/{draft.id}/expenses/{expense_id}/remove", data={"csrf_token": token}
    )
    assert answer.status_code == 303
    session.expire_all()
    assert session.get_one(Assignment, draft.id).expenses == []


def test_removing_an_expense_from_a_handed_in_commission_is_said_in_swedish(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    submitted = commission(session, alva.member, theatre, status=AssignmentStatus.submitted)
    submitted.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    session.flush()
    sign_in(browser_client, alva.user.email)
    token = form_token(browser_client.get(f"/commissions/{submitted.id}").text)
    answer = browser_client.post(
        f"/commissions/{submitted.id}/expenses/{submitted.expenses[0].id}/remove", data={"csrf_token": token}
    )
    assert answer.status_code == 409
    assert "Bara ett utkast kan ändras, och det här uppdraget är inte längre ett utkast." in answer.text
    assert "only a draft can be changed" not in answer.text
    session.expire_all()
    assert len(session.get_one(Assignment, submitted.id).expenses) == 1


def test_another_members_draft_and_expenses_cannot_be_changed_through_her_forms(
    browser_client, session, make_member, theatre
) -> None:
    other = make_member()
    theirs = commission(session, other.member, theatre, title="Deras")
    theirs.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    alva = make_member()
    mine = commission(session, alva.member, theatre)
    session.flush()
    sign_in(browser_client, alva.user.email)
    token = form_token(browser_client.get("/commissions/new").text)
    expense_id = theirs.expenses[0].id
    receipt = {"receipt": ("kvitto.pdf", PDF, "application/pdf")}
    for path, data, files in [
        (f"/commissions/{theirs.id}/edit", {**a_commission(theatre.id), "version": "1"}, {}),
        (f"/commissions/{theirs.id}/expenses/{expense_id}/remove", {}, {}),
        (f"/commissions/{mine.id}/expenses/{expense_id}/remove", {}, {}),  # her own draft, their expense
        (f"/commissions/{mine.id}/expenses/{expense_id}/receipt", {}, receipt),
    ]:
        answer = browser_client.post(path, data={**data, "csrf_token": token}, files=files)
        assert answer.status_code == 404, path
        assert "Deras" not in answer.text
    session.expire_all()
    assert (theirs.title, len(theirs.expenses), theirs.expenses[0].receipt) == ("Deras", 1, None)


def test_a_private_client_of_another_member_is_not_offered_in_her_form(
    browser_client, session, make_member
) -> None:
    other = make_member()
    sign_in(browser_client, other.user.email)
    data = a_commission("new", **{"client.name": "Hemlig Privatperson", "client.kind": "person"})
    assert posted(browser_client, "/commissions/new", data).status_code == 303
    alva = make_member()
    browser_client.cookies.clear()
    sign_in(browser_client, alva.user.email)
    for page in ("/commissions/new", "/commissions", "/"):
        html = browser_client.get(page).text
        assert "Hemlig Privatperson" not in html, page
        assert other.member.last_name not in html, page


def test_a_commission_handed_in_twice_is_refused_in_words(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    mine = commission(session, alva.member, theatre)
    sign_in(browser_client, alva.user.email)
    token = form_token(browser_client.get(f"/commissions/{mine.id}").text)
    data = {"version": str(mine.version), "csrf_token": token}
    assert browser_client.post(f"/commissions/{mine.id}/submit", data=data).status_code == 303
    again = browser_client.post(f"/commissions/{mine.id}/submit", data=data)
    assert again.status_code == 409
    assert 'role="alert"' in again.text
    assert "Någon har ändrat uppdraget" in again.text


def test_a_form_sent_back_says_at_its_top_that_nothing_is_saved(
    browser_client, session, make_member, theatre
) -> None:
    # On a phone the form is several screens long and comes back scrolled to its top: without a word there,
    # the error by a line far below was out of sight and she could not tell whether her draft was saved.
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission(theatre.id, **{"lines.1.unit_price": ""})
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 422
    summary = (
        '<div class="alert" role="alert">Inget är sparat än: rätta de markerade fälten och spara igen.</div>'
    )
    assert summary in answer.text
    assert answer.text.index(summary) < answer.text.index('id="e-lines.1.unit_price"')
    added = posted(browser_client, "/commissions/new", {**a_commission(theatre.id), "action": "add_line"})
    assert 'role="alert"' not in added.text  # adding a line is no error
    assert assignments_of(session, alva.member) == []


def test_the_exemption_hint_names_the_vat_option_as_the_list_does(browser_client, make_member) -> None:
    """The hint under "Skäl till momsfriheten" quotes the option it is for, in the option's own words."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    page = browser_client.get("/commissions/new").text
    assert ">Undantaget från moms</option>" in page
    assert "Bara för ”Undantaget från moms”." in page
    assert "Momsfritt" not in page


def test_a_period_beyond_the_days_or_amounts_beyond_an_invoice_are_said_in_swedish_by_what_is_wrong(
    browser_client, session, make_member, theatre
) -> None:
    """Refusals whose words go by their code, not by the field they name: a last day in year 3000 is not "the
    period ends before it starts", nor are lines adding up to more than an invoice holds "add a fee line"."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    beyond = "Skriv en dag mellan 1900-01-01 och 2999-12-31."
    for changes, field, said in (
        ({"period_start": "1899-12-31"}, "period_start", beyond),
        ({"period_end": "3000-01-01"}, "period_end", beyond),
        (
            {"lines.0.quantity": "999 999 999", "lines.0.unit_price": "999 999 999"},
            "lines",
            "Arvodesraderna med moms och utläggen blir tillsammans mer än en faktura kan rymma (tolv siffror "
            "kronor).",
        ),
    ):
        answer = posted(browser_client, "/commissions/new", a_commission(theatre.id, **changes))
        assert answer.status_code == 422
        assert "Perioden slutar innan den börjar." not in answer.text
        assert "Fyll i minst en arvodesrad" not in answer.text
        assert "1899-12-31, not" not in answer.text
        assert " from 1900-01-01 to " not in answer.text
        assert f'id="e-{field}">{said}</p>' in answer.text, re.findall(
            r'class="error"[^>]*>[^<]*', answer.text
        )
    assert assignments_of(session, alva.member) == []


def test_amounts_written_with_kr_after_them_are_read_as_the_pages_show_them(
    browser_client, session, make_member, theatre
) -> None:
    """The pages write amounts with "kr" after them, and so do people; the calculator read "25 000 kr" while
    the commission form refused "389 kr" as not an amount."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = a_commission(
        theatre.id,
        **{
            "lines.0.unit_price": "3 250,50 kr",
            "lines.1.unit_price": "450kr",
            "expenses.0.spent_on": "2026-12-01",
            "expenses.0.description": "Gelé",
            "expenses.0.amount": "389 Kr",
            "expenses.0.vat_rate": "25",
        },
    )
    answer = posted(
        browser_client, "/commissions/new", data, files={"expenses.0.receipt": ("k.jpg", JPEG, "image/jpeg")}
    )
    assert answer.status_code == 303, re.findall(r'class="error"[^>]*>[^<]*', answer.text)
    [saved] = assignments_of(session, alva.member)
    assert [line.unit_price for line in saved.lines] == [Decimal("3250.50"), Decimal("450.00")]
    assert [expense.amount for expense in saved.expenses] == [Decimal("389.00")]
    # "kr" alone, or before the number, is still not an amount, and says so by its field.
    for price in ("kr", "kr 450"):
        refused = posted(
            browser_client, "/commissions/new", a_commission(theatre.id, **{"lines.1.unit_price": price})
        )
        assert refused.status_code == 422
        assert 'id="e-lines.1.unit_price"' in refused.text


def test_a_form_without_a_filled_in_fee_line_asks_for_the_line_it_shows(
    browser_client, session, make_member, theatre
) -> None:
    """The form shows an empty line 1; it asks her to fill one in, not to add one beside it."""
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    data = {key: value for key, value in a_commission(theatre.id).items() if not key.startswith("lines.")}
    answer = posted(browser_client, "/commissions/new", data)
    assert answer.status_code == 422
    said = "Fyll i minst en arvodesrad: vad kunden betalar för, antal och pris."
    assert f'<p class="error" id="e-lines">{said}</p>' in answer.text
    assert 'id="f-lines.0.description"' in answer.text  # the line it asks for is on the form
    assert assignments_of(session, alva.member) == []


def edit_form(html: str, path: str) -> Form:
    """The draft's form as the browser sends it untouched (no file chosen)."""
    # Imported here: the sweeps import this module for its example commission.
    from tests.web.sweeps.sweeping import read_forms

    [form] = [form for form in read_forms(html) if form.action == path]
    return form


def pressing(form: Form, button: str, **typed: str) -> dict[str, list[str]]:
    """What the browser sends when ``button`` (an ``action``) is pressed after typing ``typed``."""
    data = {name: values for name, values in form.data().items() if name not in typed}
    return {**data, **{name: [value] for name, value in typed.items()}, "action": [button]}


def test_removing_a_saved_expense_asks_nothing_away_and_is_saved_with_what_she_typed(
    browser_client, session, make_member, theatre
) -> None:
    """ "Ta bort utlägget" once removed the expense at once, by a form of its own, and the page it came back
    to had lost what she had typed in the draft: now it marks the expense, keeps her typing, can be undone,
    and the expense goes when she saves the draft, with her changes, once however often she sends it."""
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    draft.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6),
        Expense(spent_on=date(2026, 10, 17), description="Taxi", amount=Decimal("250.00"), vat_rate=6),
    ]
    session.flush()
    train, taxi = (expense.id for expense in draft.expenses)
    sign_in(browser_client, alva.user.email)
    path = f"/commissions/{draft.id}/edit"
    page = browser_client.get(path)
    assert f'name="action" value="remove_saved:{train}"' in page.text
    assert "/remove" not in page.text  # no form that removes it behind her typing's back

    marked = browser_client.post(
        path, data=pressing(edit_form(page.text, path), f"remove_saved:{train}", title="Ny titel")
    )
    assert marked.status_code == 200
    assert 'value="Ny titel"' in marked.text
    assert "Utlägget tas bort när du sparar utkastet." in marked.text
    session.expire_all()
    assert len(session.get_one(Assignment, draft.id).expenses) == 2  # nothing removed yet

    undone = browser_client.post(path, data=pressing(edit_form(marked.text, path), f"keep_saved:{train}"))
    assert "Utlägget tas bort när du sparar utkastet." not in undone.text
    assert 'value="Ny titel"' in undone.text
    again = browser_client.post(path, data=pressing(edit_form(undone.text, path), f"remove_saved:{train}"))

    save = pressing(edit_form(again.text, path), "save")
    assert save["remove_expense"] == [str(train)]
    saved = browser_client.post(path, data=save)
    assert saved.status_code == 303, saved.text
    session.expire_all()
    assignment = session.get_one(Assignment, draft.id)
    assert (assignment.title, [e.description for e in assignment.expenses]) == ("Ny titel", ["Taxi"])
    version = assignment.version
    twice = browser_client.post(path, data=save)
    assert (twice.status_code, twice.headers["location"]) == (303, saved.headers["location"])
    session.expire_all()
    assert session.get_one(Assignment, draft.id).version == version
    assert session.get(Expense, taxi) is not None


def test_a_marked_expense_stays_marked_when_the_draft_is_sent_back_and_another_ones_id_removes_nothing(
    browser_client, session, make_member, theatre
) -> None:
    other = make_member()
    theirs = commission(session, other.member, theatre, title="Deras")
    theirs.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Deras tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    alva = make_member()
    draft = commission(session, alva.member, theatre)
    draft.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    session.flush()
    sign_in(browser_client, alva.user.email)
    path = f"/commissions/{draft.id}/edit"
    page = browser_client.get(path)
    marked = browser_client.post(
        path, data=pressing(edit_form(page.text, path), f"remove_saved:{draft.expenses[0].id}")
    )
    refused = browser_client.post(path, data=pressing(edit_form(marked.text, path), "save", title=""))
    assert refused.status_code == 422
    assert "Utlägget tas bort när du sparar utkastet." in refused.text
    tampered = pressing(edit_form(page.text, path), "save")
    tampered["remove_expense"] = [str(theirs.expenses[0].id)]
    their_receipt = {
        f"receipt.{theirs.expenses[0].id}": ("kvitto.pdf", PDF, "application/pdf"),
        "receipt.9" + "9" * 30: ("kvitto.pdf", PDF, "application/pdf"),  # beyond any id: names nothing
    }
    assert browser_client.post(path, data=tampered, files=their_receipt).status_code == 303
    session.expire_all()
    assert len(session.get_one(Assignment, draft.id).expenses) == 1
    assert len(session.get_one(Assignment, theirs.id).expenses) == 1
    assert session.get_one(Assignment, theirs.id).expenses[0].receipt is None


def a_draft_with_a_train(session: Session, alva: Any, theatre: Client) -> tuple[Assignment, int]:
    """Her draft with one saved expense, a train ticket with no receipt yet."""
    draft = commission(session, alva.member, theatre)
    draft.expenses = [
        Expense(spent_on=date(2026, 10, 16), description="Tåg", amount=Decimal("100.00"), vat_rate=6)
    ]
    session.flush()
    return draft, draft.expenses[0].id


def test_a_saved_expenses_receipt_is_attached_with_the_drafts_save_and_what_she_typed(
    browser_client, session, make_member, theatre
) -> None:
    """The receipt of an expense saved before was uploaded by a form of its own, and the page it came back to
    had lost what she had typed in the draft (the fare of a new train, the hours): now its file field is one
    of the draft's, attached when she saves the draft with everything else."""
    alva = make_member()
    draft, train = a_draft_with_a_train(session, alva, theatre)
    taxi = Expense(spent_on=date(2026, 10, 17), description="Taxi", amount=Decimal("250.00"), vat_rate=6)
    draft.expenses.append(taxi)
    session.flush()
    sign_in(browser_client, alva.user.email)
    path = f"/commissions/{draft.id}/edit"
    page = browser_client.get(path)
    assert f'<input type="file" id="f-receipt.{train}" name="receipt.{train}"' in page.text  # in the form
    assert f'action="/commissions/{draft.id}/expenses/' not in page.text  # no form of its own
    assert "Ladda upp kvittot" not in page.text
    assert "Bifogas när du sparar utkastet." in page.text
    marked = browser_client.post(path, data=pressing(edit_form(page.text, path), f"remove_saved:{taxi.id}"))
    typed = {
        "title": "Ny titel",
        "expenses.0.spent_on": "2026-10-17",
        "expenses.0.description": "Tåg hem",
        "expenses.0.amount": "129,00",
        "expenses.0.vat_rate": "6",
    }
    answer = browser_client.post(
        path,
        data=pressing(edit_form(marked.text, path), "save", **typed),
        files={
            f"receipt.{train}": ("biljett.pdf", PDF, "application/pdf"),
            f"receipt.{taxi.id}": ("taxi.jpg", JPEG, "image/jpeg"),  # marked: it goes, and its file with it
        },
    )
    assert answer.status_code == 303, answer.text
    session.expire_all()
    saved = session.get_one(Assignment, draft.id)
    assert saved.title == "Ny titel"
    assert [(e.description, e.amount) for e in saved.expenses] == [
        ("Tåg", Decimal("100.00")),
        ("Tåg hem", Decimal("129.00")),
    ]
    receipt = saved.expenses[0].receipt
    assert receipt is not None
    assert (receipt.filename, receipt.media_type) == ("biljett.pdf", "application/pdf")
    assert browser_client.get(f"/commissions/{draft.id}/expenses/{train}/receipt").content == PDF
    assert session.scalar(select(func.count()).select_from(Receipt)) == 1


def test_a_save_refused_for_another_field_keeps_her_typing_and_attaches_no_receipt(
    browser_client, session, make_member, theatre
) -> None:
    alva = make_member()
    draft, train = a_draft_with_a_train(session, alva, theatre)
    sign_in(browser_client, alva.user.email)
    path = f"/commissions/{draft.id}/edit"
    form = edit_form(browser_client.get(path).text, path)
    typed = {"title": "", "description": "Med tåg från Mellanstad", "extent_quantity": "3"}
    refused = browser_client.post(
        path,
        data=pressing(form, "save", **typed),
        files={f"receipt.{train}": ("biljett.pdf", PDF, "application/pdf")},
    )
    assert refused.status_code == 422
    assert 'id="e-title"' in refused.text
    assert ">Med tåg från Mellanstad</textarea>" in refused.text
    assert 'name="extent_quantity" type="text" value="3"' in refused.text
    assert "Välj kvittofilerna igen" in refused.text  # the browser has dropped the file she chose
    session.expire_all()
    assert session.get_one(Expense, train).receipt is None
    assert session.get_one(Assignment, draft.id).description == ""


def test_a_page_that_comes_back_without_saving_asks_for_a_chosen_receipt_again(
    browser_client, session, make_member, theatre
) -> None:
    """A line removed without htmx sends the whole page back: the chosen file is gone from it, so say so."""
    alva = make_member()
    draft, train = a_draft_with_a_train(session, alva, theatre)
    sign_in(browser_client, alva.user.email)
    path = f"/commissions/{draft.id}/edit"
    form = edit_form(browser_client.get(path).text, path)
    plain = browser_client.post(path, data=pressing(form, "add_line"))
    assert "Välj kvittofilerna igen" not in plain.text
    chosen = browser_client.post(
        path,
        data=pressing(form, "add_line"),
        files={f"receipt.{train}": ("biljett.pdf", PDF, "application/pdf")},
    )
    assert chosen.status_code == 200
    assert "Välj kvittofilerna igen" in chosen.text
    session.expire_all()
    assert session.get_one(Expense, train).receipt is None


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("biljett.gif", b"GIF89a", "image/gif"),
        ("biljett.pdf", b"", "application/pdf"),
        ("biljett.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "application/pdf"),  # over 10 MB
    ],
    ids=["gif", "empty", "too-large"],
)
def test_a_saved_expenses_refused_receipt_is_said_by_its_field_and_nothing_of_the_save_is_done(
    browser_client, session, make_member, theatre, name: str, content: bytes, media_type: str
) -> None:
    """As for a new expense's receipt, the whole save is refused: the draft, the expense she added and the
    removal she marked wait for her to choose another file, and her typing is all on the page."""
    alva = make_member()
    draft, train = a_draft_with_a_train(session, alva, theatre)
    taxi = Expense(spent_on=date(2026, 10, 17), description="Taxi", amount=Decimal("250.00"), vat_rate=6)
    draft.expenses.append(taxi)
    session.flush()
    version = draft.version
    sign_in(browser_client, alva.user.email)
    path = f"/commissions/{draft.id}/edit"
    page = browser_client.get(path)
    marked = browser_client.post(path, data=pressing(edit_form(page.text, path), f"remove_saved:{taxi.id}"))
    typed = {
        "title": "Ny titel",
        "expenses.0.spent_on": "2026-10-17",
        "expenses.0.description": "Tåg hem",
        "expenses.0.amount": "129,00",
    }
    refused = browser_client.post(
        path,
        data=pressing(edit_form(marked.text, path), "save", **typed),
        files={f"receipt.{train}": (name, content, media_type)},
    )
    assert refused.status_code == 422
    said = f'<p class="error" id="e-receipt.{train}">Ett kvitto måste vara en PDF-, JPEG- eller PNG-fil'
    assert said in refused.text
    assert f'aria-describedby="h-receipt.{train} e-receipt.{train}"' in refused.text
    assert "Välj kvittofilerna igen" in refused.text
    assert 'value="Ny titel"' in refused.text
    assert 'value="Tåg hem"' in refused.text
    assert "Utlägget tas bort när du sparar utkastet." in refused.text  # the taxi still marked
    session.expire_all()
    kept = session.get_one(Assignment, draft.id)
    assert (kept.title, kept.version) == ("Konsert på torget", version)
    assert [e.description for e in kept.expenses] == ["Tåg", "Taxi"]
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0

"""What a walk through the member's pages as each role found: no menu link that answers "not found", one
meaning per word for pay, units in their plural, a required field said as such, an expense's invoice, the
calculator's answer in view, one word for the payslip, and a one-day period written once."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.assignments.models import AssignmentLine, Expense
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.models import InvoiceLineRecord
from kooperativet.payroll.models import PayOn, PayrollRun
from kooperativet.web.i18n import catalog_path
from kooperativet.web.navigation import areas_for
from tests.payroll import conftest as payroll_fixtures
from tests.web.conftest import sign_in
from tests.web.test_commissions import commission, invoiced, posted, salaried, theatre
from tests.web.test_pay import employ, paid_member

payroll_ready = payroll_fixtures.payroll_ready
paid_assignment = payroll_fixtures.paid_assignment
__all__ = ["paid_member", "theatre"]  # fixtures, used by name

NBSP = "\N{NO-BREAK SPACE}"


# 1. Nobody is led to a 404 ----------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [(Role.member, Role.treasurer), (Role.member, Role.board)])
def test_a_login_with_the_member_role_but_no_member_record_is_told_why_on_every_member_page(
    browser_client: TestClient, make_user, roles
) -> None:
    karin = make_user(*roles)
    sign_in(browser_client, karin.user.email)
    start = browser_client.get("/").text
    links = [area.path for area in areas_for(karin.user)] + ["/me"]
    assert 'href="/me"' in start
    for path in links:
        answer = browser_client.get(path)
        assert answer.status_code == 200, path
    assert "inte kopplat till någon medlem" in browser_client.get("/pay").text
    assert "inga lönespecifikationer" in browser_client.get("/pay").text
    me = browser_client.get("/me").text
    assert "inga medlemsuppgifter att visa" in me
    assert 'href="/me/notifications"' in me  # what she can still choose
    calculator = browser_client.get("/calculator")
    assert "inte kopplat till någon medlem, så räknaren har inget att räkna med" in calculator.text
    # The form could only be refused when saved: she is told why instead of filling it in.
    new = browser_client.get("/commissions/new")
    assert new.status_code == 200
    assert "så du kan inte registrera uppdrag" in new.text
    assert 'name="lines.0.unit_price"' not in new.text
    # Asking it anyway is the same explanation, not an error.
    assert browser_client.get("/calculator?invoiced=1000").status_code == 200


@pytest.mark.parametrize("role", [Role.admin, Role.auditor, Role.treasurer])
def test_the_calculator_the_guides_link_to_answers_everyone_signed_in(
    browser_client: TestClient, make_user, payroll_ready, role
) -> None:
    someone = make_user(role)
    sign_in(browser_client, someone.user.email)
    guide = browser_client.get("/kb/pricing-a-gig").text
    assert 'href="/calculator"' in guide
    answer = browser_client.get("/calculator")
    assert answer.status_code == 200
    html = answer.text
    assert "Ditt konto är inte en medlems" in html
    # The rates in force that every member's pay starts from (6 % fee, 12 % holiday pay as seeded).
    assert f"6{NBSP}% av det fakturerade beloppet, exklusive moms" in html
    assert f"12{NBSP}% utöver bruttolönen" in html
    assert "<form" not in html.split("<main", 1)[1]


def test_the_pay_pages_of_a_signed_out_person_still_send_her_to_sign_in(browser_client: TestClient) -> None:
    for path in ("/pay", "/calculator", "/me"):
        assert browser_client.get(path).status_code == 303, path


# 2. What "gross" means --------------------------------------------------------------------------------


def _salaried_with_expenses(session: Session, alva, client, office_id: int):
    """The demo's commission: 10 218,05 gross, 1 226,17 holiday pay, 3 433 tax, 1 178 expenses repaid."""
    done = commission(session, alva.member, client, title="Skrivarverkstad", start=date(2026, 10, 5))
    done.extent_quantity = Decimal("5")
    done.lines[0].quantity = Decimal("5")
    done.lines.append(
        AssignmentLine(
            position=2,
            description="Förberedelse",
            quantity=Decimal("1"),
            unit="HUR",
            unit_price=Decimal("500"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("25"),
        )
    )
    expense = Expense(
        spent_on=date(2026, 10, 5),
        description="Tåg Stockholm–Malmö t/r",
        amount=Decimal("1178.00"),
        vat_rate=Decimal("6"),
        reinvoice=True,
    )
    done.expenses.append(expense)
    session.flush()
    invoice = invoiced(session, done, sequence=1, paid=Decimal("10071.00"), issued_by=office_id)
    run = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.invoice)
    session.add(run)
    session.flush()
    _paid_out(session, done, run=run)
    done.status = AssignmentStatus.salaried
    session.flush()
    return done, expense, invoice


def _paid_out(session: Session, assignment, *, run: PayrollRun) -> None:
    """A payslip with one line for the commission, its amounts as the demo's (issued lines never change, so
    they are written as they are)."""
    amounts = {
        "invoiced_amount": Decimal("16000.00"),
        "fee": Decimal("960.00"),
        "gross_salary": Decimal("10218.05"),
        "holiday_pay": Decimal("1226.17"),
        "employer_contributions": Decimal("3595.78"),
        "residue": Decimal("0.00"),
        "taxable_pay": Decimal("11444.22"),
        "tax": Decimal("3433.00"),
        "expense_reimbursement": Decimal("1178.00"),
        "net_pay": Decimal("9189.22"),
    }
    salaried(
        session,
        assignment,
        run=run,
        sequence=1,
        amounts=amounts,
        pool=Decimal("15040.00"),
        invoice_numbers=("2026-0001",),
    )


def test_the_salary_sentence_says_what_before_and_after_tax_include(
    browser_client: TestClient, session: Session, make_member, make_user, theatre
) -> None:
    alva = make_member()
    office = make_user(Role.treasurer)
    done, _expense, _invoice = _salaried_with_expenses(session, alva, theatre, office.user.id)
    sign_in(browser_client, alva.user.email)
    html = browser_client.get(f"/commissions/{done.id}").text
    assert (
        f"11{NBSP}444,22 kr före skatt (bruttolön 10{NBSP}218,05 kr och semesterersättning "
        f"1{NBSP}226,17 kr), 3{NBSP}433,00 kr i skatt."
    ) in html
    # The run is approved, not yet marked paid: the net is what will be paid out.
    # 9 189,22 is the whole payout, not the pay after tax with the outlays on top: it says what it holds.
    assert (
        f"Betalas ut: 9{NBSP}189,22 kr, varav 8{NBSP}011,22 kr i lön efter skatt och 1{NBSP}178,00 kr för "
        "dina utlägg."
    ) in html


def test_the_two_pay_tables_name_the_same_amounts_the_same_way(
    browser_client: TestClient, paid_member
) -> None:
    alva = paid_member()
    slip = alva.payslip
    sign_in(browser_client, alva.email)
    html = browser_client.get("/pay?year=2026").text
    before_tax = money(slip.gross_salary + slip.holiday_pay)
    # Per month (and its total) and per year: gross salary plus holiday pay, under one name.
    assert html.count(f'data-label="Lön före skatt">{before_tax}</td>') == 3
    assert f'data-label="Bruttolön">{money(slip.gross_salary)}</td>' in html
    assert f'data-label="Semesterersättning">{money(slip.holiday_pay)}</td>' in html
    assert f'data-label="Bruttolön">{before_tax}' not in html
    assert "Lön före skatt är bruttolönen plus semesterersättningen." in html
    # What reaches her account holds her outlays paid back: the calculator's "Nettolön" does not, so the
    # same word for both named two amounts for the same invoice.
    assert f'data-label="Till ditt konto">{money(slip.net_pay)}</td>' in html
    assert "Nettolön" not in html


def money(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", NBSP) + "," + cents


# 3. Units in the plural -------------------------------------------------------------------------------


def test_units_on_her_commission_are_counted_in_the_plural(
    browser_client: TestClient, session: Session, make_member, theatre
) -> None:
    alva = make_member()
    done = commission(session, alva.member, theatre)
    done.extent_quantity = Decimal("5")
    done.lines[0].quantity = Decimal("5")
    done.lines.append(
        AssignmentLine(
            position=2,
            description="Förberedelse",
            quantity=Decimal("1"),
            unit="HUR",
            unit_price=Decimal("500"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("25"),
        )
    )
    done.lines.append(
        AssignmentLine(
            position=3,
            description="Efterarbete",
            quantity=Decimal("2.5"),
            unit="HUR",
            unit_price=Decimal("500"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("25"),
        )
    )
    session.flush()
    sign_in(browser_client, alva.user.email)
    html = browser_client.get(f"/commissions/{done.id}").text
    assert "<dd>5 dagar</dd>" in html
    cells = re.findall(r'data-label="Enhet">([^<]*)</td>', html)
    assert cells == ["dagar", "timme", "timmar"]
    english = browser_client.get("/language/en?next=/", follow_redirects=False)
    assert english.status_code in (303, 307)
    html = browser_client.get(f"/commissions/{done.id}").text
    assert "<dd>5 days</dd>" in html
    assert re.findall(r'data-label="Unit">([^<]*)</td>', html) == ["days", "hour", "hours"]


# 4. A required field left empty -----------------------------------------------------------------------


def test_an_empty_form_says_fill_in_and_asks_for_a_client(browser_client: TestClient, make_member) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    answer = posted(browser_client, "/commissions/new", {"action": "save", "client_id": ""})
    assert answer.status_code == 422
    assert 'id="e-title">Fyll i fältet.' in answer.text
    assert "för kort" not in answer.text
    assert 'id="e-client_id">Välj en kund i listan, eller lägg till en ny.' in answer.text


# 5. The expense's invoice -----------------------------------------------------------------------------


def test_an_expense_on_an_issued_invoice_says_which(
    browser_client: TestClient, session: Session, make_member, make_user, theatre
) -> None:
    alva = make_member()
    office = make_user(Role.treasurer)
    done, expense, invoice = _salaried_with_expenses(session, alva, theatre, office.user.id)
    sign_in(browser_client, alva.user.email)
    html = browser_client.get(f"/commissions/{done.id}").text
    assert "faktureras</td>" in html  # not on the invoice yet
    session.add(
        InvoiceLineRecord(
            invoice_id=invoice.id,
            position=2,
            description=expense.description,
            quantity=Decimal("1"),
            unit="C62",
            unit_price=Decimal("1111.32"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("6"),
            amount=Decimal("1111.32"),
            is_expense=True,
            expense_id=expense.id,
        )
    )
    session.flush()
    html = browser_client.get(f"/commissions/{done.id}").text
    assert 'data-label="Till kunden">fakturerat (faktura 2026-0001)</td>' in html
    # A handed-in commission takes no receipt any more: "none yet" would promise one.
    assert 'data-label="Kvitto">inget kvitto</td>' in html


# 6. The calculator's answer in view -------------------------------------------------------------------


def test_the_calculator_lands_on_its_answer_and_says_it_in_the_right_tense(
    browser_client: TestClient, make_member, payroll_ready
) -> None:
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    html = browser_client.get("/calculator?invoiced=20000").text
    assert html.count('action="/calculator#result"') == 2
    assert 'id="result"' in html
    assert "Om lönen betalas ut" in html
    assert "Om det betalades ut" not in html


# 7. Words -----------------------------------------------------------------------------------------------


def test_the_swedish_catalogue_calls_the_payslip_lonespecifikation() -> None:
    with catalog_path("sv").open("rb") as source:
        catalog = read_po(source, locale="sv")
    said = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
    ]
    assert [text for text in said if "lönebesked" in text.lower()] == []
    assert catalog["All my pay"].string == "Se alla dina löner"
    assert catalog["What we e-mail you about"].string == "Det här skickar vi dig e-post om"


def test_a_guides_footer_says_whom_it_is_for_and_where_it_comes_from(
    browser_client: TestClient, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    html = browser_client.get("/kb/pricing-a-gig").text
    assert "Skriven för medlemmar · en standardguide som följer med programmet" in html
    assert "standardbanken" not in html


def test_working_time_is_one_word_for_the_member_and_the_office() -> None:
    text = catalog_path("sv").read_text(encoding="utf-8")
    assert 'msgid "Extent"\nmsgstr "Arbetstid"' in text
    assert 'msgid "Working time"\nmsgstr "Arbetstid"' in text


# 8. Layout ----------------------------------------------------------------------------------------------


def test_a_one_day_employment_shows_its_day_once(
    browser_client: TestClient, session: Session, make_member, theatre
) -> None:
    alva = make_member()
    gig = commission(session, alva.member, theatre, start=date(2026, 10, 24), end=date(2026, 10, 24))
    employ(session, alva.member, gig.id, date(2026, 10, 24), 1)
    longer = commission(session, alva.member, theatre, start=date(2026, 10, 5), end=date(2026, 10, 9))
    employ(session, alva.member, longer.id, date(2026, 10, 5), 5)
    sign_in(browser_client, alva.user.email)
    html = browser_client.get("/pay").text
    assert 'datetime="2026-10-24">2026-10-24</time> –' not in html
    assert 'datetime="2026-10-05">2026-10-05</time> – <time' in html


def test_the_guides_search_keeps_its_button_beside_the_box_like_the_other_searches(
    browser_client: TestClient, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    html = browser_client.get("/kb").text
    assert re.search(r'<form method="get" action="/kb" class="search[^"]*" role="search">', html)

"""The pay page: employments and anställningsbevis, payslips and their PDFs, the year, the SÄVA count."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.employments.models import Employment
from kooperativet.parties.models import Member
from kooperativet.payroll import service
from kooperativet.payroll.models import Payslip
from tests.payroll import conftest as payroll_fixtures
from tests.payroll.conftest import create_and_approve
from tests.web.conftest import sign_in

# The payroll tests' fixtures: seeded parameters, and assignments their clients have paid.
payroll_ready = payroll_fixtures.payroll_ready
paid_assignment = payroll_fixtures.paid_assignment

PAY_DATE = date(2026, 11, 25)


@dataclass
class Paid:
    member: Member
    email: str
    payslip: Payslip
    employment: Employment


def employ(session: Session, member: Member, assignment_id: int, start: date, days: int) -> Employment:
    employment = Employment(
        member_id=member.id,
        assignment_id=assignment_id,
        start=start,
        end=start + timedelta(days=days - 1),
        title="Föreställning",
        duties="Spela",
        workplace="Folkteatern",
        extent_quantity=Decimal("2"),
        extent_unit="days",
        pay_form="Lön enligt uppdragets lönekalkyl",
        certificate_pdf=b"%PDF-1.7 anstallningsbevis " + str(assignment_id).encode(),
        certificate_sha256="0" * 64,
    )
    session.add(employment)
    session.flush()
    return employment


@pytest.fixture
def paid_member(
    session: Session, payroll_ready, make_member, make_user, paid_assignment
) -> Callable[..., Paid]:
    def make(amount: str = "20000.00") -> Paid:
        actor = make_member()
        assignment = paid_assignment(actor.member, amount)
        employment = employ(session, actor.member, assignment.id, date(2026, 10, 1), 10)
        run = create_and_approve(
            session, today=PAY_DATE, pay_date=PAY_DATE, approved_by_id=make_user().user.id
        )
        [payslip] = [
            p for p in service.run_payslips(session, run_id=run.id) if p.member_id == actor.member.id
        ]
        return Paid(actor.member, actor.user.email, payslip, employment)

    return make


def test_the_pay_page_shows_payslips_year_totals_the_chart_and_the_save_count(
    browser_client: TestClient, paid_member
) -> None:
    alva = paid_member()
    sign_in(browser_client, alva.email)
    page = browser_client.get("/pay?year=2026")
    assert page.status_code == 200
    html = page.text
    assert "L2026-00001" in html
    assert "10\N{NO-BREAK SPACE}014,28" in html  # net pay of 20 000.00 invoiced (payroll.md §4 case A)
    assert "20\N{NO-BREAK SPACE}000,00" in html
    assert "4\N{NO-BREAK SPACE}291,00" in html  # tax
    assert "1\N{NO-BREAK SPACE}532,71" in html  # holiday pay in the year's totals
    assert "Mitt år 2026" in html
    charts = html.count('role="img"')  # a chart is an image with a name; a legend's squares are not
    assert (
        charts == 4
    )  # the year, and a bar for each SÄVA count: 3 years, 5 years, the employments that followed
    assert html.count('<svg class="swatch"') == 4  # invoiced, before tax, net, tax
    assert "Räknade dagar de senaste 5 åren" in html
    assert "Räknade dagar i anställningar som följt på varandra" in html
    assert "I anställningar som följt på varandra" in html
    assert "LAS 5 a §" in html
    assert "10 räknade dagar" in html
    assert f'href="/pay/employments/{alva.employment.id}/anstallningsbevis.pdf"' in html
    assert f'href="/pay/payslips/{alva.payslip.id}.pdf?language=en"' in html


def test_a_payslip_downloads_in_its_language_or_the_other(browser_client: TestClient, paid_member) -> None:
    alva = paid_member()
    sign_in(browser_client, alva.email)
    swedish = browser_client.get(f"/pay/payslips/{alva.payslip.id}.pdf")
    assert swedish.status_code == 200
    assert swedish.headers["content-type"] == "application/pdf"
    assert swedish.content.startswith(b"%PDF")
    assert 'filename="L2026-00001.pdf"' in swedish.headers["content-disposition"]
    english = browser_client.get(f"/pay/payslips/{alva.payslip.id}.pdf?language=en")
    assert 'filename="L2026-00001-en.pdf"' in english.headers["content-disposition"]
    assert english.content != swedish.content


def test_the_employment_certificate_is_the_stored_bytes(browser_client: TestClient, paid_member) -> None:
    alva = paid_member()
    sign_in(browser_client, alva.email)
    answer = browser_client.get(f"/pay/employments/{alva.employment.id}/anstallningsbevis.pdf")
    assert answer.status_code == 200
    assert answer.content == alva.employment.certificate_pdf


def test_another_members_downloads_are_a_404(browser_client: TestClient, paid_member) -> None:
    alva, bertil = paid_member(), paid_member("8000.00")
    sign_in(browser_client, alva.email)
    for path in (
        f"/pay/payslips/{bertil.payslip.id}.pdf",
        f"/pay/employments/{bertil.employment.id}/anstallningsbevis.pdf",
        "/pay/payslips/999999.pdf",
    ):
        answer = browser_client.get(path)
        assert answer.status_code == 404, path
        assert "inte din att se" in answer.text
    assert "L2026-00002" not in browser_client.get("/pay").text


def test_the_pay_pages_are_for_members(browser_client: TestClient, make_user) -> None:
    admin = make_user(Role.admin)
    sign_in(browser_client, admin.user.email)
    assert browser_client.get("/pay").status_code == 403
    assert browser_client.get("/calculator").status_code == 200  # explained: the guides link here
    browser_client.cookies.clear()
    assert browser_client.get("/pay").status_code == 303


def test_a_member_without_pay_sees_what_will_come(
    browser_client: TestClient, payroll_ready, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    html = browser_client.get("/pay").text
    assert "Inga lönespecifikationer ännu" in html
    assert "Inga anställningar ännu" in html


def _copies(session: Session, payslip: Payslip, employment: Employment, count: int) -> None:
    """``count`` more payslips and employments for the same member (copies, numbered on)."""
    columns = {c.key: getattr(payslip, c.key) for c in inspect(Payslip).column_attrs if c.key not in ("id",)}
    for n in range(count):
        pay_date = date(2025, 1 + n % 12, 25)
        session.add(
            Payslip(
                **columns
                | {"number": f"L2025-{n:05d}", "year": 2025, "sequence": n + 1, "pay_date": pay_date}
            )
        )
    session.flush()


def test_the_pay_page_reads_with_the_same_statements_for_one_row_or_a_hundred(
    browser_client: TestClient, session: Session, paid_member, paid_assignment, count_statements
) -> None:
    alva = paid_member()
    sign_in(browser_client, alva.email)
    browser_client.get("/pay")
    with count_statements() as one:
        assert browser_client.get("/pay?year=2025").status_code == 200
    _copies(session, alva.payslip, alva.employment, 99)
    for n in range(99):
        assignment = paid_assignment(alva.member, "1000.00")
        employ(session, alva.member, assignment.id, date(2020, 1, 1) + timedelta(days=20 * n), 3)
    with count_statements() as hundred:
        html = browser_client.get("/pay?year=2025").text
    assert len(re.findall(r"/anstallningsbevis\.pdf", html)) == 100
    assert len(set(re.findall(r"L2025-\d{5}", html))) == 99
    assert hundred.count == one.count


def test_the_start_page_shows_the_latest_payslip(
    browser_client: TestClient, session: Session, paid_member, make_user
) -> None:
    alva = paid_member()
    sign_in(browser_client, alva.email)
    html = browser_client.get("/").text
    # Approved, not yet marked paid: her next pay, as her commission says the pay is not paid out yet.
    # The date is kept on one line: a phone broke it at a hyphen ("2026-" over "11-25").
    assert (
        "Din nästa lön: 10\N{NO-BREAK SPACE}014,28 kr, betalas ut den "
        '<time class="nowrap" datetime="2026-11-25">2026-11-25</time>.' in html
    )
    assert "Din senaste lön" not in html
    service.mark_run_paid(
        session, run_id=alva.payslip.run_id, paid_on=PAY_DATE, today=PAY_DATE, paid_by_id=make_user().user.id
    )
    assert (
        "Din senaste lön: 10\N{NO-BREAK SPACE}014,28 kr den "
        '<time class="nowrap" datetime="2026-11-25">2026-11-25</time>.' in browser_client.get("/").text
    )
    assert f'href="/pay/payslips/{alva.payslip.id}.pdf"' in html
    assert "nära en gräns" not in html  # 10 days are far from 270


def test_the_start_page_warns_when_the_save_count_nears_a_limit(
    browser_client: TestClient, session: Session, payroll_ready, make_member, paid_assignment, app
) -> None:
    from kooperativet.api.dependencies import today

    cleo = make_member()
    assignment = paid_assignment(cleo.member, "1000.00")
    employ(session, cleo.member, assignment.id, date(2026, 1, 1), 250)
    app.dependency_overrides[today] = lambda: date(2026, 12, 31)
    try:
        sign_in(browser_client, cleo.user.email)
        html = browser_client.get("/").text
    finally:
        app.dependency_overrides.pop(today, None)
    assert "nära en gräns: 250 räknade dagar på tre år (gräns 270)" in html


def test_a_year_nobody_could_have_been_paid_in_is_a_422_page_not_an_empty_year(
    browser_client: TestClient, app, make_member
) -> None:
    """``/pay?year=-5`` showed "Mitt år -5" with nothing in it; a year before 1900 or after next year is
    refused as an unreadable year is (``?year=x``), and every year a person could have is her year."""
    from kooperativet.api.dependencies import today

    app.dependency_overrides[today] = lambda: date(2026, 11, 20)
    alva = make_member()
    sign_in(browser_client, alva.user.email)
    try:
        answers = {
            year: browser_client.get("/pay", params={"year": year})
            for year in ("-5", "0", "1899", "2028", "3000", "x", "1900", "2024", "2027")
        }
    finally:
        app.dependency_overrides.pop(today, None)
    for year in ("-5", "0", "1899", "2028", "3000", "x"):
        answer = answers[year]
        assert answer.status_code == 422, year
        assert answer.headers["content-type"].startswith("text/html")
        assert "Adressen eller formuläret innehåller ett värde som vi inte kan läsa." in answer.text, year
        assert f"Mitt år {year}" not in answer.text
    for year in ("1900", "2024", "2027"):
        assert answers[year].status_code == 200, year
        assert f"Mitt år {year}" in answers[year].text

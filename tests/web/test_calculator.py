"""The calculator ("Vad får jag ut?"): the payroll calculation's numbers to the öre, both ways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import today
from kooperativet.core.money import ZERO
from kooperativet.documents.render import money
from kooperativet.parties.models import TaxMode
from kooperativet.payroll import service
from tests.payroll import conftest as payroll_fixtures
from tests.payroll.conftest import create_and_approve, set_tax
from tests.web.conftest import sign_in

payroll_ready = payroll_fixtures.payroll_ready
paid_assignment = payroll_fixtures.paid_assignment
PAY_DATE = date(2026, 11, 25)


@pytest.fixture
def on_pay_day(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[today] = lambda: PAY_DATE
    yield
    app.dependency_overrides.pop(today, None)


def test_forwards_shows_every_step_of_case_a(
    browser_client: TestClient, payroll_ready, make_member, on_pay_day
) -> None:
    sign_in(browser_client, make_member().user.email)
    answer = browser_client.get("/calculator", params={"invoiced": "20 000,00"})
    assert answer.status_code == 200
    html = answer.text
    assert "20\N{NO-BREAK SPACE}000,00 kr fakturerat ger dig 10\N{NO-BREAK SPACE}014,28 kr" in html
    for amount in (
        "1\N{NO-BREAK SPACE}200,00",
        "12\N{NO-BREAK SPACE}772,57",
        "1\N{NO-BREAK SPACE}532,71",
        "4\N{NO-BREAK SPACE}494,72",
        "14\N{NO-BREAK SPACE}305,28",
        "4\N{NO-BREAK SPACE}291,00",
    ):
        assert amount in html, amount
    assert "Kooperativets avgift (6\N{NO-BREAK SPACE}%)" in html
    assert "31,42\N{NO-BREAK SPACE}%" in html
    assert "Preliminärskatt (30\N{NO-BREAK SPACE}%)" in html
    assert "jämkningsbeslut" in html  # what the estimate leaves out


@pytest.mark.parametrize(("born", "wanted"), [("19900514-1230", "7 500,00"), ("20040830-3451", "12 345,67")])
def test_both_ways_equal_the_payslip_payroll_issues_for_the_same_amount_and_person(
    browser_client: TestClient,
    session: Session,
    payroll_ready,
    make_member,
    make_user,
    paid_assignment,
    on_pay_day,
    born: str,
    wanted: str,
) -> None:
    member = make_member()
    member.member.personal_identity_number = born.replace("-", "")
    member.member.birth_date = date(int(born[:4]), int(born[4:6]), int(born[6:8]))
    session.flush()
    sign_in(browser_client, member.user.email)
    backwards = browser_client.get("/calculator", params={"wanted": wanted})
    assert backwards.status_code == 200
    estimate = service.estimate_pay(
        session,
        member=member.member,
        today=PAY_DATE,
        wanted_net_pay=Decimal(wanted.replace(" ", "").replace(",", ".")),
    ).payout
    assert f"Fakturera {money(estimate.invoiced_amount)} kr exklusive moms" in backwards.text

    paid_assignment(member.member, str(estimate.invoiced_amount))
    run = create_and_approve(session, today=PAY_DATE, pay_date=PAY_DATE, approved_by_id=make_user().user.id)
    [payslip] = service.run_payslips(session, run_id=run.id)
    assert payslip.net_pay >= Decimal(wanted.replace(" ", "").replace(",", "."))
    forwards = browser_client.get("/calculator", params={"invoiced": money(payslip.invoiced_amount)}).text
    for amount in (
        payslip.fee,
        payslip.gross_salary,
        payslip.holiday_pay,
        payslip.employer_contributions,
        payslip.taxable_pay,
        payslip.tax,
        payslip.net_pay,
    ):
        assert money(amount) in forwards, amount
    # One öre less invoiced nets less than wanted: the reverse found the smallest amount.
    less = service.estimate_pay(
        session,
        member=member.member,
        today=PAY_DATE,
        invoiced_amount=payslip.invoiced_amount - Decimal("0.01"),
    ).payout
    assert less.net_pay < Decimal(wanted.replace(" ", "").replace(",", ".")) + ZERO


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"invoiced": "tjugo"}, "invoiced", "Skriv ett belopp i kronor"),
        ({"invoiced": "-100"}, "invoiced", None),
        ({"wanted": "12,345"}, "wanted", None),
        # Too large is said as such, not as "at most two decimals" (12 digits of kronor is what money holds).
        ({"invoiced": "12 345 678 901 234"}, "invoiced", "Det här beloppet är för stort"),
        # A point before three digits: 25,000 or 25 000 kronor? Asked, not guessed (web.forms.decimal_text).
        ({"wanted": "25.000"}, "wanted", "Skriv decimaler med komma (1,5)"),
    ],
)
def test_an_amount_it_cannot_read_is_said_by_its_field(
    browser_client: TestClient, payroll_ready, make_member, on_pay_day, params, field, message
) -> None:
    sign_in(browser_client, make_member().user.email)
    answer = browser_client.get("/calculator", params=params)
    assert answer.status_code == 422
    assert f'id="e-{field}"' in answer.text
    assert f'value="{next(iter(params.values()))}"' in answer.text
    if message:
        assert message in answer.text


def test_a_tax_table_not_imported_is_said_in_words(
    browser_client: TestClient, session: Session, payroll_ready, make_member, on_pay_day
) -> None:
    member = make_member()
    set_tax(
        session,
        member.member,
        valid_from=date(2026, 1, 1),
        mode=TaxMode.table,
        table_number=32,
        table_column=1,
    )
    sign_in(browser_client, member.user.email)
    answer = browser_client.get("/calculator", params={"invoiced": "1000"})
    assert answer.status_code == 422
    assert "Din skattetabell för i år är inte inläst ännu" in answer.text


def test_the_empty_calculator_asks_both_questions(
    browser_client: TestClient, payroll_ready, make_member
) -> None:
    sign_in(browser_client, make_member().user.email)
    html = browser_client.get("/calculator").text
    assert "Fakturerat belopp exklusive moms (kr)" in html
    assert "Nettolön jag vill ha (kr)" in html


def test_an_extra_tax_a_month_is_left_out_of_the_estimate_and_the_page_says_so(
    browser_client: TestClient, session: Session, payroll_ready, make_member, on_pay_day
) -> None:
    alva = make_member()
    set_tax(
        session,
        alva.member,
        valid_from=date(2026, 1, 1),
        mode=TaxMode.flat,
        percent=Decimal("30"),
        extra_monthly_tax=Decimal("1000"),
    )
    sign_in(browser_client, alva.user.email)

    html = browser_client.get("/calculator", params={"invoiced": "20 000,00"}).text

    # Case A as without the extra: one payout's estimate, not the month's.
    assert "20\N{NO-BREAK SPACE}000,00 kr fakturerat ger dig 10\N{NO-BREAK SPACE}014,28 kr" in html
    assert (
        "Inte med i uppskattningen: de 1\N{NO-BREAK SPACE}000,00 kr i extra skatteavdrag per månad som du "
        "har bett om." in html
    )


def test_without_extra_tax_the_page_says_nothing_of_it(
    browser_client: TestClient, payroll_ready, make_member, on_pay_day
) -> None:
    sign_in(browser_client, make_member().user.email)
    html = browser_client.get("/calculator", params={"invoiced": "20 000,00"}).text
    assert 'id="extra-tax"' not in html

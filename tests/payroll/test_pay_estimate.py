"""The pay estimate ("Vad får jag ut?"): the payroll calculation itself, forwards and backwards to the öre."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import today
from kooperativet.auth.models import Role
from kooperativet.parties.models import TaxMode
from kooperativet.payroll import service, tax_table_store
from kooperativet.payroll.calculation import (
    PayrollParameters,
    Rate,
    TaxSetting,
    YearToDatePay,
    calculate_payout,
)
from kooperativet.payroll.calculation import (
    TaxMode as CalculationTaxMode,
)
from kooperativet.payroll.parameters import build_payroll_parameters
from kooperativet.payroll.quote import Quote, quote_invoiced, quote_net
from kooperativet.payroll.tax_tables import RowKind, TaxTable, TaxTableRow
from tests.payroll.conftest import SYNTHETIC_TABLES, create_and_approve, set_tax
from tests.payroll.defaults import default_payroll_parameters, seeded_values_on

ESTIMATE = "/api/v1/members/me/pay-estimate"
PAY_DATE = date(2026, 11, 25)
SIX_PERCENT = Rate(value=Decimal("0.06"), source="test")
ORE = Decimal("0.01")


def quote(
    *,
    born: date = date(1990, 5, 14),
    tax: TaxSetting | None = None,
    parameters: PayrollParameters | None = None,
    table: TaxTable | None = None,
    pay_date: date = PAY_DATE,
) -> Quote:
    return Quote(
        birth_date=born,
        pay_date=pay_date,
        parameters=parameters or default_payroll_parameters(pay_date=pay_date, fee_rate=SIX_PERCENT),
        tax=tax or TaxSetting(),
        tax_table=table,
    )


def net(q: Quote, ore: int) -> Decimal:
    return q.payout(Decimal(ore).scaleb(-2)).net_pay


def synthetic_table() -> TaxTable:
    """Brackets of 100 kr with a krona step each: net pay falls by up to 29 kr at every bracket's start."""
    rows = tuple(
        TaxTableRow(
            year=2026,
            table_number=33,
            kind=RowKind.AMOUNT,
            income_from=start,
            income_to=start + 99,
            columns=(Decimal(int((start + 50) * Decimal("0.3"))),) * 6,
        )
        for start in range(1, 100_001, 100)
    )
    return TaxTable(year=2026, table_number=33, rows=rows)


def test_forwards_is_the_payroll_calculation_case_a() -> None:
    payout = quote_invoiced(quote(), invoiced_amount=Decimal("20000.00"))
    assert payout == calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=PAY_DATE,
        parameters=default_payroll_parameters(pay_date=PAY_DATE, fee_rate=SIX_PERCENT),
        tax=TaxSetting(),
    )
    assert (payout.fee, payout.gross_salary, payout.holiday_pay) == (
        Decimal("1200.00"),
        Decimal("12772.57"),
        Decimal("1532.71"),
    )
    assert (payout.employer_contributions, payout.tax, payout.net_pay) == (
        Decimal("4494.72"),
        Decimal("4291.00"),
        Decimal("10014.28"),
    )


def test_backwards_case_a_finds_the_smallest_amount_that_nets_10_014_28() -> None:
    payout = quote_net(quote(), net_pay=Decimal("10014.28"))
    assert payout.invoiced_amount == Decimal("20000.00")
    assert payout.net_pay == Decimal("10014.28")
    assert quote().payout(Decimal("19999.99")).net_pay == Decimal("10014.27")


QUOTES = {
    "flat 30 %": quote(),
    "flat 33.5 %": quote(tax=TaxSetting(percent=Decimal("33.5"))),
    "sink": quote(tax=TaxSetting(mode=CalculationTaxMode.SINK), born=date(1956, 3, 2)),
    "asink": quote(tax=TaxSetting(mode=CalculationTaxMode.ASINK)),
    "youth over the cap": quote(born=date(2004, 8, 30), pay_date=date(2026, 6, 25)),
    "table with krona steps": quote(
        tax=TaxSetting(mode=CalculationTaxMode.TABLE, table_number=33, column=1), table=synthetic_table()
    ),
    "yearly threshold": quote(parameters=build_payroll_parameters(seeded_values_on(PAY_DATE))),
}


@pytest.mark.parametrize("name", sorted(QUOTES))
@pytest.mark.parametrize("wanted", ["0.01", "37.42", "650.00", "700.00", "999.99", "10014.28", "30000.07"])
def test_backwards_is_the_smallest_amount_whose_net_reaches_the_wanted_one(name: str, wanted: str) -> None:
    q = QUOTES[name]
    payout = quote_net(q, net_pay=Decimal(wanted))
    found = int(payout.invoiced_amount.scaleb(2))
    assert payout.net_pay >= Decimal(wanted)
    # Net pay falls now and then as the amount rises, so checking only the öre below would prove little:
    # every amount in the 30 kr below pays less than wanted.
    below = [net(q, ore) for ore in range(max(found - 3000, 0), found)]
    assert all(value < Decimal(wanted) for value in below)


def test_backwards_for_a_small_net_checked_against_every_smaller_amount() -> None:
    q = QUOTES["table with krona steps"]
    payout = quote_net(q, net_pay=Decimal("80.00"))
    found = int(payout.invoiced_amount.scaleb(2))
    assert all(net(q, ore) < Decimal("80.00") for ore in range(found))
    assert payout.net_pay >= Decimal("80.00")


def test_backwards_across_the_yearly_threshold_pays_the_contributions_of_the_whole_year() -> None:
    # 470.00 earlier this year without contributions (payroll.md §2): crossing 1 000 kr costs contributions
    # on 1 000 kr and more at once, so the smallest amount that nets 700 kr is well above the naive one.
    q = Quote(
        birth_date=date(1990, 5, 14),
        pay_date=PAY_DATE,
        parameters=build_payroll_parameters(seeded_values_on(PAY_DATE)),
        tax=TaxSetting(),
        year_to_date=YearToDatePay(pay=Decimal("470.00"), deferred_base=Decimal("470.00")),
    )
    payout = quote_net(q, net_pay=Decimal("700.00"))
    assert payout.net_pay >= Decimal("700.00")
    assert q.payout(payout.invoiced_amount - ORE).net_pay < Decimal("700.00")
    assert payout.deferred_base_settled == Decimal("470.00")


# --- the API ---------------------------------------------------------------------------------------------


@pytest.fixture
def paid_on_pay_day(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[today] = lambda: PAY_DATE
    yield
    app.dependency_overrides.pop(today, None)


def test_the_estimate_equals_the_payslip_payroll_issues_for_the_same_amount_and_person(
    api: TestClient, session: Session, payroll_ready, make_member, make_user, paid_assignment, paid_on_pay_day
) -> None:
    alva = make_member()
    answer = api.post(ESTIMATE, json={"invoiced_amount": "20000.00"}, headers=alva.headers)
    assert answer.status_code == 200, answer.text
    estimate = answer.json()
    assert estimate == {
        "pay_date": "2026-11-25",
        "wanted_net_pay": None,
        "invoiced_amount": "20000.00",
        "fee_rate": "0.06",
        "fee": "1200.00",
        "gross_salary": "12772.57",
        "holiday_pay_rate": "0.12",
        "holiday_pay": "1532.71",
        "contribution_category": "full",
        "employer_contribution_rates": ["0.3142"],
        "employer_contributions": "4494.72",
        "residue": "0.00",
        "taxable_pay": "14305.28",
        "tax_mode": "flat",
        "tax_percent": "30",
        "tax_table_number": None,
        "tax_column": None,
        "tax": "4291.00",
        "net_pay": "10014.28",
    }
    backwards = api.post(ESTIMATE, json={"wanted_net_pay": "12000.00"}, headers=alva.headers).json()
    assert backwards["invoiced_amount"] == "23965.98"
    assert backwards["net_pay"] == "12000.00"
    one_ore_less = api.post(ESTIMATE, json={"invoiced_amount": "23965.97"}, headers=alva.headers).json()
    assert one_ore_less["net_pay"] == "11999.99"
    assert backwards["wanted_net_pay"] == "12000.00"

    paid_assignment(alva.member, backwards["invoiced_amount"])
    run = create_and_approve(session, today=PAY_DATE, pay_date=PAY_DATE, approved_by_id=make_user().user.id)
    [payslip] = service.run_payslips(session, run_id=run.id)
    [line] = payslip.lines
    for field in ("invoiced_amount", "fee", "gross_salary", "holiday_pay", "employer_contributions", "tax"):
        assert getattr(line, field) == Decimal(backwards[field]), field
    assert payslip.net_pay == Decimal(backwards["net_pay"])


def test_the_estimate_reads_the_tax_table_and_the_years_earlier_pay(
    api: TestClient, session: Session, payroll_ready, make_member, make_user, paid_assignment, paid_on_pay_day
) -> None:
    alva = make_member()
    set_tax(
        session, alva.member, valid_from=date(2026, 1, 1), mode=TaxMode.table, table_number=33, table_column=1
    )
    tax_table_store.import_tax_tables(
        session, content=SYNTHETIC_TABLES.read_bytes(), filename=SYNTHETIC_TABLES.name, year=2026
    )
    estimate = api.post(ESTIMATE, json={"invoiced_amount": "20000.00"}, headers=alva.headers).json()
    assert (estimate["tax_mode"], estimate["tax_table_number"], estimate["tax_column"]) == ("table", 33, 1)
    assert (estimate["tax_percent"], estimate["tax"], estimate["net_pay"]) == (None, "3000.00", "11305.28")

    # 600.00 paid in October: the year's pay is below 1 000 kr, so a small payout now crosses the threshold.
    paid_assignment(alva.member, "800.00")
    create_and_approve(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), approved_by_id=make_user().user.id
    )
    small = api.post(ESTIMATE, json={"invoiced_amount": "1000.00"}, headers=alva.headers).json()
    assert small["employer_contributions"] != "0.00"
    assert small["employer_contribution_rates"] == ["0.3142"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"invoiced_amount": "100.00", "wanted_net_pay": "50.00"}, "body"),
        ({"invoiced_amount": "-5.00"}, "body"),
        ({"invoiced_amount": "0.00"}, "body"),
        ({"invoiced_amount": "12.345"}, "invoiced_amount"),
        ({"wanted_net_pay": 100.5}, "wanted_net_pay"),
    ],
)
def test_bad_input_is_a_422_problem(
    api: TestClient, payroll_ready, make_member, paid_on_pay_day, body: dict[str, object], field: str
) -> None:
    answer = api.post(ESTIMATE, json=body, headers=make_member().headers)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in answer.json()["errors"]]


def test_a_table_that_is_not_imported_is_a_422_naming_it(
    api: TestClient, session: Session, payroll_ready, make_member, paid_on_pay_day
) -> None:
    alva = make_member()
    set_tax(
        session, alva.member, valid_from=date(2026, 1, 1), mode=TaxMode.table, table_number=32, table_column=1
    )
    answer = api.post(ESTIMATE, json={"invoiced_amount": "100.00"}, headers=alva.headers)
    assert answer.status_code == 422
    assert answer.json()["code"] == "missing_tax_table"
    assert "tax table 32 for 2026" in answer.json()["detail"]


def test_a_user_without_a_member_record_is_a_404(api: TestClient, payroll_ready, make_user) -> None:
    answer = api.post(ESTIMATE, json={"invoiced_amount": "100.00"}, headers=make_user(Role.admin).headers)
    assert answer.status_code == 404


def test_the_operation_is_documented(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"][ESTIMATE]["post"]
    assert operation["operationId"] == "estimate_member_pay"
    assert {"401", "404", "422"} <= set(operation["responses"])
    assert "PayEstimateCreate" in str(operation["requestBody"])

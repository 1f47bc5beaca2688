"""payroll.md §3, "Extra tax": a fixed amount a month the member asks to have withheld on top of the
preliminary tax (Skatteverket, jämkning), kept apart from the table's tax so that the month's next payout does
not pay it back."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.core.money import floor_to_krona
from kooperativet.parties.models import TaxMode as StoredTaxMode
from kooperativet.payroll import service, tax_table_store
from kooperativet.payroll.calculation import (
    MonthToDate,
    PayoutInput,
    TaxMode,
    TaxSetting,
    calculate_payout,
    calculate_payouts_in_order,
)
from tests.payroll.conftest import SYNTHETIC_TABLES, create_and_approve, set_tax
from tests.payroll.test_calculation import parameters, synthetic_table

NOVEMBER = date(2026, 11, 25)
BORN = date(1990, 5, 14)  # worked example A: 20 000 kr invoiced is B = 14 305.28 kr


def payout(*, tax: TaxSetting, invoiced: str = "20000.00", month: MonthToDate | None = None):
    return calculate_payout(
        invoiced_amount=Decimal(invoiced),
        birth_date=BORN,
        pay_date=NOVEMBER,
        parameters=parameters(NOVEMBER),
        tax=tax,
        month_to_date=month or MonthToDate(),
        tax_table=synthetic_table(),
    )


# --- the calculation ------------------------------------------------------------------------------------


def test_flat_tax_with_extra_withholds_both_and_says_which_part_is_extra() -> None:
    result = payout(tax=TaxSetting(percent=Decimal("30"), extra_per_month=Decimal("1000")))
    # Worked example A: 4 291 kr at 30 %, and the 1 000 kr she asked for.
    assert (result.tax, result.extra_tax, result.net_pay) == (
        Decimal("5291.00"),
        Decimal("1000.00"),
        Decimal("9014.28"),
    )
    assert result.month_to_date_after == MonthToDate(
        contribution_base_youth_used=Decimal("14305.28"),
        taxable_pay=Decimal("14305.28"),
        tax_withheld=Decimal("4291.00"),
        extra_tax_withheld=Decimal("1000.00"),
    )


def test_the_months_second_payout_neither_withholds_the_extra_again_nor_pays_it_back_by_the_table() -> None:
    table = TaxSetting(mode=TaxMode.TABLE, table_number=33, column=1, extra_per_month=Decimal("1000"))
    first, second = calculate_payouts_in_order(
        payouts=[PayoutInput(invoiced_amount=Decimal("20000.00"))] * 2,
        birth_date=BORN,
        pay_date=NOVEMBER,
        parameters=parameters(NOVEMBER),
        tax=table,
        tax_table=synthetic_table(),
    )
    assert (first.tax, first.extra_tax) == (Decimal("4000.00"), Decimal("1000.00"))  # 3 000 by the table
    # The month's 28 610.56 kr at the table's 40 % is 11 444 kr, of which 3 000 were withheld: 8 444 kr.
    # Counting the extra 1 000 kr as the table's would have withheld 7 444 kr, giving the extra back.
    assert (second.tax, second.extra_tax) == (Decimal("8444.00"), Decimal("0"))
    assert first.tax + second.tax == floor_to_krona(Decimal("28610.56") * Decimal("0.40")) + Decimal("1000")


def test_a_payout_too_small_for_the_whole_extra_withholds_what_it_can_and_the_next_one_the_rest() -> None:
    extra = TaxSetting(percent=Decimal("30"), extra_per_month=Decimal("5000"))
    small, large = calculate_payouts_in_order(
        payouts=[
            PayoutInput(invoiced_amount=Decimal("3000.00")),
            PayoutInput(invoiced_amount=Decimal("20000.00")),
        ],
        birth_date=BORN,
        pay_date=NOVEMBER,
        parameters=parameters(NOVEMBER),
        tax=extra,
    )
    ordinary = floor_to_krona(small.taxable_pay * Decimal("0.30"))
    room = floor_to_krona(small.taxable_pay - ordinary)
    assert room < Decimal("5000")
    assert (small.tax, small.extra_tax) == (ordinary + room, room)
    assert small.net_pay == small.taxable_pay - ordinary - room  # less than a krona left
    assert Decimal(0) <= small.net_pay < Decimal(1)
    assert large.extra_tax == Decimal("5000") - room
    assert large.tax == Decimal("4291.00") + large.extra_tax


def test_extra_already_withheld_this_month_is_not_withheld_again() -> None:
    month = MonthToDate(taxable_pay=Decimal("14305.28"), tax_withheld=Decimal("4291.00"),
                        extra_tax_withheld=Decimal("1000.00"))  # fmt: skip
    result = payout(tax=TaxSetting(percent=Decimal("30"), extra_per_month=Decimal("1000")), month=month)
    assert (result.tax, result.extra_tax) == (Decimal("4291.00"), Decimal("0"))
    # Raised in the middle of the month, only the difference is still due.
    raised = payout(tax=TaxSetting(percent=Decimal("30"), extra_per_month=Decimal("1500")), month=month)
    assert (raised.tax, raised.extra_tax) == (Decimal("4791.00"), Decimal("500"))


def test_without_extra_nothing_changes() -> None:
    assert payout(tax=TaxSetting(percent=Decimal("30"))).tax == Decimal("4291.00")
    assert payout(tax=TaxSetting(percent=Decimal("30"))).extra_tax == Decimal("0")


@pytest.mark.parametrize("mode", [TaxMode.SINK, TaxMode.ASINK])
def test_sink_and_asink_are_final_taxes_and_take_no_extra(mode: TaxMode) -> None:
    with pytest.raises(ValueError, match="final tax"):
        TaxSetting(mode=mode, extra_per_month=Decimal("100"))


@pytest.mark.parametrize("amount", ["100.50", "-100"])
def test_extra_is_a_whole_number_of_kronor(amount: str) -> None:
    with pytest.raises(ValueError, match="whole number of kronor"):
        TaxSetting(extra_per_month=Decimal(amount))


# --- the tax setting over the API --------------------------------------------------------------------------


def tax_settings_of(member_id: int) -> str:
    return f"/api/v1/members/{member_id}/tax-settings"


def test_the_office_sets_an_extra_amount_reads_it_back_and_the_log_says_who(
    api: TestClient, session: Session, payroll_ready, make_user, make_member
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    body = {"valid_from": "2026-11-01", "mode": "table", "table_number": 33, "table_column": 1,
            "extra_monthly_tax": "1500"}  # fmt: skip
    added = api.post(tax_settings_of(alva.member.id), json=body, headers=treasurer.headers)
    assert added.status_code == 201, added.text
    assert added.json()["extra_monthly_tax"] == "1500.00"
    listed = api.get(tax_settings_of(alva.member.id), headers=treasurer.headers).json()
    assert [setting["extra_monthly_tax"] for setting in listed] == ["0.00", "1500.00"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "member_tax_setting_added")).one()
    assert json.loads(event.payload) == {
        "member_id": alva.member.id, "valid_from": "2026-11-01", "tax_mode": "table", "tax_percent": None,
        "tax_table_number": 33, "tax_table_column": 1, "tax_information_missing": False,
        "extra_monthly_tax": "1500.00", "changed_by_user_id": treasurer.user.id,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"mode": "flat", "extra_monthly_tax": "100.50"}, "extra_tax_whole_kronor"),
        ({"mode": "sink", "extra_monthly_tax": "100"}, "extra_tax_with_final_tax"),
        ({"mode": "asink", "extra_monthly_tax": 100}, "extra_tax_with_final_tax"),
    ],
)
def test_extra_in_oere_or_with_a_final_tax_is_refused_by_its_field(
    api: TestClient,
    session: Session,
    payroll_ready,
    make_user,
    make_member,
    body: dict[str, object],
    code: str,
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    refused = api.post(
        tax_settings_of(alva.member.id), json={"valid_from": "2026-11-01", **body}, headers=treasurer.headers
    )
    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == (code, "extra_monthly_tax")
    assert len(api.get(tax_settings_of(alva.member.id), headers=treasurer.headers).json()) == 1
    assert not session.scalars(select(AuditEvent).where(AuditEvent.kind == "member_tax_setting_added")).all()


@pytest.mark.parametrize("amount", ["-1", "100001", 1.5])
def test_a_negative_huge_or_float_extra_is_a_validation_error(
    api: TestClient, payroll_ready, make_user, make_member, amount: object
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    refused = api.post(
        tax_settings_of(alva.member.id),
        json={"valid_from": "2026-11-01", "extra_monthly_tax": amount},
        headers=treasurer.headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "extra_monthly_tax"


def test_a_member_cannot_set_her_own_extra_tax(api: TestClient, payroll_ready, make_member) -> None:
    alva = make_member()
    refused = api.post(
        tax_settings_of(alva.member.id),
        json={"valid_from": "2026-11-01", "extra_monthly_tax": "1000"},
        headers=alva.headers,
    )
    assert refused.status_code == 403


# --- runs: issued payslips and the month's next run ---------------------------------------------------------


def test_two_runs_in_a_month_withhold_the_extra_once_and_the_table_on_the_months_pay(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    set_tax(
        session,
        alva.member,
        valid_from=date(2026, 1, 1),
        mode=StoredTaxMode.table,
        table_number=33,
        table_column=1,
        extra_monthly_tax=Decimal("1000"),
    )
    tax_table_store.import_tax_tables(
        session, content=SYNTHETIC_TABLES.read_bytes(), filename=SYNTHETIC_TABLES.name, year=2026
    )
    paid_assignment(alva.member, "20000.00")
    early = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 10), approved_by_id=treasurer.user.id
    )
    paid_assignment(alva.member, "20000.00")
    late = create_and_approve(
        session, today=date(2026, 11, 11), pay_date=NOVEMBER, approved_by_id=treasurer.user.id
    )

    [first] = service.run_payslips(session, run_id=early.id)
    [second] = service.run_payslips(session, run_id=late.id)
    assert (first.tax, first.extra_tax, first.net_pay) == (
        Decimal("4000.00"), Decimal("1000.00"), Decimal("10305.28"),
    )  # fmt: skip
    assert (first.lines[0].tax, first.lines[0].extra_tax) == (Decimal("4000.00"), Decimal("1000.00"))
    assert first.snapshot["tax_setting"]["extra_monthly_tax"] == "1000.00"
    assert first.snapshot["totals"]["extra_tax"] == "1000.00"
    assert (second.tax, second.extra_tax) == (Decimal("8444.00"), Decimal("0.00"))
    assert second.snapshot["month_to_date_before"] == {
        "contribution_base": "14305.28",
        "taxable_pay": "14305.28",
        "tax_withheld": "3000.00",
        "extra_tax_withheld": "1000.00",
    }
    assert second.year_to_date_tax == Decimal("12444.00")  # the extra is tax withheld like any other

"""payroll.md §1–§4: one payout from invoiced amount to net pay, to the öre."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kooperativet.core.money import ZERO, floor_to_krona, round_half_up
from kooperativet.payroll.calculation import (
    ContributionCategory,
    ContributionRule,
    MissingTaxTable,
    MonthToDate,
    NoContributionRule,
    Payout,
    PayoutInput,
    PayrollParameters,
    Rate,
    TaxMode,
    TaxSetting,
    YearBound,
    calculate_payout,
    calculate_payouts_in_order,
    contribution_category,
)
from kooperativet.payroll.tax_tables import RowKind, TaxTable, TaxTableRow
from tests.payroll.defaults import default_contribution_rules, default_payroll_parameters

FEE = Rate(value=Decimal("0.06"), source="Interim kultur fee (payroll.md §1)")
FULL = ContributionCategory.FULL
PENSION_ONLY = ContributionCategory.PENSION_ONLY
YOUTH = ContributionCategory.YOUTH
NONE = ContributionCategory.NONE


def parameters(pay_date: date, fee_rate: str = "0.06") -> PayrollParameters:
    fee = FEE if fee_rate == "0.06" else Rate(value=Decimal(fee_rate), source="test fee")
    return default_payroll_parameters(pay_date=pay_date, fee_rate=fee)


def synthetic_table(year: int = 2026, number: int = 33) -> TaxTable:
    """Column 1: 1 000 kr up to 10 000 kr, 3 000 kr up to 20 000 kr, then 40 % (column 2: 35 %)."""

    def row(kind: RowKind, income_from: int, income_to: int | None, *columns: str) -> TaxTableRow:
        return TaxTableRow(
            year=year,
            table_number=number,
            kind=kind,
            income_from=income_from,
            income_to=income_to,
            columns=tuple(Decimal(column) for column in columns),
        )

    return TaxTable(
        year=year,
        table_number=number,
        rows=(
            row(RowKind.AMOUNT, 1, 10000, "1000", "900"),
            row(RowKind.AMOUNT, 10001, 20000, "3000", "2800"),
            row(RowKind.PERCENT, 20001, None, "40", "35"),
        ),
    )


# --- §4 worked examples ----------------------------------------------------------------------------------

WORKED_EXAMPLES = [
    # case, birth, pay, N, fee rate, month base before, tax %, F, P, G, H, C, R, B, T, net, category
    ("A", "1990-05-14", "2026-11-25", "20000.00", "0.06", "0.00", "30",
     "1200.00", "18800.00", "12772.57", "1532.71", "4494.72",
     "0.00", "14305.28", "4291.00", "10014.28", FULL),
    ("B", "1956-03-02", "2026-11-25", "15000.00", "0.06", "0.00", "25",
     "900.00", "14100.00", "11423.00", "1370.76", "1306.24",
     "0.00", "12793.76", "3198.00", "9595.76", PENSION_ONLY),
    ("C", "2004-08-30", "2026-06-25", "12000.00", "0.06", "0.00", "30",
     "720.00", "11280.00", "8336.58", "1000.39", "1943.02",
     "0.01", "9336.97", "2801.00", "6535.97", YOUTH),
    ("D", "2004-08-30", "2026-06-25", "40000.00", "0.06", "10000.00", "30",
     "2400.00", "37600.00", "26626.39", "3195.17", "7778.43",
     "0.01", "29821.56", "8946.00", "20875.56", YOUTH),
    ("E", "2004-08-30", "2026-03-25", "12000.00", "0.06", "0.00", "30",
     "720.00", "11280.00", "7663.54", "919.62", "2696.83",
     "0.01", "8583.16", "2574.00", "6009.16", FULL),
    ("F", "1937-12-01", "2026-11-25", "10000.00", "0.06", "0.00", "30",
     "600.00", "9400.00", "8392.86", "1007.14", "0.00",
     "0.00", "9400.00", "2820.00", "6580.00", NONE),
    ("G", "1985-01-31", "2026-11-25", "12345.67", "0.0598", "0.00", "30",
     "738.27", "11607.40", "7885.97", "946.32", "2775.11",
     "0.00", "8832.29", "2649.00", "6183.29", FULL),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "birth", "pay", "invoiced", "fee_rate", "month_base", "percent",
     "fee", "pool", "gross", "holiday", "contributions", "residue", "taxable", "tax", "net", "category"),
    WORKED_EXAMPLES,
    ids=[example[0] for example in WORKED_EXAMPLES],
)  # fmt: skip
def test_worked_examples_are_reproduced_to_the_ore(
    case: str,
    birth: str,
    pay: str,
    invoiced: str,
    fee_rate: str,
    month_base: str,
    percent: str,
    fee: str,
    pool: str,
    gross: str,
    holiday: str,
    contributions: str,
    residue: str,
    taxable: str,
    tax: str,
    net: str,
    category: ContributionCategory,
) -> None:
    pay_date = date.fromisoformat(pay)
    payout = calculate_payout(
        invoiced_amount=Decimal(invoiced),
        birth_date=date.fromisoformat(birth),
        pay_date=pay_date,
        parameters=parameters(pay_date, fee_rate),
        tax=TaxSetting(percent=Decimal(percent)),
        month_to_date=MonthToDate(contribution_base_youth_used=Decimal(month_base)),
    )
    assert (
        payout.fee,
        payout.pool,
        payout.gross_salary,
        payout.holiday_pay,
        payout.employer_contributions,
        payout.residue,
        payout.taxable_pay,
        payout.tax,
        payout.net_pay,
        payout.contribution_category,
    ) == (
        Decimal(fee),
        Decimal(pool),
        Decimal(gross),
        Decimal(holiday),
        Decimal(contributions),
        Decimal(residue),
        Decimal(taxable),
        Decimal(tax),
        Decimal(net),
        category,
    )
    assert payout.tax_mode is TaxMode.FLAT
    assert payout.tax_percent == Decimal(percent)


def test_case_d_splits_the_base_at_the_youth_cap_and_rounds_once() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("40000.00"),
        birth_date=date(2004, 8, 30),
        pay_date=date(2026, 6, 25),
        parameters=parameters(date(2026, 6, 25)),
        tax=TaxSetting(),
        month_to_date=MonthToDate(contribution_base_youth_used=Decimal("10000.00")),
    )
    split = [(part.base, part.rate.value) for part in payout.contribution_parts]
    assert split == [(Decimal("15000.00"), Decimal("0.2081")), (Decimal("14821.56"), Decimal("0.3142"))]
    assert payout.month_to_date_before.contribution_base_youth_used == Decimal("10000.00")
    assert payout.month_to_date_after.contribution_base_youth_used == Decimal("39821.56")


def test_youth_contributions_round_the_sum_of_the_parts_not_each_part() -> None:
    # 14 999.99 × 20.81 % = 3 121.497919 and 7 668.99 × 31.42 % = 2 409.596658:
    # rounded per part 3 121.50 + 2 409.60 = 5 531.10, rounded once 5 531.09.
    payout = calculate_payout(
        invoiced_amount=Decimal("30000.07"),
        birth_date=date(2004, 8, 30),
        pay_date=date(2026, 6, 25),
        parameters=parameters(date(2026, 6, 25)),
        tax=TaxSetting(),
        month_to_date=MonthToDate(contribution_base_youth_used=Decimal("10000.01")),
    )
    assert [part.base for part in payout.contribution_parts] == [Decimal("14999.99"), Decimal("7668.99")]
    assert payout.employer_contributions == Decimal("5531.09")


def test_a_youth_payout_under_the_cap_has_nothing_at_the_full_rate() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("12000.00"),
        birth_date=date(2004, 8, 30),
        pay_date=date(2026, 6, 25),
        parameters=parameters(date(2026, 6, 25)),
        tax=TaxSetting(),
    )
    assert [part.base for part in payout.contribution_parts] == [Decimal("9336.97"), ZERO]


def test_youth_cap_already_used_up_gives_the_full_rate_on_everything() -> None:
    youth = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(2004, 8, 30),
        pay_date=date(2026, 6, 25),
        parameters=parameters(date(2026, 6, 25)),
        tax=TaxSetting(),
        month_to_date=MonthToDate(contribution_base_youth_used=Decimal("30000.00")),
    )
    assert youth.contribution_category is YOUTH
    assert (youth.gross_salary, youth.employer_contributions) == (Decimal("12772.57"), Decimal("4494.72"))


def test_residue_reaches_two_ore() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("1000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=parameters(date(2026, 11, 25)),
        tax=TaxSetting(),
    )
    assert (payout.gross_salary, payout.holiday_pay, payout.employer_contributions, payout.residue) == (
        Decimal("638.62"),
        Decimal("76.63"),
        Decimal("224.73"),
        Decimal("0.02"),
    )


def test_expense_reimbursement_is_added_after_tax() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=parameters(date(2026, 11, 25)),
        tax=TaxSetting(),
        expense_reimbursement=Decimal("350.50"),
    )
    assert (payout.tax, payout.expense_reimbursement, payout.net_pay) == (
        Decimal("4291.00"),
        Decimal("350.50"),
        Decimal("10364.78"),
    )


def test_nothing_invoiced_pays_nothing() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("0.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=parameters(date(2026, 11, 25)),
        tax=TaxSetting(),
    )
    assert (payout.gross_salary, payout.taxable_pay, payout.tax, payout.net_pay) == (ZERO, ZERO, ZERO, ZERO)


@pytest.mark.parametrize(
    ("field", "amount"),
    [
        ("invoiced_amount", Decimal("100.001")),
        ("invoiced_amount", Decimal("-1.00")),
        ("expense_reimbursement", Decimal("-0.01")),
        ("expense_reimbursement", Decimal("0.005")),
    ],
)
def test_amounts_must_be_non_negative_whole_ore(field: str, amount: Decimal) -> None:
    amounts = {"invoiced_amount": Decimal("100.00"), "expense_reimbursement": ZERO, field: amount}
    with pytest.raises(ValueError, match=field):
        calculate_payout(
            invoiced_amount=amounts["invoiced_amount"],
            birth_date=date(1990, 5, 14),
            pay_date=date(2026, 11, 25),
            parameters=parameters(date(2026, 11, 25)),
            tax=TaxSetting(),
            expense_reimbursement=amounts["expense_reimbursement"],
        )


def test_a_payout_that_breaks_the_identity_cannot_exist() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=parameters(date(2026, 11, 25)),
        tax=TaxSetting(),
    )
    with pytest.raises(ValueError, match=r"N = F \+ G \+ H \+ C \+ R"):
        dataclasses.replace(payout, residue=Decimal("0.01"))


# --- §2 contribution categories --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "pay", "category"),
    [
        # full / pension only / none, 2025 and 2026
        ("1959-01-01", "2025-06-25", FULL),
        ("1958-12-31", "2025-06-25", PENSION_ONLY),
        ("1938-01-01", "2025-06-25", PENSION_ONLY),
        ("1937-12-31", "2025-06-25", NONE),
        ("1959-01-01", "2026-11-25", FULL),
        ("1958-12-31", "2026-11-25", PENSION_ONLY),
        ("1938-01-01", "2026-11-25", PENSION_ONLY),
        ("1937-12-31", "2026-11-25", NONE),
        # 2025 has no youth rate
        ("2004-08-30", "2025-06-25", FULL),
        ("2007-12-31", "2025-12-25", FULL),
        # youth 2026: born 2003–2007, pay given out from 2026-04-01
        ("2004-08-30", "2026-03-31", FULL),
        ("2004-08-30", "2026-04-01", YOUTH),
        ("2003-01-01", "2026-06-25", YOUTH),
        ("2007-12-31", "2026-06-25", YOUTH),
        ("2002-12-31", "2026-06-25", FULL),
        ("2008-01-01", "2026-06-25", FULL),
        ("2003-01-01", "2026-12-25", YOUTH),
        # youth 2027: born 2004–2008, pay given out until 2027-09-30
        ("2004-01-01", "2027-01-25", YOUTH),
        ("2008-12-31", "2027-09-30", YOUTH),
        ("2003-12-31", "2027-01-25", FULL),
        ("2009-01-01", "2027-06-25", FULL),
        ("2004-08-30", "2027-10-01", FULL),
        # from 2026 pension only is "born 1938 … Y − 68"
        ("1959-06-01", "2027-06-25", PENSION_ONLY),
        ("1960-01-01", "2027-06-25", FULL),
        ("1937-12-31", "2027-06-25", NONE),
    ],
)
def test_category_follows_birth_year_and_pay_date(
    birth: str, pay: str, category: ContributionCategory
) -> None:
    assert (
        contribution_category(
            birth_date=date.fromisoformat(birth),
            pay_date=date.fromisoformat(pay),
            rules=default_contribution_rules(date.fromisoformat(pay)),
        )
        is category
    )


def test_no_rule_before_2025_is_a_clear_error() -> None:
    with pytest.raises(NoContributionRule, match=r"1990-05-14 paid on 2024-12-25"):
        contribution_category(
            birth_date=date(1990, 5, 14),
            pay_date=date(2024, 12, 25),
            rules=default_contribution_rules(date(2025, 1, 1)),
        )


def test_a_cooperative_adds_next_years_rule_as_data() -> None:
    youth_2028 = ContributionRule(
        category=YOUTH,
        rate=Rate(value=Decimal("0.1500"), source="a future law"),
        paid_from=date(2028, 1, 1),
        born_from=YearBound(year=-23, relative_to_income_year=True),
        born_to=YearBound(year=-19, relative_to_income_year=True),
        monthly_cap=Decimal("30000.00"),
        rate_above_cap=Rate(value=Decimal("0.3142"), source="a future law"),
    )
    rules = (youth_2028, *default_contribution_rules(date(2027, 1, 1)))
    assert (
        contribution_category(birth_date=date(2008, 1, 1), pay_date=date(2028, 2, 25), rules=rules) is YOUTH
    )
    assert (
        contribution_category(birth_date=date(2008, 1, 1), pay_date=date(2027, 12, 25), rules=rules) is FULL
    )


def test_every_default_rate_names_its_source() -> None:
    rules = default_contribution_rules(date(2026, 11, 25))
    assert all(rule.rate.source for rule in rules)
    by_category = {rule.category: rule for rule in rules}
    assert by_category[YOUTH].rate.source.startswith("SFS 2026:100")
    assert by_category[YOUTH].monthly_cap == Decimal("25000.00")


# --- §3 tax -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "pay", "percent", "tax"),
    [
        # B = 14 305.28 (case A's salary) in every row
        (TaxMode.SINK, "2025-11-25", "25", "3576.00"),
        (TaxMode.SINK, "2025-12-31", "25", "3576.00"),
        (TaxMode.SINK, "2026-01-01", "22.5", "3218.00"),
        (TaxMode.SINK, "2026-11-25", "22.5", "3218.00"),
        (TaxMode.ASINK, "2025-11-25", "15", "2145.00"),
        (TaxMode.ASINK, "2026-11-25", "15", "2145.00"),
        (TaxMode.FLAT, "2026-11-25", "30", "4291.00"),
    ],
)
def test_percent_modes_drop_the_ore(mode: TaxMode, pay: str, percent: str, tax: str) -> None:
    pay_date = date.fromisoformat(pay)
    payout = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=pay_date,
        parameters=parameters(pay_date),
        tax=TaxSetting(mode=mode),
    )
    assert payout.taxable_pay == Decimal("14305.28")
    assert (payout.tax_mode, payout.tax_percent, payout.tax) == (mode, Decimal(percent), Decimal(tax))


def test_a_jamkning_percent_is_used_in_flat_mode() -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=parameters(date(2026, 11, 25)),
        tax=TaxSetting(percent=Decimal("12.5"), tax_information_missing=True),
    )
    # 14 305.28 × 12.5 % = 1 788.16; the missing-information surcharge belongs to table mode only
    assert (payout.tax_percent, payout.tax, payout.tax_information_missing) == (
        Decimal("12.5"),
        Decimal("1788.00"),
        False,
    )


@pytest.mark.parametrize(
    ("column", "missing_information", "month_taxable", "month_tax", "tax"),
    [
        (1, False, "0.00", "0.00", "3000.00"),  # 14 305.28 in 10 001–20 000
        (2, False, "0.00", "0.00", "2800.00"),
        (1, False, "10000.00", "1000.00", "8722.00"),  # 24 305.28 × 40 % = 9 722.11, minus 1 000 already
        (2, False, "10000.00", "900.00", "7606.00"),  # 24 305.28 × 35 % = 8 506.85, minus 900 already
        (1, True, "0.00", "0.00", "4430.00"),  # 3 000 + 10 % of 14 305.28
        (1, True, "10000.00", "2100.00", "10052.00"),  # 9 722.11 + 2 430.53 = 12 152.64, minus 2 100
        (1, False, "0.00", "5000.00", "0.00"),  # never negative
    ],
)
def test_table_tax_applies_to_the_month_to_date_pay(
    column: int, missing_information: bool, month_taxable: str, month_tax: str, tax: str
) -> None:
    payout = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=parameters(date(2026, 11, 25)),
        tax=TaxSetting(
            mode=TaxMode.TABLE, table_number=33, column=column, tax_information_missing=missing_information
        ),
        month_to_date=MonthToDate(taxable_pay=Decimal(month_taxable), tax_withheld=Decimal(month_tax)),
        tax_table=synthetic_table(),
    )
    assert payout.taxable_pay == Decimal("14305.28")
    assert payout.tax == Decimal(tax)
    assert (payout.tax_mode, payout.tax_percent, payout.tax_table_number, payout.tax_column) == (
        TaxMode.TABLE,
        None,
        33,
        column,
    )
    assert payout.tax_information_missing is missing_information


@pytest.mark.parametrize(
    "table",
    [None, synthetic_table(year=2025), synthetic_table(number=34)],
    ids=["no table", "last year's table", "another table number"],
)
def test_table_mode_refuses_without_the_right_table(table: TaxTable | None) -> None:
    with pytest.raises(MissingTaxTable, match="tax table 33 for 2026") as raised:
        calculate_payout(
            invoiced_amount=Decimal("20000.00"),
            birth_date=date(1990, 5, 14),
            pay_date=date(2026, 11, 25),
            parameters=parameters(date(2026, 11, 25)),
            tax=TaxSetting(mode=TaxMode.TABLE, table_number=33, column=1),
            tax_table=table,
        )
    assert (raised.value.table_number, raised.value.year) == (33, 2026)
    assert isinstance(raised.value, ValueError)


def test_table_mode_needs_a_table_number_and_column() -> None:
    with pytest.raises(ValueError, match="table number and a column"):
        TaxSetting(mode=TaxMode.TABLE, table_number=33)


# --- several payouts on one payslip ------------------------------------------------------------------------


def test_payouts_in_order_thread_the_month_to_date_values() -> None:
    birth_date, pay_date = date(2004, 8, 30), date(2026, 6, 25)
    table_tax = TaxSetting(mode=TaxMode.TABLE, table_number=33, column=1)
    first, second = calculate_payouts_in_order(
        payouts=[
            PayoutInput(invoiced_amount=Decimal("12000.00")),
            PayoutInput(invoiced_amount=Decimal("40000.00"), expense_reimbursement=Decimal("120.00")),
        ],
        birth_date=birth_date,
        pay_date=pay_date,
        parameters=parameters(pay_date),
        tax=table_tax,
        tax_table=synthetic_table(),
    )
    assert first.taxable_pay == Decimal("9336.97")  # case C
    assert first.tax == Decimal("1000.00")
    assert second.month_to_date_before == MonthToDate(
        contribution_base_youth_used=Decimal("9336.97"),
        taxable_pay=Decimal("9336.97"),
        tax_withheld=Decimal("1000.00"),
    )
    assert second.contribution_parts[0].base == Decimal("15663.03")  # the rest of the 25 000 cap
    assert second == calculate_payout(
        invoiced_amount=Decimal("40000.00"),
        birth_date=birth_date,
        pay_date=pay_date,
        parameters=parameters(pay_date),
        tax=table_tax,
        month_to_date=first.month_to_date_after,
        expense_reimbursement=Decimal("120.00"),
        tax_table=synthetic_table(),
        year_to_date=first.year_to_date_after,
    )
    month_taxable = first.taxable_pay + second.taxable_pay
    assert first.tax + second.tax == floor_to_krona(month_taxable * Decimal("0.40"))  # the 40 % row
    assert second.month_to_date_after.tax_withheld == first.tax + second.tax


def test_payouts_in_order_start_from_earlier_payouts_this_month() -> None:
    (payout,) = calculate_payouts_in_order(
        payouts=[PayoutInput(invoiced_amount=Decimal("40000.00"))],
        birth_date=date(2004, 8, 30),
        pay_date=date(2026, 6, 25),
        parameters=parameters(date(2026, 6, 25)),
        tax=TaxSetting(),
        month_to_date=MonthToDate(contribution_base_youth_used=Decimal("10000.00")),
    )
    assert payout.employer_contributions == Decimal("7778.43")  # case D


# --- properties -------------------------------------------------------------------------------------------

AMOUNTS = st.integers(min_value=1, max_value=1_000_000_000).map(lambda ore: Decimal(ore).scaleb(-2))
BIRTH_DATES = st.sampled_from(
    [
        *(date(1937, 12, 1), date(1938, 1, 1), date(1956, 3, 2), date(1959, 1, 1), date(1990, 5, 14)),
        *(date(2003, 1, 1), date(2004, 8, 30), date(2007, 12, 31), date(2008, 6, 1)),
    ]
)
PAY_DATES = st.sampled_from(
    [date(2025, 6, 25), date(2026, 3, 25), date(2026, 6, 25), date(2026, 11, 25), date(2027, 9, 24)]
)
FEE_RATES = st.sampled_from(["0.06", "0.0598", "0", "0.15"])
MONTH_BASES = st.one_of(
    st.sampled_from(["0.00", "10000.00", "10000.01", "24999.99", "25000.00", "60000.00"]).map(Decimal),
    st.integers(min_value=0, max_value=5_000_000).map(lambda ore: Decimal(ore).scaleb(-2)),
)
PERCENT_TAXES = st.sampled_from(
    [
        TaxSetting(),
        TaxSetting(percent=Decimal("12.5")),
        TaxSetting(mode=TaxMode.SINK),
        TaxSetting(mode=TaxMode.ASINK),
    ]
)
TAXES = st.one_of(
    PERCENT_TAXES,
    st.sampled_from(
        [
            TaxSetting(mode=TaxMode.TABLE, table_number=33, column=1),
            TaxSetting(mode=TaxMode.TABLE, table_number=33, column=2, tax_information_missing=True),
        ]
    ),
)


def payout_for(
    *,
    invoiced: Decimal,
    birth: date,
    pay: date,
    fee_rate: str,
    month_base: Decimal,
    tax: TaxSetting,
) -> Payout:
    return calculate_payout(
        invoiced_amount=invoiced,
        birth_date=birth,
        pay_date=pay,
        parameters=parameters(pay, fee_rate),
        tax=tax,
        month_to_date=MonthToDate(
            contribution_base_youth_used=month_base,
            taxable_pay=month_base,
            tax_withheld=floor_to_krona(month_base * Decimal("0.3")),
        ),
        tax_table=synthetic_table(year=pay.year),
    )


def cost_of(payout: Payout, gross: Decimal) -> Decimal:
    """G + H + C for another G, recomputed from the rule and month-to-date the payout used."""
    holiday = round_half_up(gross * payout.holiday_pay_rate.value)
    base = gross + holiday
    rule = payout.contribution_rule
    if rule.monthly_cap is None or rule.rate_above_cap is None:
        return gross + holiday + round_half_up(base * rule.rate.value)
    left = max(ZERO, rule.monthly_cap - payout.month_to_date_before.contribution_base_youth_used)
    low = min(base, left)
    return gross + holiday + round_half_up(low * rule.rate.value + (base - low) * rule.rate_above_cap.value)


@settings(max_examples=300)
@given(
    invoiced=AMOUNTS, birth=BIRTH_DATES, pay=PAY_DATES, fee_rate=FEE_RATES, month_base=MONTH_BASES, tax=TAXES
)
def test_identity_holds_and_the_residue_is_at_most_two_ore(
    invoiced: Decimal, birth: date, pay: date, fee_rate: str, month_base: Decimal, tax: TaxSetting
) -> None:
    payout = payout_for(
        invoiced=invoiced, birth=birth, pay=pay, fee_rate=fee_rate, month_base=month_base, tax=tax
    )
    parts = payout.fee + payout.gross_salary + payout.holiday_pay + payout.employer_contributions
    assert parts + payout.residue == invoiced
    assert payout.taxable_pay == payout.gross_salary + payout.holiday_pay
    assert Decimal("0.00") <= payout.residue <= Decimal("0.02")
    assert payout.net_pay == payout.taxable_pay - payout.tax
    assert payout.tax >= 0
    assert payout.tax == payout.tax.to_integral_value()


@given(invoiced=AMOUNTS, birth=BIRTH_DATES, pay=PAY_DATES, fee_rate=FEE_RATES, month_base=MONTH_BASES)
def test_gross_is_the_largest_that_fits_the_pool(
    invoiced: Decimal, birth: date, pay: date, fee_rate: str, month_base: Decimal
) -> None:
    payout = payout_for(
        invoiced=invoiced, birth=birth, pay=pay, fee_rate=fee_rate, month_base=month_base, tax=TaxSetting()
    )
    # A plain binary search over every öre of the pool must land on the same G.
    low, high = 0, int(payout.pool.scaleb(2)) + 1
    while high - low > 1:
        middle = (low + high) // 2
        if cost_of(payout, Decimal(middle).scaleb(-2)) <= payout.pool:
            low = middle
        else:
            high = middle
    assert payout.gross_salary == Decimal(low).scaleb(-2)
    assert cost_of(payout, payout.gross_salary) == payout.pool - payout.residue


EXTRA_AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=1_000_000_000)
).map(lambda ore: Decimal(ore).scaleb(-2))


@given(
    invoiced=AMOUNTS,
    extra=EXTRA_AMOUNTS,
    birth=BIRTH_DATES,
    pay=PAY_DATES,
    fee_rate=FEE_RATES,
    month_base=MONTH_BASES,
    tax=PERCENT_TAXES,
)
def test_more_invoiced_never_gives_less_gross_nor_a_krona_less_net(
    invoiced: Decimal,
    extra: Decimal,
    birth: date,
    pay: date,
    fee_rate: str,
    month_base: Decimal,
    tax: TaxSetting,
) -> None:
    less, more = (
        payout_for(invoiced=amount, birth=birth, pay=pay, fee_rate=fee_rate, month_base=month_base, tax=tax)
        for amount in (invoiced, invoiced + extra)
    )
    assert more.gross_salary >= less.gross_salary
    assert more.taxable_pay >= less.taxable_pay
    # Tax drops the öre, so where B × percent crosses a whole krona net pay can dip, by less than 1 kr.
    assert more.net_pay > less.net_pay - Decimal("1.00")


def test_net_pay_can_dip_by_less_than_a_krona_where_tax_crosses_a_krona() -> None:
    less, more = (
        calculate_payout(
            invoiced_amount=Decimal(amount),
            birth_date=date(1990, 5, 14),
            pay_date=date(2026, 11, 25),
            parameters=parameters(date(2026, 11, 25)),
            tax=TaxSetting(),
        )
        for amount in ("14004.16", "14004.17")
    )
    assert more.taxable_pay > less.taxable_pay
    assert (less.tax, more.tax) == (Decimal("3004.00"), Decimal("3005.00"))
    assert less.net_pay - Decimal("1.00") < more.net_pay < less.net_pay

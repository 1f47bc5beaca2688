"""payroll.md §2: no contributions while the year's pay from the cooperative is below 1 000 kr (SFS 2000:980
2 kap. 14 §); the payout that reaches it pays them on the year's whole pay (2 kap. 24 § fourth paragraph).

The worked examples of payroll.md §4 (test_calculation.py) leave the threshold out; these use the seeded
parameters in force on 25 November 2026, threshold included: fee 6 %, holiday pay 12 %, full rate 31.42 %.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kooperativet.core.money import round_half_up
from kooperativet.payroll.calculation import (
    Payout,
    PayoutInput,
    PayrollParameters,
    TaxSetting,
    Threshold,
    YearToDatePay,
    calculate_payout,
    calculate_payouts_in_order,
)
from kooperativet.payroll.parameters import build_payroll_parameters
from tests.payroll.defaults import seeded_values_on

PAY_DATE = date(2026, 11, 25)
BORN_1990 = date(1990, 5, 14)  # full contributions
BORN_1937 = date(1937, 12, 1)  # no contributions at all


def seeded() -> PayrollParameters:
    return build_payroll_parameters(seeded_values_on(PAY_DATE))


def pay(invoiced: str, *, year: YearToDatePay = YearToDatePay(), born: date = BORN_1990) -> Payout:
    return calculate_payout(
        invoiced_amount=Decimal(invoiced),
        birth_date=born,
        pay_date=PAY_DATE,
        parameters=seeded(),
        tax=TaxSetting(),
        year_to_date=year,
    )


def amounts(payout: Payout) -> tuple[Decimal, ...]:
    return (
        payout.fee,
        payout.gross_salary,
        payout.holiday_pay,
        payout.taxable_pay,
        payout.employer_contributions,
        payout.residue,
        payout.tax,
        payout.net_pay,
    )


def test_the_threshold_is_a_dated_parameter_with_its_source() -> None:
    threshold = seeded().contribution_threshold
    assert threshold is not None
    assert threshold.value == Decimal("1000.00")
    assert "SFS 2000:980" in threshold.source
    assert "2 kap. 14 §" in threshold.source


def test_pay_that_leaves_the_year_below_1000_kr_carries_no_contributions() -> None:
    payout = pay("500.00")

    # P = 470.00 all goes to pay: G 419.64 + H 50.36 = 470.00, C = 0, tax 30 % = 141.
    assert amounts(payout) == tuple(
        Decimal(value) for value in ("30.00", "419.64", "50.36", "470.00", "0.00", "0.00", "141.00", "329.00")
    )
    assert payout.below_threshold
    assert payout.contribution_parts == ()
    assert payout.year_to_date_after == YearToDatePay(pay=Decimal("470.00"), deferred_base=Decimal("470.00"))


def test_the_payout_that_reaches_1000_kr_pays_contributions_on_the_whole_year() -> None:
    """470.00 paid in February without contributions; in March 1 000.00 invoiced: P = 940.00 must carry the
    contributions on 470.00 + B. B = 602.88: 0.3142 × 1 072.88 = 337.10, and 538.29 + 64.59 + 337.10 = 939.98.
    Without the earlier pay (the threshold left out) the same invoice would pay C = 224.73 on 715.25."""
    before = YearToDatePay(pay=Decimal("470.00"), deferred_base=Decimal("470.00"))

    payout = pay("1000.00", year=before)

    assert amounts(payout) == tuple(
        Decimal(value)
        for value in ("60.00", "538.29", "64.59", "602.88", "337.10", "0.02", "180.00", "422.88")
    )
    assert not payout.below_threshold
    assert payout.deferred_base_settled == Decimal("470.00")
    assert [(part.base, part.rate.value) for part in payout.contribution_parts] == [
        (Decimal("1072.88"), Decimal("0.3142"))
    ]
    assert payout.year_to_date_after == YearToDatePay(pay=Decimal("1072.88"), deferred_base=Decimal("0.00"))


def test_once_the_year_is_over_1000_kr_each_payout_pays_on_its_own_base() -> None:
    payout = pay("1000.00", year=YearToDatePay(pay=Decimal("1470.00")))

    assert amounts(payout) == tuple(
        Decimal(value)
        for value in ("60.00", "638.62", "76.63", "715.25", "224.73", "0.02", "214.00", "501.25")
    )
    assert payout.deferred_base_settled == Decimal("0.00")


def test_a_pool_too_small_to_cross_with_contributions_pays_just_below_the_threshold() -> None:
    """P = 1 099.80: reaching 1 000.00 would cost 1 000.00 + 314.20 > P, so the largest G keeps the year at
    999.99 without contributions and the cooperative keeps R = 99.81 (payroll.md §2)."""
    payout = pay("1170.00")

    assert amounts(payout) == tuple(
        Decimal(value)
        for value in ("70.20", "892.85", "107.14", "999.99", "0.00", "99.81", "299.00", "700.99")
    )
    assert payout.below_threshold


def test_born_1937_pay_has_a_zero_rate_whatever_the_year() -> None:
    payout = pay(
        "10000.00", born=BORN_1937, year=YearToDatePay(pay=Decimal("500.00"), deferred_base=Decimal("500.00"))
    )

    assert (payout.taxable_pay, payout.employer_contributions) == (Decimal("9400.00"), Decimal("0.00"))
    assert [(part.base, part.rate.value) for part in payout.contribution_parts] == [
        (Decimal("9900.00"), Decimal("0"))
    ]


def test_payouts_on_one_payslip_thread_the_year_to_date() -> None:
    first, second = calculate_payouts_in_order(
        payouts=[
            PayoutInput(invoiced_amount=Decimal("500.00")),
            PayoutInput(invoiced_amount=Decimal("1000.00")),
        ],
        birth_date=BORN_1990,
        pay_date=PAY_DATE,
        parameters=seeded(),
        tax=TaxSetting(),
    )

    assert (first.employer_contributions, second.employer_contributions) == (
        Decimal("0.00"),
        Decimal("337.10"),
    )
    assert second.year_to_date_before == first.year_to_date_after


def test_without_a_threshold_the_year_is_ignored() -> None:
    parameters = seeded()
    unlimited = PayrollParameters(
        fee_rate=parameters.fee_rate,
        holiday_pay_rate=parameters.holiday_pay_rate,
        contribution_rules=parameters.contribution_rules,
        sink_rate=parameters.sink_rate,
        asink_rate=parameters.asink_rate,
        table_surcharge_rate=parameters.table_surcharge_rate,
    )
    payout = calculate_payout(
        invoiced_amount=Decimal("500.00"),
        birth_date=BORN_1990,
        pay_date=PAY_DATE,
        parameters=unlimited,
        tax=TaxSetting(),
        year_to_date=YearToDatePay(pay=Decimal("10.00"), deferred_base=Decimal("10.00")),
    )

    assert payout.employer_contributions == round_half_up(payout.taxable_pay * Decimal("0.3142"))
    assert payout.deferred_base_settled == Decimal("0.00")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: YearToDatePay(pay=Decimal("10.00"), deferred_base=Decimal("10.01")),
            "the deferred base is part of the year's pay",
            id="deferred > pay",
        ),
        pytest.param(
            lambda: YearToDatePay(pay=Decimal("-1.00")), "pay must be a non-negative", id="negative"
        ),
        pytest.param(
            lambda: Threshold(value=Decimal("1000.00"), source=" "), "needs a source", id="without source"
        ),
        pytest.param(lambda: Threshold(value=Decimal("0.001"), source="x"), "whole öre", id="not in öre"),
    ],
)
def test_refuses_impossible_year_values(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


AMOUNTS = st.integers(min_value=0, max_value=300_000).map(lambda ore: Decimal(ore).scaleb(-2))


@settings(max_examples=200)
@given(
    invoiced=AMOUNTS, earlier=st.integers(min_value=0, max_value=150_000).map(lambda o: Decimal(o).scaleb(-2))
)
def test_contributions_are_due_exactly_when_the_year_reaches_the_threshold(
    invoiced: Decimal, earlier: Decimal
) -> None:
    deferred = earlier if earlier < Decimal("1000.00") else Decimal("0.00")
    payout = pay(str(invoiced), year=YearToDatePay(pay=earlier, deferred_base=deferred))

    parts = payout.fee + payout.gross_salary + payout.holiday_pay + payout.employer_contributions
    assert parts + payout.residue == payout.invoiced_amount
    reached = earlier + payout.taxable_pay >= Decimal("1000.00")
    assert payout.below_threshold is not reached
    if reached:
        base = payout.taxable_pay + deferred
        assert payout.employer_contributions == round_half_up(base * Decimal("0.3142"))
        assert sum(part.base for part in payout.contribution_parts) == base
    else:
        assert payout.employer_contributions == Decimal("0.00")
        assert payout.contribution_parts == ()

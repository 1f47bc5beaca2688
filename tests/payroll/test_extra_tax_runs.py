"""payroll.md §3, "Extra tax", through the payroll services as the office runs them: a month's pay too small
for the extra, a correction paid in the same month and in the next, a setting raised or lowered in the middle
of the month, and a member paid in December and in January (nothing carries over, the year starts again).

Flat tax, so that every amount can be checked by hand: tax = floor(B × 30 %), the extra at most what is left
of B after it, in whole kronor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.core.money import floor_to_krona
from kooperativet.parties.models import Member, TaxMode
from kooperativet.payroll import service
from kooperativet.payroll.models import Payslip
from tests.payroll.conftest import APPROVED_AT, create_and_approve, set_tax

EXTRA = Decimal("1000")
ZERO = Decimal("0.00")


def preliminary(payslip: Payslip) -> Decimal:
    """The tax the 30 % withholds, without the extra."""
    return floor_to_krona(payslip.taxable_pay * Decimal("0.30"))


def only_payslip(session: Session, run_id: int) -> Payslip:
    [payslip] = service.run_payslips(session, run_id=run_id)
    return payslip


@pytest.fixture
def treasurer_id(make_user) -> int:
    return int(make_user(Role.treasurer).user.id)


@pytest.fixture
def alva(session: Session, payroll_ready, make_member) -> Member:
    member: Member = make_member().member
    set_tax(session, member, valid_from=date(2026, 1, 1), mode=TaxMode.flat, extra_monthly_tax=EXTRA)
    return member


def run(session: Session, treasurer_id: int, pay_date: date) -> Payslip:
    approved = create_and_approve(session, today=pay_date, pay_date=pay_date, approved_by_id=treasurer_id)
    return only_payslip(session, approved.id)


def test_pay_smaller_than_the_extra_withholds_what_is_left_and_the_months_next_run_the_rest(
    session: Session, alva: Member, treasurer_id: int, paid_assignment
) -> None:
    paid_assignment(alva, "1000.00")
    small = run(session, treasurer_id, date(2026, 11, 10))
    # Everything left after the 30 % goes to the extra, in whole kronor: the net is the öre below a krona.
    assert small.extra_tax == floor_to_krona(small.taxable_pay - preliminary(small))
    assert ZERO < small.extra_tax < EXTRA
    assert small.tax == preliminary(small) + small.extra_tax
    assert ZERO <= small.net_pay < Decimal("1.00")

    paid_assignment(alva, "20000.00")
    later = run(session, treasurer_id, date(2026, 11, 25))
    assert later.extra_tax == EXTRA - small.extra_tax  # the rest of the month's amount, no more
    assert later.tax == preliminary(later) + later.extra_tax
    assert later.year_to_date_tax == small.tax + later.tax


def test_a_correction_in_the_same_month_takes_no_extra_and_one_in_the_next_month_takes_that_months(
    session: Session, alva: Member, treasurer_id: int, paid_assignment, make_member
) -> None:
    bertil = make_member().member  # his pay makes each correction's run (a run needs a payout ready)
    paid_assignment(alva, "20000.00")
    original = run(session, treasurer_id, date(2026, 11, 10))
    assert original.extra_tax == EXTRA

    def corrected_on(pay_date: date) -> Payslip:
        paid_assignment(bertil, "5000.00")
        draft = service.create_run(
            session, today=pay_date, pay_date=pay_date, pay_on=None, created_by_id=None
        ).run
        service.add_correction(
            session,
            run=draft,
            payslip_id=original.id,
            assignment_id=original.lines[0].assignment_id,
            invoiced_amount=Decimal("5000.00"),
            expense_reimbursement=ZERO,
            reason="a second invoice was left out",
            actor_id=treasurer_id,
        )
        service.approve_run(session, run_id=draft.id, approved_by_id=treasurer_id, now=APPROVED_AT)
        [correction] = [p for p in service.run_payslips(session, run_id=draft.id) if p.member_id == alva.id]
        return correction

    november = corrected_on(date(2026, 11, 25))
    assert (november.extra_tax, november.tax) == (ZERO, preliminary(november))  # already withheld in November
    december = corrected_on(date(2026, 12, 23))
    assert december.extra_tax == EXTRA  # December's own amount: a correction is a payout like any other
    assert december.tax == preliminary(december) + EXTRA


def test_raised_in_the_middle_of_the_month_only_the_difference_is_still_due(
    session: Session, alva: Member, treasurer_id: int, paid_assignment
) -> None:
    paid_assignment(alva, "20000.00")
    early = run(session, treasurer_id, date(2026, 11, 10))
    set_tax(
        session, alva, valid_from=date(2026, 11, 15), mode=TaxMode.flat, extra_monthly_tax=Decimal("1500")
    )
    paid_assignment(alva, "20000.00")
    late = run(session, treasurer_id, date(2026, 11, 25))
    assert (early.extra_tax, late.extra_tax) == (EXTRA, Decimal("500.00"))


def test_lowered_in_the_middle_of_the_month_nothing_more_is_withheld_and_nothing_is_paid_back(
    session: Session, alva: Member, treasurer_id: int, paid_assignment
) -> None:
    paid_assignment(alva, "20000.00")
    early = run(session, treasurer_id, date(2026, 11, 10))
    set_tax(session, alva, valid_from=date(2026, 11, 15), mode=TaxMode.flat, extra_monthly_tax=Decimal("0"))
    paid_assignment(alva, "20000.00")
    late = run(session, treasurer_id, date(2026, 11, 25))
    assert early.extra_tax == EXTRA
    assert (late.extra_tax, late.tax) == (ZERO, preliminary(late))


def test_december_and_january_each_take_their_own_month_and_nothing_carries_over(
    session: Session, alva: Member, treasurer_id: int, paid_assignment
) -> None:
    paid_assignment(alva, "1000.00")
    december = run(session, treasurer_id, date(2026, 12, 23))
    assert ZERO < december.extra_tax < EXTRA  # pay too small for the whole amount
    paid_assignment(alva, "20000.00")
    january = run(session, treasurer_id, date(2027, 1, 25))
    assert january.extra_tax == EXTRA  # not December's rest on top
    assert january.tax == preliminary(january) + EXTRA
    assert january.year_to_date_tax == january.tax  # a new year: December's tax is not in it
    assert january.snapshot["month_to_date_before"]["extra_tax_withheld"] == "0.00"

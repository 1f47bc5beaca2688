"""A month whose only payout to someone pays an outlay back (the work credited, the client paid the
travel): nothing of it is pay, so the AGI has no IU for her and the books no empty salary voucher."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports import service as exports
from kooperativet.exports.formats import sie_read
from tests.exports.conftest import EXPORT_DAY, PAY_DATE
from tests.exports.test_agi_contributions import CREATED_AT, fields
from tests.payroll.conftest import create_and_approve


def _approve_the_month(session: Session, make_user, make_member, paid_assignment, *, with_salary: bool):
    """Dagny's work was credited in full and the client paid her outlay; Erik, if asked, was paid salary."""
    treasurer = make_user(Role.treasurer)
    dagny = make_member()
    paid_assignment(dagny.member, "0.00", expenses="789.00")
    if with_salary:
        paid_assignment(make_member().member, "20000.00")
    create_and_approve(session, today=EXPORT_DAY, pay_date=PAY_DATE, approved_by_id=treasurer.user.id)
    return dagny


def test_a_person_paid_only_an_outlay_back_has_no_individual_return(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    dagny = _approve_the_month(session, make_user, make_member, paid_assignment, with_salary=True)

    batch = exports.export_agi(
        session, period="2026-11", today=EXPORT_DAY, created_at=CREATED_AT, created_by_id=None
    )

    payees = [value for code, value in fields(batch.content) if code == "215"]
    assert len(payees) == 1
    assert dagny.member.personal_identity_number not in payees


def test_a_run_that_only_paid_outlays_back_books_the_outlays_and_no_empty_salary_voucher(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    dagny = _approve_the_month(session, make_user, make_member, paid_assignment, with_salary=False)

    batch = exports.export_sie(
        session,
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        today=EXPORT_DAY,
        created_at=CREATED_AT,
        created_by_id=None,
    )

    [voucher] = sie_read.read(batch.content).vouchers
    assert voucher.text == f"Utlägg {dagny.member.first_name} {dagny.member.last_name}: Tåg"
    assert sorted((row.account, row.amount) for row in voucher.transactions) == [
        ("1930", Decimal("-789.00")),
        ("2641", Decimal("44.66")),
        ("6990", Decimal("744.34")),
    ]

"""Extra tax a member asked for (payroll.md §3) in the month's AGI: Skatteverket counts tax withheld at the
employee's request on top of the table or percent as preliminary tax deducted, so FK001 holds both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parties.models import TaxMode
from kooperativet.payroll.models import Payslip
from tests.exports.test_agi_contributions import export, fields, iu_amounts, payslip_text
from tests.payroll.conftest import create_and_approve, set_tax


def test_extra_tax_the_member_asked_for_is_declared_as_tax_withheld_in_fk001(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    """Skatteverket counts tax withheld at the employee's request on top of the table or percent as
    preliminary tax deducted: FK001 holds both, and FK497 sums it."""
    treasurer = make_user(Role.treasurer)
    alva = make_member()  # born 1990: worked example A
    set_tax(
        session,
        alva.member,
        valid_from=date(2026, 1, 1),
        mode=TaxMode.flat,
        percent=Decimal("30"),
        extra_monthly_tax=Decimal("1000"),
    )
    paid_assignment(alva.member, "20000.00")
    create_and_approve(
        session, today=date(2026, 11, 20), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )

    batch = export(session, "2026-11", today=date(2026, 11, 26))

    # 4 291 kr at 30 % and the 1 000 kr she asked for; FK011 is the pay, 14 305.28 in whole kronor.
    assert iu_amounts(batch.content) == [("011", "14305"), ("001", "5291")]
    assert dict(fields(batch.content))["497"] == "5291"
    assert "Extra skatteavdrag" in payslip_text(session.query(Payslip).one())

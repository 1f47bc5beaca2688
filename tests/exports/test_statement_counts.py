"""A month's exports read it with a constant number of statements, however many payslips it holds (P6).

The same month is built with 3 and with 12 members (flat tax, SINK and A-SINK payees, outlays paid back)
and each export's statements are counted on the test's connection: the counts must be equal — also when
a member's name and personnummer changed after the payslips were issued, so that the exports read that
member's payslips from their snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports import service as exports
from kooperativet.exports.service.payroll_summary import summary_rows
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Cooperative, Member, MemberTaxSetting, TaxMode
from kooperativet.parties.schemas import MemberUpdate
from kooperativet.payroll.models import PayrollRun, Payslip
from tests.exports.conftest import EXPORT_DAY, PAY_DATE
from tests.payroll.conftest import create_and_approve, set_tax
from tests.statement_count import statement_count

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def _personal_number(index: int) -> str:
    """A valid personnummer for someone born on 1 March 1980 (the Luhn digit computed)."""
    body = f"800301{index:03}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"19{body}{check}"


def _member(session: Session, make_user, index: int) -> Member:
    user = make_user(Role.member).user
    number = _personal_number(index)
    member = Member(
        user_id=user.id,
        first_name="Mia",
        last_name=f"Medlem{index}",
        personal_identity_number=number,
        birth_date=date(1980, 3, 1),
        joined_on=date(2025, 1, 1),
        email=user.email,
        bank_clearing_number="6000",
        bank_account_number="123456789",
    )
    member.tax_settings = [MemberTaxSetting(valid_from=date(2025, 1, 1), mode=TaxMode.flat, percent=30)]
    session.add(member)
    session.flush()
    return member


def _month_of(session: Session, make_user, paid_assignment, size: int, *, first: int) -> list[Member]:
    """``size`` members paid on PAY_DATE: every third SINK, every third A-SINK, every other with an outlay."""
    members = []
    for index in range(size):
        member = _member(session, make_user, first + index)
        if index % 3 == 1:
            set_tax(session, member, valid_from=date(2026, 1, 1), mode=TaxMode.sink)
        elif index % 3 == 2:
            set_tax(session, member, valid_from=date(2026, 1, 1), mode=TaxMode.asink)
        member.citizenship, member.tax_identification_number, member.tax_identification_country = (
            "FR",
            f"TIN{index:05}",
            "FR",
        )
        paid_assignment(member, "12000.00", expenses="500.00" if index % 2 else None)
        members.append(member)
    return members


def _counts(
    session: Session, connection: Connection, treasurer, *, renamed: Member | None = None
) -> dict[str, int]:
    treasurer_id = treasurer.id
    create_and_approve(session, today=date(2026, 11, 20), pay_date=PAY_DATE, approved_by_id=treasurer_id)
    run = session.query(PayrollRun).one()
    if renamed is not None:
        parties_service.update_member(
            session,
            member=renamed,
            update=MemberUpdate(
                version=renamed.version, last_name="Omdöpt", personal_identity_number="198501315678"
            ),
            actor=treasurer,
            now=NOW,
        )
    session.expire_all()  # read the month afresh, as a request would
    common = {"created_at": NOW, "created_by_id": treasurer_id}
    return {
        "agi": statement_count(
            connection, lambda: exports.export_agi(session, period="2026-11", today=EXPORT_DAY, **common)
        ),
        "sie": statement_count(
            connection,
            lambda: exports.export_sie(
                session, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), today=EXPORT_DAY, **common
            ),
        ),
        "pain001": statement_count(
            connection, lambda: exports.export_pain001(session, run_id=run.id, **common)
        ),
        "payroll_summary": statement_count(
            connection,
            lambda: exports.payroll_summary(
                session, summary_format=exports.SummaryFormat.xlsx, created_at=NOW, period="2026-11"
            ),
        ),
    }


@pytest.mark.parametrize("renamed", [False, True], ids=["as registered", "a member renamed after issue"])
def test_the_exports_use_as_many_statements_for_twelve_payees_as_for_three(
    session: Session,
    connection: Connection,
    exporter: Cooperative,
    make_user,
    paid_assignment,
    renamed: bool,
) -> None:
    treasurer = make_user(Role.treasurer).user
    savepoint = session.begin_nested()
    members = _month_of(session, make_user, paid_assignment, 3, first=0)
    small = _counts(session, connection, treasurer, renamed=members[1] if renamed else None)
    savepoint.rollback()
    session.expire_all()

    members = _month_of(session, make_user, paid_assignment, 12, first=100)
    large = _counts(session, connection, treasurer, renamed=members[1] if renamed else None)

    assert small == large, f"statements grew with the month: {small} for 3 payees, {large} for 12"
    assert all(count > 0 for count in small.values())


def test_the_payroll_summary_names_each_payee_as_her_payslip_was_issued(
    session: Session, connection: Connection, exporter: Cooperative, make_user, paid_assignment
) -> None:
    """The summary reads whom a payslip was issued to from the payslip's own columns, not its snapshot: the
    name, personnummer and date of birth must be the snapshot's all the same, also for a member renamed
    and given another personnummer after the payslips were issued."""
    treasurer = make_user(Role.treasurer).user
    members = _month_of(session, make_user, paid_assignment, 4, first=200)
    _counts(session, connection, treasurer, renamed=members[1])

    rows = summary_rows(session, period="2026-11")

    payslips = {payslip.id: payslip for payslip in session.scalars(select(Payslip))}
    assert {(row.payslip_id, row.payslip_number) for row in rows} == {
        (payslip.id, payslip.number) for payslip in payslips.values()
    }
    shown = {(row.payslip_id, row.member_name, row.personal_identity_number, row.birth_date) for row in rows}
    issued = {
        (
            payslip.id,
            payslip.snapshot["employee"]["name"],
            payslip.snapshot["employee"]["personal_identity_number"],
            date.fromisoformat(payslip.snapshot["employee"]["birth_date"]),
        )
        for payslip in payslips.values()
    }
    assert shown == issued
    assert ("Mia Medlem201", "198003012013", date(1980, 3, 1)) in {row[1:] for row in shown}  # not "Omdöpt"

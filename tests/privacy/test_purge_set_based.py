"""The purge after retention is set-based: finding the members due, the dry run and the purge itself take the
same number of SQL statements for 20 removed members as for 2 (tests/payroll/test_set_based.py counts the
same way)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kooperativet.audit import service as audit_service
from kooperativet.parties.models import Member, MemberTaxSetting, TaxMode
from kooperativet.parties.service.notice import MemberChange, queue_change_notice
from kooperativet.privacy.purge import plan_purge, purge_after_retention
from tests.exports.conftest import ApprovedRun
from tests.payroll.population import luhn_number
from tests.privacy.purged import DUE, PURGED_AT, RETAINED_UNTIL, member_on, remove
from tests.statement_count import counted


def _removed_members(session: Session, make_user, *, first_serial: int, count: int) -> list[Member]:
    """``count`` members who left in 2026, each told of a change by e-mail, then removed."""
    members = []
    for serial in range(first_serial, first_serial + count):
        born = date(1980, 1, 1 + serial % 28)
        member = Member(
            first_name="Mia",
            last_name=f"Medlem {serial}",
            personal_identity_number=luhn_number(serial, born),
            birth_date=born,
            joined_on=date(2025, 1, 1),
            email=f"mia.{serial}@example.se",
        )
        member.tax_settings = [MemberTaxSetting(valid_from=date(2025, 1, 1), mode=TaxMode.flat, percent=30)]
        session.add(member)
        session.flush()
        queue_change_notice(session, MemberChange(member, ("last_name",), bank_account_changed=False))
        remove(session, member, make_user)
        members.append(member)
    return members


def _statements(session: Session, connection: Connection) -> tuple[int, int, int, int]:
    """Statements to find nobody due yet, to plan the purge, and to purge (and how many were purged)."""
    session.expire_all()
    with counted(connection) as finding:
        assert purge_after_retention(session, today=RETAINED_UNTIL, now=PURGED_AT) == []
    session.expire_all()
    with counted(connection) as planning:
        planned = plan_purge(session, today=DUE)
    session.expire_all()
    with counted(connection) as purging:
        purged = purge_after_retention(session, today=DUE, now=PURGED_AT)
    assert purged == planned
    return finding.count, planning.count, purging.count, len(purged)


def test_the_purge_of_twenty_removed_members_takes_the_statements_of_the_purge_of_two(
    session: Session, connection: Connection, approved_run: ApprovedRun, make_user
) -> None:
    # Each batch has one member with a payslip, its snapshot and an invoice, the others only a record.
    alva, _ = member_on(session, approved_run, 0)
    cleo, _ = member_on(session, approved_run, 2)
    remove(session, alva, make_user)
    _removed_members(session, make_user, first_serial=100, count=1)
    two = _statements(session, connection)

    remove(session, cleo, make_user)
    _removed_members(session, make_user, first_serial=200, count=19)
    twenty = _statements(session, connection)

    assert (two[3], twenty[3]) == (2, 20)
    assert two[:3] == twenty[:3]
    assert two[0] == 1  # the members and the days their retention follows, in one query
    purged = session.scalars(select(Member).where(Member.purged_at.is_not(None))).all()
    assert len(purged) == 22
    assert all(member.personal_identity_number is None for member in purged)
    assert audit_service.verify(session, anchor=None).problem is None

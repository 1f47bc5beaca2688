"""Issue 14: the answer with a whole run (``GET /payroll-runs/{id}``, and the approval's answer) reads each
payslip's name, amounts and lines, not its snapshot.

A snapshot is several kilobytes of encrypted JSON; reading, decrypting and parsing ten thousand of them took
more than half of the answer's time for a large run. The name comes from the payslip's own column, and a
payslip stored before that column existed still shows its name, read from its snapshot in one statement for
all such payslips of the run.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service
from kooperativet.payroll.models import DraftPayslip, PayrollRun
from kooperativet.payroll.schemas import PayrollRunRead
from tests.payroll.conftest import APPROVED_AT
from tests.statement_count import counted

NOVEMBER = date(2026, 11, 25)


def _draft_of_three(session: Session, make_member, paid_assignment) -> tuple[PayrollRun, list[str]]:
    members = [make_member().member for _ in range(3)]
    for member in members:
        paid_assignment(member, "10000.00")
    paid_assignment(members[0], "2500.00", expenses="300.00")
    run = service.create_run(
        session, today=date(2026, 11, 1), pay_date=NOVEMBER, pay_on=None, created_by_id=None
    ).run
    session.expire_all()
    return run, [member.full_name for member in members]


def _names(session: Session, run: PayrollRun) -> list[str]:
    read = PayrollRunRead.from_model(service.show_run(session, run=run))
    return [payslip.member_name for payslip in read.payslips]


def test_a_whole_run_is_answered_without_reading_a_snapshot(
    session: Session, connection: Connection, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer).user
    run, names = _draft_of_three(session, make_member, paid_assignment)

    with counted(connection) as statements:
        assert _names(session, run) == names
    assert statements.sql
    assert not [s for s in statements.sql if "payslip_snapshots" in s]

    service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    session.expire_all()
    with counted(connection) as statements:
        read = PayrollRunRead.from_model(service.show_run(session, run=run))
    assert [payslip.member_name for payslip in read.payslips] == names
    assert [payslip.number for payslip in read.payslips] == ["L2026-00001", "L2026-00002", "L2026-00003"]
    assert [len(payslip.lines) for payslip in read.payslips] == [2, 1, 1]
    assert not [s for s in statements.sql if "payslip_snapshots" in s]


def test_a_payslip_stored_without_its_name_column_shows_the_name_of_its_snapshot(
    session: Session, connection: Connection, payroll_ready, make_member, paid_assignment
) -> None:
    """Drafts stand in for payslips stored before ``employee_name`` existed (an issued payslip cannot be
    changed to empty it): both kinds are read by the same code."""
    run, names = _draft_of_three(session, make_member, paid_assignment)
    with counted(connection) as statements:
        assert _names(session, run) == names
    fresh = statements.count
    session.execute(update(DraftPayslip).where(DraftPayslip.run_id == run.id).values(employee_name=None))
    session.expire_all()

    with counted(connection) as statements:
        assert _names(session, run) == names
    # The run's unnamed payslips get their snapshots in one statement, whatever their number.
    assert statements.count == fresh + 1
    assert len([s for s in statements.sql if "payslip_snapshots" in s]) == 1


def test_the_api_answers_the_whole_run_with_the_members_names(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    run, names = _draft_of_three(session, make_member, paid_assignment)
    session.commit()

    draft = api.get(f"/api/v1/payroll-runs/{run.id}", headers=treasurer.headers)
    assert draft.status_code == 200
    assert [payslip["member_name"] for payslip in draft.json()["payslips"]] == names
    approved = api.post(f"/api/v1/payroll-runs/{run.id}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert [payslip["member_name"] for payslip in body["payslips"]] == names
    assert body["payslips"][0]["net_pay"] == draft.json()["payslips"][0]["net_pay"]

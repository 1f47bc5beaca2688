"""``db.insert_rows``, the bulk insert of a large payroll run's rows (COPY on PostgreSQL, executemany on
SQLite), stores what an ordinary INSERT stores, counts as one statement and fails as an INSERT fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kooperativet.db import insert_rows, table_of
from kooperativet.parties.models import Member
from kooperativet.payroll.models import DraftPayslip, PayOn, PayrollRun, PayslipSnapshot, RunStatus
from kooperativet.payroll.service.issue import VALUE_COLUMNS
from tests.statement_count import counted


def _run(session: Session) -> PayrollRun:
    run = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.payment, status=RunStatus.draft)
    session.add(run)
    session.flush()
    return run


def _row(run: PayrollRun, member: Member, **changes: Any) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "member_id": member.id,
        "bank_problem": None,
        "language": "sv",
        "employee_name": "Åsa Öberg",
        "employee_personal_identity_number": "19850412-1234",
        **{name: Decimal("0.00") for name in VALUE_COLUMNS if name not in _NOT_AMOUNTS},
        "bank_clearing_number": "8327",
        "bank_account_number": None,
        "bank_iban": None,
    } | changes


_NOT_AMOUNTS = {
    "language", "employee_name", "employee_personal_identity_number", "bank_clearing_number",
    "bank_account_number", "bank_iban",
}  # fmt: skip


def test_rows_are_stored_as_an_insert_stores_them_in_one_statement(
    session: Session, connection: Connection, make_member
) -> None:
    run = _run(session)
    first, second = make_member().member, make_member().member
    rows = [
        _row(run, first, net_pay=Decimal("12345.67"), tax=Decimal("4321.00")),
        _row(run, second, bank_problem="no bank account", bank_clearing_number=None, employee_name="Bo Ek"),
    ]
    with counted(connection) as statements:
        insert_rows(session, table_of(DraftPayslip), rows)
    assert statements.count == 1
    snapshot = {"lines": [{"net_pay": "1234.56"}], "name": "Åsa Öberg"}
    insert_rows(
        session, table_of(PayslipSnapshot), [{"run_id": run.id, "member_id": first.id, "snapshot": snapshot}]
    )

    stored = session.scalars(select(DraftPayslip).where(DraftPayslip.run_id == run.id).order_by("id")).all()
    assert [(d.member_id, d.net_pay, d.tax, d.bank_problem) for d in stored] == [
        (first.id, Decimal("12345.67"), Decimal("4321.00"), None),
        (second.id, Decimal("0.00"), Decimal("0.00"), "no bank account"),
    ]
    assert [d.employee_name for d in stored] == ["Åsa Öberg", "Bo Ek"]
    assert stored[0].snapshot == snapshot  # JSON, encrypted, in a table of its own
    assert stored[1].snapshot is None
    assert [d.bank_clearing_number for d in stored] == ["8327", None]
    # Encrypted on disk, as the column type stores it: the name is not in the raw row.
    raw = session.execute(
        text("SELECT employee_name FROM payroll_draft_payslips WHERE id = :id"), {"id": stored[0].id}
    ).scalar_one()
    assert "Öberg" not in raw
    raw_snapshot = session.execute(text("SELECT snapshot FROM payslip_snapshots")).scalar_one()
    assert "Öberg" not in raw_snapshot


def test_a_violated_constraint_is_the_integrity_error_an_insert_raises(session: Session, make_member) -> None:
    run = _run(session)
    member = make_member().member
    nested = session.begin_nested()
    with pytest.raises(IntegrityError):
        # The same member twice in one run: the unique constraint (run_id, member_id).
        insert_rows(session, table_of(DraftPayslip), [_row(run, member), _row(run, member)])
    nested.rollback()
    assert session.scalars(select(DraftPayslip).where(DraftPayslip.run_id == run.id)).all() == []


def test_no_rows_send_nothing(session: Session, connection: Connection) -> None:
    with counted(connection) as statements:
        insert_rows(session, table_of(DraftPayslip), [])
    assert statements.sql == []

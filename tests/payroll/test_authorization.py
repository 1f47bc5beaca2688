"""R1 for tax tables, payroll runs, payslips and the payroll summary (see tests/authz.py).

The paths point at an approved run with one payslip for "member"; writes that would change a locked run are
409 for the office, so the expectations also show that no role can change it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service
from tests.authz import (
    AUDITOR_READS,
    AUDITOR_REFUSED,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)

OFFICE_READ = row(401, 403, 403, 200, 403, 200)
OWNER_OR_OFFICE = row(401, 200, 404, 200, 404, 200)
LOCKED = row(401, 403, 403, 409, 403, 409)

EXPECTATIONS: dict[str, Expectation] = {
    "import_tax_tables": (row(401, 403, 403, 403, 403, 422), None),  # no file: validation, after the role
    "list_tax_table_imports": (OFFICE_READ, None),
    "create_payroll_run": (row(401, 403, 403, 409, 403, 409), {"pay_date": "2026-12-23"}),  # nothing ready
    "list_payroll_runs": (OFFICE_READ, None),
    "get_payroll_run": (OFFICE_READ, None),
    "list_payroll_run_payslips": (OFFICE_READ, None),
    "discard_payroll_run": (LOCKED, None),
    "add_payroll_correction": (
        LOCKED,
        {"payslip_id": 1, "assignment_id": 1, "invoiced_amount": "1.00", "reason": "test"},
    ),
    "approve_payroll_run": (LOCKED, None),
    "recalculate_payroll_run": (LOCKED, None),
    "mark_payroll_run_paid": (row(401, 403, 403, 200, 403, 200), None),
    "download_payroll_run_payslips": (OFFICE_READ, None),
    "download_payroll_run_summary": (OFFICE_READ, None),
    "download_payroll_period_summary": (OFFICE_READ, None),
    "list_payslips": (row(401, 200, 200, 200, 200, 200), None),
    "get_payslip": (OWNER_OR_OFFICE, None),
    "download_payslip_pdf": (OWNER_OR_OFFICE, None),
    "get_member_payroll_year_to_date": (OWNER_OR_OFFICE, None),
    # Each member asks for her own estimate; a user without a member record has none (404).
    "estimate_member_pay": (row(401, 200, 200, 404, 404, 404), {"invoiced_amount": "20000.00"}),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "import_tax_tables": AUDITOR_REFUSED,
    "list_tax_table_imports": AUDITOR_READS,
    "create_payroll_run": AUDITOR_REFUSED,
    "list_payroll_runs": AUDITOR_READS,
    "get_payroll_run": AUDITOR_READS,
    "list_payroll_run_payslips": AUDITOR_READS,
    "discard_payroll_run": AUDITOR_REFUSED,
    "add_payroll_correction": AUDITOR_REFUSED,
    "approve_payroll_run": AUDITOR_REFUSED,
    "recalculate_payroll_run": AUDITOR_REFUSED,
    "mark_payroll_run_paid": AUDITOR_REFUSED,
    "download_payroll_run_payslips": AUDITOR_READS,
    "download_payroll_run_summary": AUDITOR_READS,
    "download_payroll_period_summary": AUDITOR_READS,
    "list_payslips": AUDITOR_READS,
    "get_payslip": AUDITOR_READS,
    "download_payslip_pdf": AUDITOR_READS,
    "get_member_payroll_year_to_date": AUDITOR_READS,
    "estimate_member_pay": 404,  # no member record of her own
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient,
    session: Session,
    make_user,
    make_member,
    payroll_ready,
    paid_assignment,
    operation_id: str,
    role: str,
) -> None:
    actors = Actors.make(make_user, make_member)
    paid_assignment(actors.member.member, "20000.00")
    run = service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    ).run
    service.approve_run(
        session,
        run_id=run.id,
        approved_by_id=make_user(Role.treasurer).user.id,
        now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
    )
    [payslip] = service.run_payslips(session, run_id=run.id)
    method, template = OPERATIONS[operation_id]
    path = template.format(run_id=run.id, payslip_id=payslip.id, member_id=actors.member.member.id)
    if operation_id == "download_payroll_period_summary":
        path += "?period=2026-11"
    if operation_id == "get_member_payroll_year_to_date":
        path += "?year=2026"
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

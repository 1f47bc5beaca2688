"""Separation of duties (R12): nobody approves the payroll run that pays her or corrects her own payslip."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service
from kooperativet.payroll.models import Payslip
from tests.payroll.conftest import create_and_approve

RUNS = "/api/v1/payroll-runs"
NOVEMBER = {"pay_date": "2026-11-25"}


@pytest.mark.parametrize("role", [Role.treasurer, Role.admin])
def test_an_officer_creates_a_run_with_her_own_payout_but_another_one_approves_it(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment, role: Role
) -> None:
    officer = make_member(role)
    paid_assignment(officer.member, "20000.00")
    paid_assignment(make_member().member, "10000.00")

    draft = api.post(RUNS, json=NOVEMBER, headers=officer.headers)
    assert draft.status_code == 201, draft.text
    run_id = draft.json()["id"]

    refused = api.post(f"{RUNS}/{run_id}/approve", headers=officer.headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "own_work"
    assert f"approve payroll run {run_id}" in refused.json()["detail"]
    assert f"member {officer.member.id}" in refused.json()["detail"]
    assert api.get(f"{RUNS}/{run_id}", headers=officer.headers).json()["status"] == "draft"
    assert session.scalar(select(func.count()).select_from(Payslip)) == 0

    approved = api.post(f"{RUNS}/{run_id}/approve", headers=make_user(Role.treasurer).headers)
    assert approved.status_code == 200, approved.text
    assert len(approved.json()["payslips"]) == 2


def test_an_officer_approves_a_run_without_her_own_payout(
    api: TestClient, payroll_ready, make_member, paid_assignment
) -> None:
    officer = make_member(Role.treasurer)
    paid_assignment(make_member().member, "10000.00")
    run_id = api.post(RUNS, json=NOVEMBER, headers=officer.headers).json()["id"]

    approved = api.post(f"{RUNS}/{run_id}/approve", headers=officer.headers)

    assert approved.status_code == 200, approved.text


def test_nobody_adds_a_correction_to_her_own_payslip(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    officer = make_member(Role.treasurer)
    other_treasurer = make_user(Role.treasurer)
    assignment = paid_assignment(officer.member, "20000.00")
    october = create_and_approve(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), approved_by_id=other_treasurer.user.id
    )
    [original] = service.run_payslips(session, run_id=october.id)
    paid_assignment(make_member().member, "1000.00")
    november = api.post(RUNS, json=NOVEMBER, headers=other_treasurer.headers).json()
    body = {
        "payslip_id": original.id,
        "assignment_id": assignment.id,
        "invoiced_amount": "1000.00",
        "reason": "a second invoice of the assignment was left out",
    }

    refused = api.post(f"{RUNS}/{november['id']}/corrections", json=body, headers=officer.headers)

    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "own_work"
    assert f"correct payslip {original.number}" in refused.json()["detail"]
    corrected = api.post(f"{RUNS}/{november['id']}/corrections", json=body, headers=other_treasurer.headers)
    assert corrected.status_code == 201, corrected.text

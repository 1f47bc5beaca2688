"""Issues 11 and 14: a payroll run's draft is calculated once per write that changes it (creating it, adding
a correction, recalculating it) and stored; showing it reads the stored draft and approving it issues the
stored draft, neither calculates anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service
from kooperativet.payroll.service import calculate
from tests.payroll.conftest import create_and_approve

RUNS = "/api/v1/payroll-runs"


@pytest.fixture
def calculations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per call of the pure calculation of a member's payouts (one call per draft payslip)."""
    calls: list[int] = []
    pure: Callable[..., Any] = calculate.calculate_payouts_in_order

    def counted(**arguments: Any) -> Any:
        calls.append(len(arguments["payouts"]))
        return pure(**arguments)

    monkeypatch.setattr(calculate, "calculate_payouts_in_order", counted)
    return calls


def test_a_draft_is_calculated_when_made_or_corrected_and_never_when_shown_or_approved(
    api: TestClient,
    session: Session,
    payroll_ready,
    make_user,
    make_member,
    paid_assignment,
    calculations: list[int],
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    assignment = paid_assignment(alva.member, "20000.00")
    october = create_and_approve(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), approved_by_id=treasurer.user.id
    )
    [original] = service.run_payslips(session, run_id=october.id)
    paid_assignment(make_member().member, "1000.00")
    calculations.clear()

    created = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers)
    assert created.status_code == 201, created.text
    assert calculations == [1]  # one payslip of one payout, calculated once

    calculations.clear()
    shown = api.get(f"{RUNS}/{created.json()['id']}", headers=treasurer.headers)
    assert shown.status_code == 200, shown.text
    assert calculations == []  # the stored draft
    assert shown.json()["payslips"] == created.json()["payslips"]

    calculations.clear()
    corrected = api.post(
        f"{RUNS}/{created.json()['id']}/corrections",
        json={
            "payslip_id": original.id,
            "assignment_id": assignment.id,
            "invoiced_amount": "1000.00",
            "reason": "a second invoice of the assignment was left out",
        },
        headers=treasurer.headers,
    )
    assert corrected.status_code == 201, corrected.text
    assert len(corrected.json()["payslips"]) == 2
    assert calculations == [1, 1]  # Alva's correction and the other member's payout, once each

    calculations.clear()
    approved = api.post(f"{RUNS}/{created.json()['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    assert [payslip["number"] for payslip in approved.json()["payslips"]] == ["L2026-00002", "L2026-00003"]
    assert calculations == []  # approval issues the stored draft

"""Marking a run paid on the day its salaries left the bank (payroll.md §5): the treasurer often says so days
later, at the month end, so the day is hers to give; not a day still to come, nor one before the approval."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import today
from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.payroll import service
from kooperativet.payroll.models import PayrollRun, RunStatus

RUNS = "/api/v1/payroll-runs"
PAY_DATE = date(2026, 11, 25)
#: The month end, when the treasurer gets round to marking November's run paid.
MONTH_END = date(2026, 11, 30)


@pytest.fixture
def at_month_end(app: FastAPI) -> Iterator[date]:
    app.dependency_overrides[today] = lambda: MONTH_END
    yield MONTH_END
    app.dependency_overrides.pop(today, None)


def _approved(session: Session, make_member, paid_assignment, *, approved_at: datetime) -> PayrollRun:
    paid_assignment(make_member().member, "20000.00")
    run = service.create_run(
        session, today=date(2026, 11, 1), pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    approved = service.approve_run(session, run_id=run.id, approved_by_id=None, now=approved_at)
    session.commit()
    return approved


def _paid_events(session: Session) -> list[dict[str, object]]:
    kind = AuditEvent.kind == "payroll_run_paid"
    return [json.loads(event.payload) for event in session.scalars(select(AuditEvent).where(kind))]


def test_the_run_is_paid_on_the_day_given_not_the_day_it_is_marked(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment, at_month_end
) -> None:
    treasurer = make_user(Role.treasurer)
    run = _approved(session, make_member, paid_assignment, approved_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    paid = api.post(f"{RUNS}/{run.id}/mark-paid", json={"paid_on": "2026-11-25"}, headers=treasurer.headers)
    assert paid.status_code == 200, paid.text
    assert (paid.json()["status"], paid.json()["paid_on"]) == ("paid", "2026-11-25")
    session.expire_all()
    assert session.get_one(PayrollRun, run.id).paid_on == PAY_DATE
    assert _paid_events(session) == [
        {"run_id": run.id, "pay_date": "2026-11-25", "paid_on": "2026-11-25", "paid_by_id": treasurer.user.id}
    ]


@pytest.mark.parametrize("body", [None, {}, {"paid_on": None}], ids=["no body", "empty", "null"])
def test_without_a_day_the_run_is_paid_today_as_before(
    api: TestClient,
    session: Session,
    payroll_ready,
    make_user,
    make_member,
    paid_assignment,
    at_month_end,
    body: dict[str, None] | None,
) -> None:
    """Clients from before the day could be given send no body, and keep the answer they had."""
    treasurer = make_user(Role.treasurer)
    run = _approved(session, make_member, paid_assignment, approved_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    paid = api.post(f"{RUNS}/{run.id}/mark-paid", json=body, headers=treasurer.headers)
    assert paid.status_code == 200, paid.text
    assert paid.json()["paid_on"] == "2026-11-30"


@pytest.mark.parametrize(
    ("paid_on", "code"),
    [
        ("2026-12-01", "paid_in_the_future"),  # the day after the month end it is marked on
        ("2026-11-19", "paid_before_approval"),  # the day before the approval
    ],
)
def test_a_day_after_today_or_before_the_approval_is_refused_by_its_field_and_nothing_changes(
    api: TestClient,
    session: Session,
    payroll_ready,
    make_user,
    make_member,
    paid_assignment,
    at_month_end,
    paid_on: str,
    code: str,
) -> None:
    treasurer = make_user(Role.treasurer)
    run = _approved(session, make_member, paid_assignment, approved_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    refused = api.post(f"{RUNS}/{run.id}/mark-paid", json={"paid_on": paid_on}, headers=treasurer.headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["code"], problem["field"]) == (code, "paid_on")
    assert [error["field"] for error in problem["errors"]] == ["paid_on"]
    session.expire_all()
    stored = session.get_one(PayrollRun, run.id)
    assert (stored.status, stored.paid_on, stored.paid_by_id) == (RunStatus.approved, None, None)
    assert _paid_events(session) == []


def test_the_approval_s_day_is_the_swedish_calendar_s(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment, at_month_end
) -> None:
    """Approved at 23:30 UTC on 19 November: 00:30 on the 20th in Sweden. The 19th is before the approval,
    the 20th is its day (a comparison in UTC would have it the other way round)."""
    treasurer = make_user(Role.treasurer)
    run = _approved(
        session, make_member, paid_assignment, approved_at=datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    )
    path = f"{RUNS}/{run.id}/mark-paid"
    early = api.post(path, json={"paid_on": "2026-11-19"}, headers=treasurer.headers)
    assert (early.status_code, early.json()["code"]) == (422, "paid_before_approval")
    same_day = api.post(path, json={"paid_on": "2026-11-20"}, headers=treasurer.headers)
    assert same_day.status_code == 200, same_day.text
    assert same_day.json()["paid_on"] == "2026-11-20"


def test_a_day_that_is_not_a_date_is_refused_by_its_field(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment, at_month_end
) -> None:
    treasurer = make_user(Role.treasurer)
    run = _approved(session, make_member, paid_assignment, approved_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    refused = api.post(
        f"{RUNS}/{run.id}/mark-paid", json={"paid_on": "2026-11-31"}, headers=treasurer.headers
    )
    assert refused.status_code == 422, refused.text
    assert [error["field"] for error in refused.json()["errors"]] == ["paid_on"]
    session.expire_all()
    assert session.get_one(PayrollRun, run.id).status == RunStatus.approved
    assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == "payroll_run_paid")) == 0


@pytest.mark.parametrize(
    ("pay_date", "approved_at", "suggested"),
    [
        (PAY_DATE, datetime(2026, 11, 20, 12, tzinfo=UTC), PAY_DATE),  # marked at the month end: the pay date
        (date(2026, 12, 23), datetime(2026, 11, 20, 12, tzinfo=UTC), MONTH_END),  # paid early: today
        (date(2026, 11, 10), datetime(2026, 11, 20, 12, tzinfo=UTC), date(2026, 11, 20)),  # approved late
    ],
)
def test_the_day_offered_is_the_pay_date_within_the_approval_and_today(
    session: Session, pay_date: date, approved_at: datetime, suggested: date
) -> None:
    run = PayrollRun(pay_date=pay_date, approved_at=approved_at, status=RunStatus.approved)
    assert service.suggested_paid_on(run, today=MONTH_END) == suggested

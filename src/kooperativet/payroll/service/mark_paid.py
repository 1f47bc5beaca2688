"""An approved run's salaries have left the bank: approved → paid."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import clock_of
from kooperativet.errors import Conflict
from kooperativet.payroll.models import PayrollRun, RunStatus
from kooperativet.payroll.service.runs import get_run


def mark_run_paid(session: Session, *, run_id: int, paid_on: date, paid_by_id: int) -> PayrollRun:
    """An approved run's salaries have left the bank: approved → paid. Anything else is a 409."""
    run = get_run(session, run_id=run_id, for_update=True)
    if run.status != RunStatus.approved:
        raise Conflict(
            f"payroll run {run.id} is {run.status}; only an approved run can be marked paid",
            code="run_not_approved",
        )
    run.status = RunStatus.paid
    run.paid_on = paid_on
    run.paid_by_id = paid_by_id
    run.version += 1
    session.flush()
    # Audited like the approval: saying that the salaries have left the bank is a decision about money, and
    # the auditor reads who made it and when in the chain, not only on the run.
    append_event(
        session,
        kind="payroll_run_paid",
        payload={
            "run_id": run.id,
            "pay_date": run.pay_date.isoformat(),
            "paid_on": paid_on.isoformat(),
            "paid_by_id": paid_by_id,
        },
        now=clock_of(session),
    )
    return run

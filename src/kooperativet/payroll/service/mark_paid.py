"""An approved run's salaries have left the bank: approved → paid, on the day they left."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.core.calendar import swedish_day
from kooperativet.db import clock_of
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.payroll.models import PayrollRun, RunStatus
from kooperativet.payroll.service.runs import get_run


def mark_run_paid(
    session: Session, *, run_id: int, paid_on: date, today: date, paid_by_id: int
) -> PayrollRun:
    """An approved run's salaries have left the bank: approved → paid. Anything else is a 409.

    ``paid_on`` is the day the money left the bank, which the treasurer often records days later (at the
    month end): a day after ``today`` has not happened (422 ``paid_in_the_future``), and the money cannot
    have left before the run was approved, when its payslips and payment file were made (422
    ``paid_before_approval``)."""
    run = get_run(session, run_id=run_id, for_update=True)
    if run.status != RunStatus.approved or run.approved_at is None:
        raise Conflict(
            f"payroll run {run.id} is {run.status}; only an approved run can be marked paid",
            code="run_not_approved",
        )
    _check_paid_on(paid_on, approved_on=approved_day(run.approved_at), today=today)
    run.status = RunStatus.paid
    run.paid_on = paid_on
    run.paid_by_id = paid_by_id
    run.version += 1
    session.flush()
    # Audited like the approval: saying that the salaries have left the bank is a decision about money, and
    # the auditor reads who made it and when in the chain, not only on the run. ``paid_on`` is the day she
    # gave; the event's own moment is when she said so.
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


def approved_day(approved_at: datetime) -> date:
    """The Swedish calendar day of the approval (a moment in UTC), as ``paid_on`` is a Swedish day: 23:30 UTC
    is already tomorrow in Sweden."""
    return swedish_day(approved_at)


def suggested_paid_on(run: PayrollRun, *, today: date) -> date:
    """The day a treasurer most likely means when she marks ``run`` paid: its pay date.

    The payment file (pain.001) asks the bank to pay on the pay date, so that is the day the money left,
    also when she marks it paid days later at the month end (when today would be the wrong day). A pay date
    still to come means she paid early, by hand: today. Never before the approval (a run approved after its
    pay date), which ``mark_run_paid`` would refuse."""
    day = min(run.pay_date, today)
    return max(day, approved_day(run.approved_at)) if run.approved_at else day


def _check_paid_on(paid_on: date, *, approved_on: date, today: date) -> None:
    if paid_on > today:
        raise RuleViolation(
            f"the day paid {paid_on} is after today, {today}: record the day the salaries left the bank",
            code="paid_in_the_future",
            field="paid_on",
        )
    if paid_on < approved_on:
        raise RuleViolation(
            f"the day paid {paid_on} is before the run was approved on {approved_on}: the salaries cannot "
            "have left the bank before",
            code="paid_before_approval",
            field="paid_on",
        )

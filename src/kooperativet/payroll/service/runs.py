"""Creating, reading, listing and discarding a run (payroll.md §5)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kooperativet.core.batch import cyclic_collector_paused
from kooperativet.core.calendar import previous_bank_day
from kooperativet.db import fetch_locked, fetch_page, insert_rows, table_of, take_turns
from kooperativet.errors import Conflict, NotFound
from kooperativet.parameters import service as parameters_service
from kooperativet.payroll.models import PayOn, PayrollRun, RunPayout, RunStatus
from kooperativet.payroll.service import collect, waiting
from kooperativet.payroll.service.calculate import RunWithPayslips
from kooperativet.payroll.service.drafts import (
    calculate_and_store,
    changes_since_calculation,
    forget_draft,
    recalculate,
)
from kooperativet.payroll.service.run_pages import shown_payslips


def default_pay_date(session: Session, *, today: date) -> date:
    """The next pay date on or after ``today``: the pay day (25th) of the month, or the bank day before it."""
    year, month = today.year, today.month
    while True:
        first = date(year, month, 1)
        pay_day = parameters_service.value_in_force(session, key="pay_day", on=first).as_int()
        candidate = previous_bank_day(date(year, month, pay_day))
        if candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


#: The work that makes runs take turns (``db.take_turns``): collecting the ready payouts into a new run.
COLLECTING = "collecting ready payouts into a payroll run"


@cyclic_collector_paused()  # a month's worth of rows at once (core/batch.py)
def create_run(
    session: Session, *, today: date, pay_date: date | None, pay_on: PayOn | None, created_by_id: int | None
) -> RunWithPayslips:
    """A draft run for ``pay_date`` (default: the next pay day) with every payout that is ready.

    Nothing ready is a 409 (``waiting.nothing_ready``: naming the assignments that wait for the rest of
    their work to be invoiced, when some do); a payout that cannot be calculated (no tax table, no tax
    setting) is a 422.
    """
    pay_date = pay_date or default_pay_date(session, today=today)
    if pay_on is None:
        pay_on = PayOn(parameters_service.value_in_force(session, key="pay_on", on=pay_date).value)
    # Two runs made at the same moment would otherwise each collect the same ready assignments and pay
    # them twice; the second waits here and then sees them in the first.
    take_turns(session, work=COLLECTING)
    ready = collect.collect_ready_payouts(session, pay_on=pay_on, pay_date=pay_date)
    if not ready:
        # Said truly: an assignment invoiced in part waits for the rest, and is named (``waiting``).
        raise waiting.nothing_ready(session, pay_on=pay_on, pay_date=pay_date)
    run = PayrollRun(pay_date=pay_date, pay_on=pay_on, status=RunStatus.draft, created_by_id=created_by_id)
    session.add(run)
    session.flush()
    # One bulk insert for the payouts (the ORM's bulk path costs more than the rows); the calculation
    # reads them back as plain rows in one query.
    insert_rows(
        session,
        table_of(RunPayout),
        [
            {
                "run_id": run.id,
                "position": position,
                "member_id": item.member_id,
                "assignment_id": item.assignment_id,
                "client_name": item.client_name,
                "invoice_numbers": list(item.invoice_numbers),
                "invoiced_amount": item.invoiced_amount,
                "expense_reimbursement": item.expense_reimbursement,
                "corrects_payslip_id": None,
                "correction_reason": None,
            }
            for position, item in enumerate(ready, start=1)
        ],
    )
    # Calculated and stored now (refusing now, not at approval, what cannot be calculated): the draft the
    # treasurer reviews is the one the approval issues.
    # Everything ready is in it now: nothing has become ready since.
    return RunWithPayslips(run, calculate_and_store(session, run=run), ready_since_created=0)


def get_run(session: Session, *, run_id: int, for_update: bool = False) -> PayrollRun:
    query = select(PayrollRun).where(PayrollRun.id == run_id)
    run = fetch_locked(session, query) if for_update else session.scalar(query)
    if run is None:
        raise NotFound(f"payroll run {run_id} does not exist")
    return run


def show_run(session: Session, *, run: PayrollRun) -> RunWithPayslips:
    """A run with every payslip: issued ones, or a draft's as stored when it was calculated, with what has
    changed since (``drafts.changes_since_calculation``)."""
    payslips, lines = shown_payslips(session, run=run)
    changed = changes_since_calculation(session, run=run) if run.status == RunStatus.draft else ()
    return RunWithPayslips(
        run,
        payslips,
        changed_since_calculation=changed,
        lines=lines,
        ready_since_created=ready_since_created(session, run=run),
    )


def ready_since_created(session: Session, *, run: PayrollRun) -> int | None:
    """How many payouts are ready for a run on the draft's pay date and not in it (``None`` for a locked run).

    A draft collects what is ready when it is made (``create_run``) and never again; recalculating refreshes
    the payouts it holds. So a payment recorded after the draft was made, which makes another assignment
    ready, is not in it: approved as it is, the draft leaves that payout for the next run. Counted by the
    collection itself, which leaves out every assignment a run already holds, in its two or three
    statements whatever the number."""
    if run.status != RunStatus.draft:
        return None
    return len(collect.collect_ready_payouts(session, pay_on=run.pay_on, pay_date=run.pay_date))


@cyclic_collector_paused()  # a month's worth of rows at once (core/batch.py)
def recalculate_run(session: Session, *, run_id: int) -> RunWithPayslips:
    """Calculate a draft again from what the database holds now (after a change the approval refused)."""
    run = get_run(session, run_id=run_id, for_update=True)
    require_draft(run)
    drafts = recalculate(session, run=run)
    run.version += 1
    session.flush()
    return RunWithPayslips(run, drafts, ready_since_created=ready_since_created(session, run=run))


def list_runs(session: Session, *, limit: int, offset: int) -> tuple[list[PayrollRun], int]:
    return fetch_page(
        session,
        select(PayrollRun),
        limit=limit,
        offset=offset,
        order=[PayrollRun.pay_date.desc()],
        tiebreak=PayrollRun.id.desc(),
    )


def require_draft(run: PayrollRun) -> None:
    if run.status != RunStatus.draft:
        raise Conflict(
            f"payroll run {run.id} is {run.status} and locked; "
            "correct a payslip with a correction payout in a later run",
            code="run_locked",
        )


def discard_run(session: Session, *, run_id: int) -> None:
    """Throw away a draft run; its payouts become ready for another run. A locked run is a 409."""
    run = get_run(session, run_id=run_id, for_update=True)
    require_draft(run)
    forget_draft(session, run_id=run.id)
    session.execute(delete(RunPayout).where(RunPayout.run_id == run.id))
    session.expire(run, ["payouts"])
    session.delete(run)
    session.flush()

"""Approving a draft run: the decision that pays it (payroll.md §5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.audit.service import append_event
from kooperativet.core.batch import cyclic_collector_paused
from kooperativet.errors import RuleViolation
from kooperativet.parties.models import Member
from kooperativet.payroll.models import DraftPayslip, PayrollRun, RunStatus
from kooperativet.payroll.service import collect
from kooperativet.payroll.service.drafts import (
    forget_issued_draft,
    require_unchanged,
    salary_account_problem,
)
from kooperativet.payroll.service.issue import issue_draft
from kooperativet.payroll.service.payslip_notices import enqueue_payslip_notices
from kooperativet.payroll.service.payslip_pdfs import render_payslips_after_commit
from kooperativet.payroll.service.runs import get_run, require_draft


@cyclic_collector_paused()  # a month's worth of rows at once (core/batch.py)
def approve_run(session: Session, *, run_id: int, approved_by_id: int, now: datetime) -> PayrollRun:
    """Lock a draft run and issue its stored draft payslips with gap-free numbers per year (payroll.md §5).

    Approving twice is a 409; so is a draft whose basis changed since it was calculated (``draft_changed``,
    ``drafts``): what is approved is exactly what was reviewed. A member without a valid bank account stops
    the approval (422 naming them).

    Approval is the decision that pays the run's salaries, so nobody approves a run that includes her own
    payout (409 ``own_work``, ``assignments.duties``). Creating or discarding a draft is allowed: a draft only
    collects what is ready by rules already decided (approved assignments, issued and paid invoices) and pays
    nobody; marking an approved run paid records what the bank did.

    In the same transaction it records the jobs that tell each member and render the payslip PDFs, which the
    workers do once the approval is committed.
    """
    run = get_run(session, run_id=run_id, for_update=True)
    require_draft(run)
    require_unchanged(session, run=run)
    in_run = select(DraftPayslip.member_id).where(DraftPayslip.run_id == run.id)
    own = session.scalar(
        select(Member).where(Member.id.in_(in_run), Member.user_id == approved_by_id).limit(1)
    )
    if own is not None:
        refuse_own_work(actor_id=approved_by_id, worker=own, act=f"approve payroll run {run.id}")
    _require_bank_accounts(session, run_id=run.id)
    totals = _draft_totals(session, run_id=run.id)
    numbers = issue_draft(
        session, run=run, count=totals.pop("count"), issued_by_id=approved_by_id, issued_at=now
    )
    forget_issued_draft(session, run_id=run.id)
    run.status = RunStatus.approved
    run.approved_at = now
    run.approved_by_id = approved_by_id
    run.version += 1
    collect.mark_salaried(session, run=run)
    session.flush()
    # One audit event for the run, not one per payslip: the decision is the run's.
    append_event(
        session,
        kind="payroll_run_approved",
        payload={
            "run_id": run.id,
            "pay_date": run.pay_date.isoformat(),
            "payslips": numbers,
            **{name: str(total) for name, total in totals.items()},
            "approved_by_id": approved_by_id,
        },
        now=now,
    )
    # One job for the whole run, in this transaction: a worker tells each member (payslip_notices).
    enqueue_payslip_notices(session, run_id=run.id)
    # The PDFs, in jobs the workers share once this commits: whoever approves (the API, the web, a script)
    # leaves payslips that get their PDFs.
    render_payslips_after_commit(session, run_id=run.id)
    return run


_AUDITED_TOTALS = ("gross_salary", "tax", "employer_contributions", "net_pay")


def _draft_totals(session: Session, *, run_id: int) -> dict[str, Any]:
    """How many payslips the draft has and its audited totals, summed in Python (SQLite has no decimals)."""
    rows = session.execute(
        select(*(getattr(DraftPayslip, name) for name in _AUDITED_TOTALS)).where(
            DraftPayslip.run_id == run_id
        )
    ).all()
    totals: dict[str, Any] = {
        name: sum((row[index] for row in rows), Decimal("0.00")) for index, name in enumerate(_AUDITED_TOTALS)
    }
    return {"count": len(rows), **totals}


def _require_bank_accounts(session: Session, *, run_id: int) -> None:
    """Every member has a confirmed, valid account to be paid to (``salary_account_problem``, found when the
    draft was calculated; a change of account since is a change of the basis)."""
    refused = session.execute(
        select(Member, DraftPayslip.bank_problem)
        .join(DraftPayslip, DraftPayslip.member_id == Member.id)
        .where(DraftPayslip.run_id == run_id, DraftPayslip.bank_problem.is_not(None))
        .order_by(Member.id)
    ).all()
    if refused:
        raise RuleViolation(
            "the run cannot be approved: salary cannot be paid to "
            + "; ".join(f"{member.full_name} (member {member.id}): {problem}" for member, problem in refused),
            code="member_without_bank_account",
        )


__all__ = ["approve_run", "salary_account_problem"]

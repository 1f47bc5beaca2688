"""Approving a draft run: the decision that pays it (payroll.md §5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.audit.service import append_event
from kooperativet.core import identifiers as ids
from kooperativet.errors import RuleViolation
from kooperativet.parties.models import Cooperative, Member
from kooperativet.payroll.models import PayrollRun, RunStatus
from kooperativet.payroll.service import collect
from kooperativet.payroll.service.calculate import PayslipDraft, calculate_run
from kooperativet.payroll.service.issue import issue_payslips
from kooperativet.payroll.service.payslip_notices import enqueue_payslip_notices
from kooperativet.payroll.service.runs import get_run, require_draft


def approve_run(session: Session, *, run_id: int, approved_by_id: int, now: datetime) -> PayrollRun:
    """Lock a draft run and issue its payslips with gap-free numbers per year (payroll.md §5).

    Approving twice is a 409; a member without a valid bank account stops the approval (422 naming them).

    Approval is the decision that pays the run's salaries, so nobody approves a run that includes her own
    payout (409 ``own_work``, ``assignments.duties``). Creating or discarding a draft is allowed: a draft only
    collects what is ready by rules already decided (approved assignments, issued and paid invoices) and pays
    nobody; marking an approved run paid records what the bank did.
    """
    run = get_run(session, run_id=run_id, for_update=True)
    require_draft(run)
    drafts = calculate_run(session, run=run)
    for draft in drafts:
        refuse_own_work(actor_id=approved_by_id, worker=draft.member, act=f"approve payroll run {run.id}")
    _require_bank_accounts([draft.member for draft in drafts])
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    numbers = issue_payslips(
        session, run=run, drafts=drafts, cooperative=cooperative, issued_by_id=approved_by_id
    )
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
            **{name: str(_total(drafts, name)) for name in _AUDITED_TOTALS},
            "approved_by_id": approved_by_id,
        },
        now=now,
    )
    # One job for the whole run, in this transaction: a worker tells each member (payslip_notices).
    enqueue_payslip_notices(session, run_id=run.id)
    return run


_AUDITED_TOTALS = ("gross_salary", "tax", "employer_contributions", "net_pay")


def _total(drafts: Sequence[PayslipDraft], name: str) -> Decimal:
    return sum((draft.total(name) for draft in drafts), Decimal("0.00"))


def _require_bank_accounts(members: Iterable[Member]) -> None:
    """Every member has a confirmed, valid account to be paid to (``salary_account_problem``)."""
    refused = []
    for member in members:
        problem = salary_account_problem(member)
        if problem is not None:
            refused.append(f"{member.full_name} (member {member.id}): {problem}")
    if refused:
        raise RuleViolation(
            "the run cannot be approved: salary cannot be paid to " + "; ".join(refused),
            code="member_without_bank_account",
        )


def salary_account_problem(member: Member) -> str | None:
    """Why salary cannot be paid to ``member`` (``None`` when it can): a confirmed, valid account is a
    Swedish IBAN or a clearing and account number (``Member.salary_account``). The web's review of a draft
    shows the same reason before anyone tries to approve."""
    account = member.salary_account
    if account is None:
        if member.has_pending_bank_account:
            return "the new bank account awaits confirmation by a second person or the member"
        return "no bank account"
    try:
        if account.iban is not None:
            ids.parse_salary_iban(account.iban)
        else:
            ids.parse_bank_account(
                clearing_number=account.clearing_number or "", account_number=account.account_number or ""
            )
    except ids.InvalidIdentifier as exc:
        return str(exc)
    return None

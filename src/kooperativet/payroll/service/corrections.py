"""A correction payout in a draft run, referring to an issued payslip's line (payroll.md §5)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.parties.models import Member
from kooperativet.payroll.models import PayrollRun, Payslip, RunPayout
from kooperativet.payroll.service.calculate import RunWithPayslips
from kooperativet.payroll.service.drafts import recalculate
from kooperativet.payroll.service.runs import ready_since_created, require_draft


def add_correction(
    session: Session,
    *,
    run: PayrollRun,
    payslip_id: int,
    assignment_id: int,
    invoiced_amount: Decimal,
    expense_reimbursement: Decimal,
    reason: str,
    actor_id: int,
) -> RunWithPayslips:
    """Add to a draft run a correction payout that refers to an issued payslip's line (payroll.md §5).

    The original payslip is never changed: the correction is paid and shown on a new payslip. A correction
    decides money for one member, so nobody adds one to her own payslip (``assignments.duties``).
    """
    require_draft(run)
    original = session.get(Payslip, payslip_id)
    if original is None:
        raise NotFound(f"payslip {payslip_id} does not exist")
    refuse_own_work(
        actor_id=actor_id,
        worker=session.get_one(Member, original.member_id),
        act=f"correct payslip {original.number}",
    )
    line = next((line for line in original.lines if line.assignment_id == assignment_id), None)
    if line is None:
        raise RuleViolation(
            f"payslip {original.number} has no line for assignment {assignment_id}",
            code="payslip_without_assignment",
            field="assignment_id",
        )
    if invoiced_amount == 0 and expense_reimbursement == 0:
        raise RuleViolation(
            "a correction needs an amount", code="correction_without_amount", field="invoiced_amount"
        )
    # A correction pays what was missing; taking pay back from a member is not a payroll correction.
    amounts = {"invoiced_amount": invoiced_amount, "expense_reimbursement": expense_reimbursement}
    for field, amount in amounts.items():
        if amount < 0:
            raise RuleViolation(
                f"a correction pays more, never less: {field} must not be negative ({amount})",
                code="negative_correction",
                field=field,
            )
    payout = RunPayout(
        position=max((p.position for p in run.payouts), default=0) + 1,
        member_id=original.member_id,
        assignment_id=assignment_id,
        client_name=line.client_name,
        invoice_numbers=list(line.invoice_numbers),
        invoiced_amount=invoiced_amount,
        expense_reimbursement=expense_reimbursement,
        corrects_payslip_id=original.id,
        correction_reason=reason.strip(),
    )
    run.payouts.append(payout)
    run.version += 1
    session.flush()
    drafts = recalculate(session, run=run)
    return RunWithPayslips(run, drafts, ready_since_created=ready_since_created(session, run=run))

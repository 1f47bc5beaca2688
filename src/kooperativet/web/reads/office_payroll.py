"""What the office's payroll pages read besides the payroll services: each run's payslip totals, each draft
payslip's warnings, and the issued payslip lines a correction may refer to. Each read runs a fixed number of
statements, whatever the number of runs or payslips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import is_own_work
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.core.money import ZERO
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus
from kooperativet.payroll.service import PayslipDraft
from kooperativet.web.i18n import N_
from kooperativet.web.panel import Panel
from kooperativet.web.reads.office_members import pending_accounts

#: How many of the latest issued payslips a correction may be chosen from on the page (the API takes any).
CORRECTABLE_PAYSLIPS = 200


@dataclass(frozen=True, slots=True)
class RunTotals:
    payslips: int
    net_pay: Decimal


def issued_totals(session: Session, *, run_ids: list[int]) -> dict[int, RunTotals]:
    """How many payslips each run issued and their net pay, in one statement."""
    if not run_ids:
        return {}
    rows = session.execute(
        select(Payslip.run_id, func.count(Payslip.id), func.coalesce(func.sum(Payslip.net_pay), 0))
        .where(Payslip.run_id.in_(run_ids))
        .group_by(Payslip.run_id)
    )
    return {run_id: RunTotals(count, Decimal(str(net)).quantize(ZERO)) for run_id, count, net in rows}


@dataclass(frozen=True, slots=True)
class Warning:
    message: str  # an English message id with %(name)s placeholders; the template translates it
    values: dict[str, str]


BANK_PROBLEMS = {
    "no bank account": N_("No bank account for salary: the run cannot be approved until one is entered."),
    "the new bank account awaits confirmation by a second person or the member": N_(
        "The new bank account awaits a second person's confirmation: the run cannot be approved until then."
    ),
}


def draft_warnings(draft: PayslipDraft, *, viewer: User) -> list[Warning]:
    """What the office should know before approving this payslip: the same rules approval applies (bank
    account, own work), and what makes the amount unusual (missing tax information, corrections)."""
    warnings = []
    member = draft.member
    if is_own_work(actor_id=viewer.id, worker=member):
        warnings.append(
            Warning(N_("This is your own pay: another treasurer or an admin must approve the run."), {})
        )
    problem = payroll_service.salary_account_problem(member)
    if problem is not None:
        message = BANK_PROBLEMS.get(problem, N_("The bank account for salary is not valid: %(reason)s."))
        warnings.append(Warning(message, {"reason": problem}))
    if draft.tax_setting.tax_information_missing:
        warnings.append(
            Warning(N_("Tax information is missing: tax is withheld with the surcharge for that."), {})
        )
    for payout in draft.payouts:
        if payout.corrects_payslip_id is not None:
            warnings.append(
                Warning(
                    N_("Includes a correction: %(reason)s"),
                    {"reason": payout.correction_reason or ""},
                )
            )
    return warnings


@dataclass(frozen=True, slots=True)
class CorrectableLine:
    payslip_id: int
    assignment_id: int
    number: str
    member_name: str
    client_name: str


def correctable_lines(session: Session) -> list[CorrectableLine]:
    """The lines of the latest issued payslips, newest first (two statements: payslips, then lines)."""
    payslips = list(session.scalars(select(Payslip).order_by(Payslip.id.desc()).limit(CORRECTABLE_PAYSLIPS)))
    return [
        CorrectableLine(
            payslip_id=payslip.id,
            assignment_id=line.assignment_id,
            number=payslip.number,
            member_name=payslip.snapshot["employee"]["name"],
            client_name=line.client_name,
        )
        for payslip in payslips
        for line in payslip.lines
    ]


def draft_runs(session: Session) -> list[tuple[int, date]]:
    """(id, pay date) of the draft runs waiting for approval, earliest pay date first (one statement)."""
    rows = session.execute(
        select(PayrollRun.id, PayrollRun.pay_date)
        .where(PayrollRun.status == RunStatus.draft)
        .order_by(PayrollRun.pay_date, PayrollRun.id)
    )
    return [(run_id, pay_date) for run_id, pay_date in rows]


def office_payroll_panel(*, session: Session, user: User, today: date) -> Panel | None:
    """The start page's note for the office: draft runs to approve and bank accounts to confirm, in two
    statements."""

    if not user.has_any_role(*policy.OFFICE):
        return None
    drafts = draft_runs(session)
    accounts = [item for item in pending_accounts(session) if item.entered_by_id != user.id]
    if not drafts and not accounts:
        return None
    return Panel("panels/office_payroll.html", {"drafts": drafts, "accounts": accounts})

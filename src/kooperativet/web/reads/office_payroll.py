"""What the office's payroll pages read besides the payroll services: each run's payslip totals, each draft
payslip's warnings, the issued payslip lines a correction may refer to, and the export batches that hold a
run. Each read runs a fixed number of statements, whatever the number of runs or payslips."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.core.money import ZERO
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.parties.models import Member
from kooperativet.payroll.models import DraftPayslip, PayrollRun, Payslip, RunStatus
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
#: A stored account that fails its check (entered before the check, or imported).
INVALID_ACCOUNT = N_(
    "The bank account for salary is not valid: correct it in the member register; the run cannot be approved"
    " until then."
)


def draft_warnings(draft: DraftPayslip, *, own_member_id: int | None) -> list[Warning]:
    """What the office should know before approving this payslip: the same rules approval applies (bank
    account, own work), and what makes the amount unusual (missing tax information, corrections).
    ``own_member_id`` is the viewer's own member record, if she has one."""
    warnings = []
    if draft.member_id == own_member_id:
        warnings.append(
            Warning(N_("This is your own pay: another treasurer or an admin must approve the run."), {})
        )
    problem = draft.bank_problem
    if problem is not None:
        # Any other problem is the identifier parser's reason, in English for the API: the page says what to
        # do in its own words instead of quoting it.
        warnings.append(Warning(BANK_PROBLEMS.get(problem, INVALID_ACCOUNT), {}))
    if draft.snapshot["tax_setting"]["tax_information_missing"]:
        warnings.append(
            Warning(N_("Tax information is missing: tax is withheld with the surcharge for that."), {})
        )
    for line in draft.lines:
        if line.corrects_payslip_id is not None:
            warnings.append(
                Warning(
                    N_("Includes a correction: %(reason)s"),
                    {"reason": line.correction_reason or ""},
                )
            )
    return warnings


def own_member_id(session: Session, *, user: User) -> int | None:
    """The viewer's own member record, if any (one statement)."""
    return session.scalar(select(Member.id).where(Member.user_id == user.id).limit(1))


#: What changed since a draft was calculated, in the page's words (``payroll.service.drafts.BASIS_PARTS``).
CHANGED_SINCE = {
    "payouts": N_("the run's payouts"),
    "members": N_("a member's details or bank account"),
    "tax_settings": N_("a member's tax setting"),
    "assignments": N_("an assignment the run pays"),
    "invoices": N_("the invoices and credit notes of an assignment the run pays"),
    "issued_payslips": N_("payslips issued to the same members this year"),
    "cooperative": N_("the cooperative's details"),
    "parameters": N_("the payroll parameters"),
    "tax_tables": N_("the imported tax tables"),
}


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


def batches_holding(session: Session, *, run_id: int) -> list[ExportBatch]:
    """The export batches that hold the run, oldest first, in one statement: the AGI that declared its
    payslips, the SIE file with its voucher (whose text names the run by its number) and its salary file.
    A run that only paid outlays back has no voucher of its own: its outlays' vouchers are found by their
    SIE file's dates on the month-end page."""
    holding = select(ExportedDocument.batch_id).where(
        or_(
            and_(
                ExportedDocument.export_kind.in_((ExportKind.sie, ExportKind.pain001)),
                ExportedDocument.document_kind == DocumentKind.payroll_run,
                ExportedDocument.document_id == run_id,
            ),
            and_(  # led by the export kind, as the unique index on the exported documents is
                ExportedDocument.export_kind == ExportKind.agi,
                ExportedDocument.document_kind == DocumentKind.payslip,
                ExportedDocument.document_id.in_(select(Payslip.id).where(Payslip.run_id == run_id)),
            ),
        )
    )
    batches = select(ExportBatch).where(ExportBatch.id.in_(holding)).order_by(ExportBatch.id)
    return list(session.scalars(batches))


def names_of_logins(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the logins that approved a run and marked it paid, by id (one statement): the event log
    names them by id only, and the auditor, who reads no list of logins, checks on the run who decided it."""
    wanted = {login_id for login_id in ids if login_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    return dict(rows.all())


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

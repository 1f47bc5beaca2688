"""A draft run's payslips, stored when the run is calculated, and what they were calculated from
(payroll.md §5).

A treasurer reviews a draft and then approves it; what she approves must be what she reviewed. So the draft is
calculated once, when the run is made (or a correction is added, or she asks for it again), and stored as
``DraftPayslip`` rows with the same values an issued payslip has, and their ``PayslipSnapshot`` rows. With it
the run records its *calculation basis*: a few aggregates over everything the calculation read (the payouts,
the members and their tax settings, the assignments, other payslips already issued to the same members that
year, the cooperative, the parameter values, the tax table file). Approval compares the basis with the
database's state now; if anything differs it refuses with ``draft_changed`` and names what changed, and the
treasurer recalculates and reviews again. Otherwise it issues the stored draft as it is (``approval``).

The comparison takes a fixed number of statements whatever the run's size; storing takes a fixed number per
``DRAFTS_PER_INSERT`` members (a block at a time keeps the memory of a large run bounded).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, String, cast, delete, func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.core import identifiers as ids
from kooperativet.db import clock_of, insert_rows, table_of
from kooperativet.errors import Conflict
from kooperativet.invoices.models import Invoice
from kooperativet.parties.models import Cooperative, Member, MemberTaxSetting
from kooperativet.payroll.models import (
    DraftPayslip,
    DraftPayslipLine,
    PayrollRun,
    Payslip,
    PayslipSnapshot,
    RunPayout,
)
from kooperativet.payroll.parameters import payroll_parameters_on
from kooperativet.payroll.service.calculate import PayslipDraft, calculate_run, payslip_lines
from kooperativet.payroll.service.collect import refresh_run_payouts
from kooperativet.payroll.service.issue import (
    LINE_COLUMNS,
    corrected_numbers,
    credit_note_numbers,
    work_periods,
)
from kooperativet.payroll.service.run_inputs import RunMember
from kooperativet.payroll.service.snapshot import parameters_json, snapshot
from kooperativet.payroll.tax_table_store import latest_import

#: What each part of the basis covers, in the words of the refusal.
BASIS_PARTS: Final = {
    "payouts": "the run's payouts",
    "members": "a member's details or bank account",
    "tax_settings": "a member's tax setting",
    "assignments": "an assignment the run pays",
    "invoices": "the invoices and credit notes of an assignment the run pays (a credit note was issued)",
    "issued_payslips": "payslips issued to the same members this year (another run was approved)",
    "cooperative": "the cooperative's details",
    "parameters": "the payroll parameters in force on the pay date",
    "tax_tables": "the imported tax tables",
}


def recalculate(session: Session, *, run: PayrollRun) -> list[PayslipDraft]:
    """Calculate the draft ``run`` from what the database holds now and store it in place of the old draft.

    Its payouts are first brought up to date with the invoices and credit notes issued since they were
    collected (``collect.refresh_run_payouts``). A new run, whose payouts were collected by the same
    transaction, is calculated by ``calculate_and_store`` alone."""
    refresh_run_payouts(session, run=run)
    return calculate_and_store(session, run=run)


def calculate_and_store(session: Session, *, run: PayrollRun) -> list[PayslipDraft]:
    """Calculate the draft ``run`` and store it in place of the old draft."""
    drafts = calculate_run(session, run=run)
    store_draft(session, run=run, drafts=drafts)
    return drafts


def store_draft(session: Session, *, run: PayrollRun, drafts: Sequence[PayslipDraft]) -> None:
    """Replace the run's stored draft with ``drafts`` and record the basis they were calculated from."""
    forget_draft(session, run_id=run.id)
    if drafts:
        _insert_drafts(session, run=run, drafts=drafts)
    run.calculated_at = clock_of(session)
    run.calculation_basis = calculation_basis(session, run=run)
    session.flush()


def forget_draft(session: Session, *, run_id: int) -> None:
    """Delete the run's stored draft and its snapshots (before a recalculation, when the run is discarded)."""
    forget_issued_draft(session, run_id=run_id)
    session.execute(delete(PayslipSnapshot).where(PayslipSnapshot.run_id == run_id))


def forget_issued_draft(session: Session, *, run_id: int) -> None:
    """Delete the draft payslips and lines of a run just approved: the snapshots stay, now the issued
    payslips' own."""
    of_run = select(DraftPayslip.id).where(DraftPayslip.run_id == run_id)
    session.execute(delete(DraftPayslipLine).where(DraftPayslipLine.draft_payslip_id.in_(of_run)))
    session.execute(delete(DraftPayslip).where(DraftPayslip.run_id == run_id))


def changes_since_calculation(session: Session, *, run: PayrollRun) -> list[str]:
    """The parts of the basis (``BASIS_PARTS`` keys) that differ now from when the draft was calculated."""
    stored = run.calculation_basis or {}
    now = calculation_basis(session, run=run)
    return [part for part in BASIS_PARTS if stored.get(part) != now.get(part)]


def require_unchanged(session: Session, *, run: PayrollRun) -> None:
    """Refuse (409 ``draft_changed``) to act on a draft whose basis has changed since it was calculated."""
    changed = changes_since_calculation(session, run=run)
    if changed:
        raise Conflict(
            f"payroll run {run.id} was calculated at {run.calculated_at:%Y-%m-%d %H:%M} UTC and since then "
            + "; ".join(BASIS_PARTS[part] for part in changed)
            + " changed: recalculate the run (POST /api/v1/payroll-runs/"
            + f"{run.id}/recalculate) and review it again",
            code="draft_changed",
            changed=changed,
        )


def calculation_basis(session: Session, *, run: PayrollRun) -> dict[str, Any]:
    """What the draft of ``run`` is calculated from, as JSON-comparable aggregates (one statement for the
    rows, and the parameter values and tax table import as the calculation itself reads them)."""
    payouts = select(RunPayout.member_id).where(RunPayout.run_id == run.id)
    assignments = select(RunPayout.assignment_id).where(RunPayout.run_id == run.id)
    year = run.pay_date.year
    aggregates: dict[str, ColumnElement[Any]] = {
        "payouts": _fingerprint(RunPayout, RunPayout.run_id == run.id, func.max(RunPayout.position)),
        "members": _fingerprint(Member, Member.id.in_(payouts), func.max(Member.updated_at)),
        "tax_settings": _fingerprint(
            MemberTaxSetting, MemberTaxSetting.member_id.in_(payouts), func.max(MemberTaxSetting.updated_at)
        ),
        "assignments": _fingerprint(
            Assignment, Assignment.id.in_(assignments), func.max(Assignment.updated_at)
        ),
        # Issued documents never change: a new one (a credit note) is a new id.
        "invoices": _fingerprint(Invoice, Invoice.assignment_id.in_(assignments), func.max(Invoice.id)),
        "issued_payslips": _fingerprint(
            Payslip, Payslip.member_id.in_(payouts), func.max(Payslip.id), Payslip.year == year
        ),
        "cooperative": _fingerprint(
            Cooperative, Cooperative.id.is_not(None), func.max(Cooperative.updated_at)
        ),
    }
    row = session.execute(select(*(value.label(name) for name, value in aggregates.items()))).one()
    table_import = latest_import(session, year=year)
    parameters = parameters_json_of(session, run=run)
    return {
        **{name: str(getattr(row, name)) for name in aggregates},
        "parameters": hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest(),
        "tax_tables": None if table_import is None else table_import.id,
    }


def parameters_json_of(session: Session, *, run: PayrollRun) -> list[dict[str, Any]]:
    return [use.as_json() for use in payroll_parameters_on(session, pay_date=run.pay_date).used]


def _fingerprint(
    entity: type[Any], among: ColumnElement[bool], latest: ColumnElement[Any], *more: ColumnElement[bool]
) -> ColumnElement[Any]:
    """``count || ':' || latest`` over the rows of ``entity`` that match: a row added, removed or updated
    since changes it (updates move ``updated_at`` on)."""
    counted = select(func.count(), latest).where(among, *more).subquery()
    return select(
        cast(counted.c[0], String) + ":" + func.coalesce(cast(counted.c[1], String), "")
    ).scalar_subquery()


#: A run's draft payslips are built and written this many at a time: a payslip's snapshot is the largest
#: thing a run holds, and twenty thousand payouts' worth of them at once would double the run's memory.
DRAFTS_PER_INSERT: Final = 2_000


def _insert_drafts(session: Session, *, run: PayrollRun, drafts: Sequence[PayslipDraft]) -> None:
    """The drafts and their lines, one multi-row INSERT each per ``DRAFTS_PER_INSERT`` drafts (the drafts
    are in member order, so each block's ids are read back by a range of members)."""
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    works = work_periods(session, run=run)
    credit_notes = credit_note_numbers(session, run=run)
    corrected = corrected_numbers(session, run=run)
    parameters = parameters_json(drafts[0])  # one set for the whole run (its pay date)
    for start in range(0, len(drafts), DRAFTS_PER_INSERT):
        block = drafts[start : start + DRAFTS_PER_INSERT]
        rows, snapshots, lines_by_member = [], [], {}
        for draft in block:
            lines = payslip_lines(draft)
            lines_by_member[draft.member.id] = lines
            stored = snapshot(
                run=run,
                draft=draft,
                cooperative=cooperative,
                lines=lines,
                assignments=works,
                payslip_numbers=corrected,
                credit_notes=credit_notes,
                parameters=parameters,
            )
            snapshots.append({"run_id": run.id, "member_id": draft.member.id, "snapshot": stored})
            rows.append(_draft_row(run, draft, stored))
        insert_rows(session, table_of(PayslipSnapshot), snapshots)
        insert_rows(session, table_of(DraftPayslip), rows)
        del rows, snapshots  # the block's snapshots are written; let them go before the next block is built
        draft_ids = dict(
            session.execute(
                select(DraftPayslip.member_id, DraftPayslip.id).where(
                    DraftPayslip.run_id == run.id,
                    DraftPayslip.member_id.between(block[0].member.id, block[-1].member.id),
                )
            ).all()
        )
        insert_rows(
            session,
            table_of(DraftPayslipLine),
            [
                {name: getattr(line, name) for name in LINE_COLUMNS}
                | {"draft_payslip_id": draft_ids[member_id]}
                for member_id, lines in lines_by_member.items()
                for line in lines
            ],
        )


def _draft_row(run: PayrollRun, draft: PayslipDraft, stored: dict[str, Any]) -> dict[str, Any]:
    member = draft.member
    account = member.salary_account
    return {
        "run_id": run.id,
        "member_id": member.id,
        "bank_problem": salary_account_problem(member),
        "language": member.language,
        "employee_name": stored["employee"]["name"],
        "employee_personal_identity_number": stored["employee"]["personal_identity_number"],
        **draft.totals,
        "year_to_date_gross": draft.year_to_date.gross,
        "year_to_date_taxable": draft.year_to_date.taxable,
        "year_to_date_tax": draft.year_to_date.tax,
        "bank_clearing_number": None if account is None else account.clearing_number,
        "bank_account_number": None if account is None else account.account_number,
        "bank_iban": None if account is None else account.iban,
    }


def salary_account_problem(member: Member | RunMember) -> str | None:
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

"""Issuing one payslip at approval: the gap-free number, the lines, the stored totals and snapshot."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.numbering import take_next_sequence
from kooperativet.parties.models import Cooperative
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipNumberCounter
from kooperativet.payroll.service.calculate import PayslipDraft, payslip_lines
from kooperativet.payroll.service.snapshot import snapshot


def take_payslip_number(session: Session, *, year: int) -> int:
    """The next payslip sequence of ``year``, from the shared gap-free counter (``numbering``)."""
    return take_next_sequence(session, PayslipNumberCounter, year=year)


def payslip_number(year: int, sequence: int) -> str:
    return f"L{year}-{sequence:05d}"


def issue_payslip(
    session: Session,
    *,
    run: PayrollRun,
    draft: PayslipDraft,
    cooperative: Cooperative | None,
    issued_by_id: int,
) -> Payslip:
    member = draft.member
    year = run.pay_date.year
    sequence = take_payslip_number(session, year=year)
    lines = payslip_lines(draft)
    account = member.salary_account
    assert account is not None  # checked by _require_bank_accounts
    payslip = Payslip(
        run_id=run.id,
        member_id=member.id,
        year=year,
        sequence=sequence,
        number=payslip_number(year, sequence),
        pay_date=run.pay_date,
        language=member.language,
        invoiced_amount=draft.total("invoiced_amount"),
        fee=draft.total("fee"),
        gross_salary=draft.total("gross_salary"),
        holiday_pay=draft.total("holiday_pay"),
        employer_contributions=draft.total("employer_contributions"),
        residue=draft.total("residue"),
        taxable_pay=draft.total("taxable_pay"),
        tax=draft.total("tax"),
        expense_reimbursement=draft.total("expense_reimbursement"),
        net_pay=draft.total("net_pay"),
        year_to_date_gross=draft.year_to_date.gross,
        year_to_date_taxable=draft.year_to_date.taxable,
        year_to_date_tax=draft.year_to_date.tax,
        bank_clearing_number=account.clearing_number,
        bank_account_number=account.account_number,
        bank_iban=account.iban,
        snapshot=snapshot(
            run=run,
            draft=draft,
            cooperative=cooperative,
            lines=lines,
            assignments=_assignments(session, ids={line.assignment_id for line in lines}),
            payslip_numbers=_payslip_numbers(session, ids={line.corrects_payslip_id for line in lines}),
        ),
        issued_by_id=issued_by_id,
    )
    payslip.lines = lines
    session.add(payslip)
    session.flush()
    return payslip


def _assignments(session: Session, *, ids: set[int]) -> dict[int, Assignment]:
    found = session.scalars(select(Assignment).where(Assignment.id.in_(ids)))
    return {assignment.id: assignment for assignment in found}


def _payslip_numbers(session: Session, *, ids: set[int | None]) -> dict[int, str]:
    query = select(Payslip.id, Payslip.number).where(Payslip.id.in_(ids - {None}))
    return dict(session.execute(query).all())

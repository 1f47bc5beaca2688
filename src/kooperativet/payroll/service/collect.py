"""Which payouts are ready for a payroll run, read from assignments and their invoices (payroll.md §1, §5).

``pay_on=payment`` (default): an assignment the invoicing service has moved to ``paid`` (every invoice
settled and nothing left to invoice). ``pay_on=invoice``: an assignment that is ``invoiced`` or ``paid``. In
both cases it is not already in a payroll run. N is the work amount of its invoices less that of its credit
notes (VAT and re-invoiced expenses excluded); the re-invoiced expenses the member paid are reimbursed
tax-free (E).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, AssignmentStatus, Expense
from kooperativet.assignments.rules import TRANSITIONS, Transition
from kooperativet.core.money import ZERO
from kooperativet.db import utcnow
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.parties.models import Client
from kooperativet.payroll.models import PayOn, PayrollRun, RunPayout

_READY: dict[PayOn, tuple[AssignmentStatus, ...]] = {
    PayOn.payment: (AssignmentStatus.paid,),
    PayOn.invoice: (AssignmentStatus.invoiced, AssignmentStatus.paid),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadyPayout:
    member_id: int
    assignment_id: int
    client_name: str
    invoice_numbers: tuple[str, ...]
    invoiced_amount: Decimal
    expense_reimbursement: Decimal


def collect_ready_payouts(session: Session, *, pay_on: PayOn, pay_date: date) -> list[ReadyPayout]:
    """Every ready payout for a run on ``pay_date``, by member and assignment.

    Two queries whatever the number: the invoices and credit notes of the ready assignments with their
    client's name, and the re-invoiced expenses of the same assignments (both by the same conditions, so no
    list of ids is sent to the database).
    """
    ready_assignment = (
        Assignment.status.in_([status.value for status in _READY[pay_on]]),
        Assignment.id.not_in(select(RunPayout.assignment_id).where(RunPayout.corrects_payslip_id.is_(None))),
    )
    invoices = session.execute(
        select(
            Invoice.assignment_id,
            Assignment.member_id,
            Invoice.kind,
            Invoice.number,
            Invoice.work_amount,
            Client.name,
        )
        .join(Assignment, Assignment.id == Invoice.assignment_id)
        .join(Client, Client.id == Invoice.client_id)
        .where(*ready_assignment, Invoice.issue_date <= pay_date)
        .order_by(Invoice.member_id, Invoice.assignment_id, Invoice.id)
    ).all()
    expenses: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for assignment_id, amount in session.execute(
        select(Expense.assignment_id, Expense.amount)
        .join(Assignment, Assignment.id == Expense.assignment_id)
        .where(*ready_assignment, Expense.reinvoice.is_(True))
        .order_by(Expense.id)
    ):
        expenses[assignment_id] += amount
    by_assignment: dict[int, list[Any]] = defaultdict(list)
    for row in invoices:
        by_assignment[row.assignment_id].append(row)
    ready = []
    for assignment_id, documents in by_assignment.items():
        issued = [doc for doc in documents if doc.kind == InvoiceKind.invoice]
        if not issued:
            continue
        invoiced = sum((doc.work_amount for doc in issued), ZERO)
        credited = sum((doc.work_amount for doc in documents if doc.kind == InvoiceKind.credit_note), ZERO)
        if invoiced - credited <= 0:
            continue
        ready.append(
            ReadyPayout(
                member_id=issued[0].member_id,
                assignment_id=assignment_id,
                client_name=issued[0].name,
                invoice_numbers=tuple(doc.number for doc in documents),
                invoiced_amount=invoiced - credited,
                expense_reimbursement=expenses[assignment_id],
            )
        )
    return sorted(ready, key=lambda payout: (payout.member_id, payout.assignment_id))


def mark_salaried(session: Session, *, run: PayrollRun) -> None:
    """The run's assignments (not its corrections) have their pay on approved payslips: they move to
    ``salaried``, in one statement.

    With ``pay_on=payment`` they come from ``paid``; with ``pay_on=invoice`` from ``invoiced`` (the salary is
    advanced, and the client's payment later closes the assignment). The states are the assignment
    lifecycle's own (``assignments.rules.TRANSITIONS``); an assignment in any other state is left alone.
    """
    allowed, salaried = TRANSITIONS[Transition.salary]
    session.execute(
        update(Assignment)
        .where(
            Assignment.id.in_(
                select(RunPayout.assignment_id).where(
                    RunPayout.run_id == run.id, RunPayout.corrects_payslip_id.is_(None)
                )
            ),
            Assignment.status.in_([status.value for status in allowed]),
        )
        .values(status=salaried, version=Assignment.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )

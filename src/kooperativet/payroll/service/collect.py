"""Which payouts are ready for a payroll run, read from assignments and their invoices (payroll.md §1, §5).

``pay_on=payment`` (default): an assignment the invoicing service has moved to ``paid`` (every invoice
settled and nothing left to invoice). ``pay_on=invoice``: an assignment that is ``invoiced`` or ``paid`` with
nothing left to invoice (one invoiced in part waits for the rest: once salaried it can be invoiced no
more). In both cases it is not already in a payroll run. N is the work amount of its invoices issued by the
pay date less that of their credit notes, whenever issued (VAT and re-invoiced expenses excluded); the
re-invoiced expenses the member paid are reimbursed tax-free (E) as far as the client still pays for them
(``_reimbursed_by_assignment``). An assignment whose work was credited in full while the client paid its
outlays is ready too: its payout pays them back and no salary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session, aliased

from kooperativet.assignments.models import Assignment, AssignmentLine, AssignmentStatus, Expense
from kooperativet.assignments.rules import TRANSITIONS, Transition
from kooperativet.core.money import ZERO, round_half_up
from kooperativet.db import clock_of
from kooperativet.errors import Conflict
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord
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
    list of ids is sent to the database); with ``pay_on=invoice`` a third, for what is left to invoice.
    """
    ready_assignment = (
        Assignment.status.in_([status.value for status in _READY[pay_on]]),
        Assignment.id.not_in(select(RunPayout.assignment_id).where(RunPayout.corrects_payslip_id.is_(None))),
    )
    invoices = session.execute(
        select(*_DOCUMENT, Assignment.member_id, Client.name)
        .join(Assignment, Assignment.id == Invoice.assignment_id)
        .join(Client, Client.id == Invoice.client_id)
        .where(*ready_assignment)
        .order_by(Invoice.member_id, Invoice.assignment_id, Invoice.id)
    ).all()
    expenses = _reimbursed_by_assignment(
        session, select(Assignment.id).where(*ready_assignment).scalar_subquery()
    )
    # Invoiced in part is not ready: the rest could never be invoiced once the assignment is salaried.
    unfinished = _left_to_invoice(session, ready_assignment) if pay_on == PayOn.invoice else set()
    ready = []
    for assignment_id, (amount, documents) in _owed_by_assignment(invoices, pay_date=pay_date).items():
        if amount < 0 or (amount == 0 and expenses[assignment_id] == 0) or assignment_id in unfinished:
            continue
        first = next(doc for doc in documents if doc.kind == InvoiceKind.invoice)
        ready.append(
            ReadyPayout(
                member_id=first.member_id,
                assignment_id=assignment_id,
                client_name=first.name,
                invoice_numbers=tuple(doc.number for doc in documents),
                invoiced_amount=amount,
                expense_reimbursement=expenses[assignment_id],
            )
        )
    return sorted(ready, key=lambda payout: (payout.member_id, payout.assignment_id))


def _reimbursed_by_assignment(session: Session, assignments: Any) -> defaultdict[int, Decimal]:
    """E of each of ``assignments`` (a subquery of ids): its re-invoiced expenses, each paid back in the
    share of its invoice line that no credit note took back.

    The member laid the outlay out and the client is billed it at its amount excluding VAT; a credit note
    of that line (by quantity or by amount) is what the client no longer pays, so the member is paid back
    the rest of what she paid, VAT included: all of it, half of it, or nothing. A line credited in full and
    invoiced again counts as paid once more. An expense on no invoice line is paid back whole, as it was
    before invoices recorded their lines. One query: each expense with its invoice lines and their credits.
    """
    invoiced = aliased(InvoiceLineRecord)
    credit = aliased(InvoiceLineRecord)
    rows = session.execute(
        select(Expense.assignment_id, Expense.id, Expense.amount, invoiced.id, invoiced.amount, credit.amount)
        .outerjoin(invoiced, (invoiced.expense_id == Expense.id) & invoiced.credits_line_id.is_(None))
        .outerjoin(credit, credit.credits_line_id == invoiced.id)
        .where(Expense.assignment_id.in_(assignments), Expense.reinvoice.is_(True))
        .order_by(Expense.id, invoiced.id)
    ).all()
    outlays: dict[int, tuple[int, Decimal]] = {}
    lines: dict[int, dict[int, list[Decimal]]] = defaultdict(dict)  # expense → line → [amount, credited]
    for assignment_id, expense_id, outlay, line_id, line_amount, credited in rows:
        outlays[expense_id] = (assignment_id, outlay)
        if line_id is not None:
            line = lines[expense_id].setdefault(line_id, [line_amount, ZERO])
            line[1] += credited or ZERO
    reimbursed: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    for expense_id, (assignment_id, outlay) in outlays.items():
        share = _share_still_billed(lines[expense_id].values()) if expense_id in lines else Decimal(1)
        reimbursed[assignment_id] += round_half_up(outlay * share)
    return reimbursed


def _share_still_billed(lines: Iterable[list[Decimal]]) -> Decimal:
    """The share of an outlay its client still pays: per invoice line of it, the part no credit note took
    back; at most the whole, however often it was invoiced again."""
    share = sum(((amount - credited) / amount for amount, credited in lines if amount), ZERO)
    return min(share, Decimal(1))


def _left_to_invoice(session: Session, ready_assignment: tuple[ColumnElement[bool], ...]) -> set[int]:
    """The ready assignments with some of a fee line's quantity not yet invoiced (``pay_on=invoice`` reads
    them as ready once their first invoice is issued). One query: each fee line with the quantity each of
    its invoices took or credit notes gave back, summed here in decimals (SQLite sums in floating point)."""
    left: dict[int, Decimal] = {}
    owner: dict[int, int] = {}
    for line_id, assignment_id, quantity, moved, kind in session.execute(
        select(
            AssignmentLine.id,
            AssignmentLine.assignment_id,
            AssignmentLine.quantity,
            InvoiceLineRecord.quantity,
            Invoice.kind,
        )
        .join(Assignment, Assignment.id == AssignmentLine.assignment_id)
        .outerjoin(InvoiceLineRecord, InvoiceLineRecord.assignment_line_id == AssignmentLine.id)
        .outerjoin(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(*ready_assignment)
    ):
        owner[line_id] = assignment_id
        left.setdefault(line_id, quantity)
        if moved is not None:
            left[line_id] += moved if kind == InvoiceKind.credit_note else -moved
    return {owner[line_id] for line_id, quantity in left.items() if quantity > 0}


#: What a run reads of an invoice or credit note to know what its assignment brought in.
_DOCUMENT = (
    Invoice.id,
    Invoice.assignment_id,
    Invoice.kind,
    Invoice.number,
    Invoice.work_amount,
    Invoice.issue_date,
    Invoice.refers_to_id,
)


def _owed_by_assignment(documents: Sequence[Any], *, pay_date: date) -> dict[int, tuple[Decimal, list[Any]]]:
    """N of each assignment with an invoice issued by ``pay_date`` among ``documents`` (rows of
    ``_DOCUMENT``, in issue order): the work amount of those invoices less that of their credit notes, with
    the documents counted.

    A credit note counts whenever it was issued, since it takes back what its invoice brought in; one of an
    invoice issued after the pay date does not, as that invoice does not."""
    counted_invoices = {
        row.id for row in documents if row.kind == InvoiceKind.invoice and row.issue_date <= pay_date
    }
    by_assignment: dict[int, list[Any]] = defaultdict(list)
    for row in documents:
        if row.id in counted_invoices or row.refers_to_id in counted_invoices:
            by_assignment[row.assignment_id].append(row)
    owed = {}
    for assignment_id, rows in by_assignment.items():
        invoiced = sum((row.work_amount for row in rows if row.kind == InvoiceKind.invoice), ZERO)
        credited = sum((row.work_amount for row in rows if row.kind == InvoiceKind.credit_note), ZERO)
        owed[assignment_id] = (invoiced - credited, rows)
    return owed


def refresh_run_payouts(session: Session, *, run: PayrollRun) -> None:
    """Bring a draft run's payouts up to date with its assignments' invoices and credit notes, before it is
    calculated again.

    A run's payouts are collected when it is made; a credit note issued before the run is approved lowers
    what the client owes, so it must lower what the run pays too (the draft's basis names it, ``drafts``,
    and the approval refuses until the run is recalculated), and a credit note of an outlay's line lowers
    what is paid back. A payout whose assignment is now credited in full, outlays included, leaves the run;
    a run with nothing left to pay is refused (409 ``nothing_left_to_pay``: discard it). Corrections of
    issued payslips are not collected from invoices and are left as they are. Five statements at most,
    whatever the run's size.
    """
    collected = (
        select(
            RunPayout.id,
            RunPayout.assignment_id,
            RunPayout.invoiced_amount,
            RunPayout.invoice_numbers,
            RunPayout.expense_reimbursement,
        )
        .where(RunPayout.run_id == run.id, RunPayout.corrects_payslip_id.is_(None))
        .subquery()
    )
    documents = session.execute(
        select(*_DOCUMENT)
        .where(Invoice.assignment_id.in_(select(collected.c.assignment_id)))
        .order_by(Invoice.assignment_id, Invoice.id)
    ).all()
    owed = _owed_by_assignment(documents, pay_date=run.pay_date)
    expenses = _reimbursed_by_assignment(session, select(collected.c.assignment_id).scalar_subquery())
    payouts = session.execute(select(collected)).all()
    changed, gone = [], []
    for payout in payouts:
        amount, rows = owed.get(payout.assignment_id, (ZERO, []))
        numbers = [row.number for row in rows]
        reimbursed = expenses[payout.assignment_id] if rows else ZERO
        if amount < 0 or (amount == 0 and reimbursed == 0):
            gone.append(payout.id)
        elif (amount, numbers, reimbursed) != (
            payout.invoiced_amount,
            list(payout.invoice_numbers),
            payout.expense_reimbursement,
        ):
            changed.append(
                {
                    "id": payout.id,
                    "invoiced_amount": amount,
                    "invoice_numbers": numbers,
                    "expense_reimbursement": reimbursed,
                }
            )
    if gone and len(gone) == len(payouts) and not _has_corrections(session, run=run):
        raise Conflict(
            f"nothing is left to pay in payroll run {run.id}: its invoices are credited; discard the run",
            code="nothing_left_to_pay",
        )
    if changed:  # the ORM's bulk UPDATE by primary key: one executemany
        session.execute(update(RunPayout), changed)
    if gone:
        session.execute(
            delete(RunPayout).where(RunPayout.id.in_(gone)).execution_options(synchronize_session=False)
        )
    if changed or gone:
        _forget_held_payouts(session, run=run, gone=set(gone))


def _has_corrections(session: Session, *, run: PayrollRun) -> bool:
    found = session.scalar(
        select(RunPayout.id)
        .where(RunPayout.run_id == run.id, RunPayout.corrects_payslip_id.is_not(None))
        .limit(1)
    )
    return found is not None


def _forget_held_payouts(session: Session, *, run: PayrollRun, gone: set[int]) -> None:
    """Payout objects this session already holds (a correction reads the run's payouts) are read again
    after the set-based UPDATE and DELETE above, and the deleted ones dropped, so that nothing later in the
    transaction sees an amount the database no longer has."""
    for held in [obj for obj in session.identity_map.values() if isinstance(obj, RunPayout)]:
        if held.id in gone:
            session.expunge(held)
        elif held.run_id == run.id:
            session.expire(held)
    session.expire(run, ["payouts"])


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
        .values(status=salaried, version=Assignment.version + 1, updated_at=clock_of(session))
        .execution_options(synchronize_session="fetch")
    )

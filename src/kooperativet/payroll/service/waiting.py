"""Why a run finds nothing ready: the assignments that wait for the rest of their work to be invoiced
(payroll.md §5).

An assignment is paid by one run, and only once all of its work is invoiced (``collect``): once salaried it
can be invoiced no more, so a run that paid the first invoice of a commission invoiced in part would leave
the rest of the work unpaid for good. Such an assignment has money in (``pay_on=payment``: a paid invoice)
or invoiced (``pay_on=invoice``) that no payslip holds, which a refusal saying "nothing is paid and not yet
on a payslip" would deny. ``nothing_ready`` says the truth instead, and names each such assignment with what
is left to invoice of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, AssignmentLine, AssignmentStatus
from kooperativet.errors import Conflict
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord, InvoiceStatus
from kooperativet.parties.models import Client, Member
from kooperativet.payroll.models import PayOn, RunPayout


@dataclass(frozen=True, slots=True, kw_only=True)
class LeftToInvoice:
    """What is left to invoice of one fee line: its quantity less what invoices took, plus what credit notes
    gave back by quantity."""

    assignment_line_id: int
    description: str
    quantity: Decimal
    unit: str  # UN/ECE Rec 20: HUR, DAY, …


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitingAssignment:
    """An assignment with paid (or invoiced) work that no run can pay yet: not all its work is invoiced."""

    assignment_id: int
    client_name: str
    member_id: int
    member_name: str
    left_to_invoice: tuple[LeftToInvoice, ...]

    def as_problem(self) -> dict[str, Any]:
        """As the problem details carry it (JSON: quantities as decimal text)."""
        return {
            "assignment_id": self.assignment_id,
            "client_name": self.client_name,
            "member_id": self.member_id,
            "member_name": self.member_name,
            "left_to_invoice": [
                {
                    "assignment_line_id": line.assignment_line_id,
                    "description": line.description,
                    "quantity": str(line.quantity),
                    "unit": line.unit,
                }
                for line in self.left_to_invoice
            ],
        }


def waiting_for_invoicing(session: Session, *, pay_on: PayOn, pay_date: date) -> list[WaitingAssignment]:
    """The invoiced assignments in no run that have work a run on ``pay_date`` would pay were the rest
    invoiced: with ``pay_on=payment`` an invoice issued by then and paid in full, with ``pay_on=invoice`` one
    issued by then and not credited in full; each with its fee lines that have some quantity left.

    One statement whatever the number: each fee line of those assignments with the quantity each of its
    invoices took or credit notes gave back, summed here in decimals (SQLite sums in floating point)."""
    counted = [
        Invoice.assignment_id == Assignment.id,
        Invoice.kind == InvoiceKind.invoice,
        Invoice.issue_date <= pay_date,
    ]
    if pay_on == PayOn.payment:
        counted.append(Invoice.status == InvoiceStatus.paid)
    else:
        counted.append(Invoice.status != InvoiceStatus.credited)
    moved = select(
        InvoiceLineRecord.assignment_line_id,
        InvoiceLineRecord.quantity,
        Invoice.kind,
    ).join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
    movements = moved.subquery()
    rows = session.execute(
        select(
            Assignment.id,
            Client.name,
            Member.id,
            Member.first_name,
            Member.last_name,
            AssignmentLine.id,
            AssignmentLine.description,
            AssignmentLine.quantity,
            AssignmentLine.unit,
            movements.c.quantity,
            movements.c.kind,
        )
        .join(AssignmentLine, AssignmentLine.assignment_id == Assignment.id)
        .join(Client, Client.id == Assignment.client_id)
        .join(Member, Member.id == Assignment.member_id)
        .outerjoin(movements, movements.c.assignment_line_id == AssignmentLine.id)
        .where(
            # Invoiced, not yet paid in full by the invoicing service's rule (``paid`` has nothing left).
            Assignment.status == AssignmentStatus.invoiced,
            Assignment.id.not_in(
                select(RunPayout.assignment_id).where(RunPayout.corrects_payslip_id.is_(None))
            ),
            exists(select(Invoice.id).where(*counted)),
        )
        .order_by(Assignment.id, AssignmentLine.position)
    ).all()
    heads: dict[int, tuple[str, int, str]] = {}
    lines: dict[int, dict[int, list[Any]]] = {}  # assignment → line → [description, left, unit]
    for assignment_id, client, member_id, first, last, line_id, text, quantity, unit, taken, kind in rows:
        heads[assignment_id] = (client, member_id, f"{first} {last}")
        line = lines.setdefault(assignment_id, {}).setdefault(line_id, [text, quantity, unit])
        if taken is not None:
            line[1] += taken if kind == InvoiceKind.credit_note else -taken
    waiting = []
    for assignment_id, (client, member_id, name) in heads.items():
        left = tuple(
            LeftToInvoice(assignment_line_id=line_id, description=text, quantity=quantity, unit=unit)
            for line_id, (text, quantity, unit) in lines[assignment_id].items()
            if quantity > 0
        )
        if left:
            waiting.append(
                WaitingAssignment(
                    assignment_id=assignment_id,
                    client_name=client,
                    member_id=member_id,
                    member_name=name,
                    left_to_invoice=left,
                )
            )
    return waiting


def nothing_ready(session: Session, *, pay_on: PayOn, pay_date: date) -> Conflict:
    """The 409 ``nothing_ready`` of a run on ``pay_date`` that found no payout ready, saying why: the
    assignments that wait for the rest of their work to be invoiced (``waiting_for_invoicing``, each with
    its client, member and what is left to invoice), or that no assignment has work paid (or invoiced) and
    not on a payslip."""
    waiting = waiting_for_invoicing(session, pay_on=pay_on, pay_date=pay_date)
    done = "paid" if pay_on == PayOn.payment else "invoiced"
    prefix = f"no payout is ready for a run on {pay_date} (pay_on={pay_on}): "
    if not waiting:
        return Conflict(
            prefix
            + (
                "no assignment has fully paid invoices that are not yet salaried"
                if pay_on == PayOn.payment
                else "no assignment has issued invoices that are not yet salaried"
            ),
            code="nothing_ready",
            pay_on=str(pay_on),
            waiting_for_invoicing=[],
        )
    return Conflict(
        prefix
        + f"{len(waiting)} assignment(s) have {done} work but are not invoiced in full, and an assignment "
        "is paid only once all of its work is invoiced; waiting_for_invoicing names each with what is left "
        "to invoice",
        code="nothing_ready",
        pay_on=str(pay_on),
        waiting_for_invoicing=[assignment.as_problem() for assignment in waiting],
    )

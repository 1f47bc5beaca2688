"""Fixtures for payroll runs: paid assignments built from the real assignment and invoice models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Expense
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.auth.models import Role
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client, Cooperative, Member, MemberTaxSetting, TaxMode
from kooperativet.payroll import service
from kooperativet.payroll.models import PayrollRun

#: Synthetic: the layout of Skatteverket's "Allmänna tabeller – månad", made-up numbers. Table 33, column 1:
#: 1 000 kr up to 10 000 kr, 3 000 kr up to 20 000 kr, then 40 %.
SYNTHETIC_TABLES = Path(__file__).resolve().parent / "data" / "synthetic-allmanna-tabeller-manad-2026.txt"


#: When the tests' runs are approved (the audit log records it).
APPROVED_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def create_and_approve(session: Session, *, today: date, pay_date: date, approved_by_id: int) -> PayrollRun:
    """A run for ``pay_date`` collecting what is ready, approved at once."""
    run = service.create_run(session, today=today, pay_date=pay_date, pay_on=None, created_by_id=None).run
    return service.approve_run(session, run_id=run.id, approved_by_id=approved_by_id, now=APPROVED_AT)


@pytest.fixture
def payroll_ready(session: Session, cooperative: Cooperative) -> Cooperative:
    """Seeded parameters and an employer with a name and organisation number."""
    parameters_service.seed_defaults(session)
    return cooperative


PaidAssignment = Callable[..., Assignment]


@pytest.fixture
def paid_assignment(session: Session, client_record: Client, make_user) -> PaidAssignment:
    """An assignment the client has fully paid: status ``paid`` with one paid invoice of work amount N."""
    issuer = make_user(Role.treasurer)
    numbers = count(1)

    def make(
        member: Member,
        work_amount: str,
        *,
        status: AssignmentStatus = AssignmentStatus.paid,
        invoice_status: InvoiceStatus = InvoiceStatus.paid,
        expenses: str | None = None,
        issue_date: date = date(2026, 6, 1),
    ) -> Assignment:
        assignment = Assignment(
            member_id=member.id,
            client_id=client_record.id,
            title="Föreställning",
            description="",
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 10),
            extent_quantity=Decimal("2"),
            extent_unit=ExtentUnit.days,
            status=status,
        )
        if expenses is not None:
            assignment.expenses = [
                Expense(
                    spent_on=date(2026, 10, 2),
                    description="Tåg",
                    amount=Decimal(expenses),
                    vat_rate=Decimal("6"),
                    reinvoice=True,
                )
            ]
        session.add(assignment)
        session.flush()
        amount = Decimal(work_amount)
        # Numbers from 9001 on: far past the real series, which a test may also issue from (the sweeps'
        # world issues 2026-0001), so the two never meet whatever ids the database hands out.
        sequence = 9000 + next(numbers)
        session.add(
            Invoice(
                series="F",
                year=2026,
                sequence=sequence,
                number=f"2026-{sequence:04d}",
                kind=InvoiceKind.invoice,
                assignment_id=assignment.id,
                member_id=member.id,
                client_id=client_record.id,
                issue_date=issue_date,
                due_date=issue_date,
                language="sv",
                work_amount=amount,
                expenses_amount=Decimal("0.00"),
                net_total=amount,
                vat_total=Decimal("0.00"),
                rounding=Decimal("0.00"),
                payable=amount,
                snapshot={},
                pdf=b"%PDF",
                pdf_sha256="0" * 64,
                ubl=b"<Invoice/>",
                ubl_sha256="0" * 64,
                issued_by_id=issuer.user.id,
                status=invoice_status,
                paid_amount=amount if invoice_status == InvoiceStatus.paid else Decimal("0.00"),
            )
        )
        session.flush()
        return assignment

    return make


def set_tax(session: Session, member: Member, *, valid_from: date, mode: TaxMode, **fields: object) -> None:
    member.tax_settings.append(MemberTaxSetting(valid_from=valid_from, mode=mode, **fields))
    session.flush()


def invoice_of(session: Session, assignment: Assignment) -> Invoice:
    """The one invoice of an assignment made by ``paid_assignment``."""
    return session.scalars(
        select(Invoice).where(Invoice.assignment_id == assignment.id, Invoice.kind == InvoiceKind.invoice)
    ).one()


def credit_note(session: Session, invoice: Invoice, amount: Decimal, *, issued_on: date) -> Invoice:
    """A credit note of ``amount`` kr of work on ``invoice``, stored in the columns payroll and the exports
    read (the assignment, the kind, the amounts and the reference; no lines)."""
    return _document_after(
        session, invoice, kind=InvoiceKind.credit_note, amount=amount, issued_on=issued_on, sequence_step=500
    )


def later_invoice(session: Session, invoice: Invoice, amount: Decimal, *, issued_on: date) -> Invoice:
    """Another invoice of the same assignment, for a part invoiced later."""
    return _document_after(
        session, invoice, kind=InvoiceKind.invoice, amount=amount, issued_on=issued_on, sequence_step=700
    )


def _document_after(
    session: Session,
    invoice: Invoice,
    *,
    kind: InvoiceKind,
    amount: Decimal,
    issued_on: date,
    sequence_step: int,
) -> Invoice:
    columns = {
        column.key: getattr(invoice, column.key)
        for column in Invoice.__table__.columns
        if column.key not in ("id", "created_at", "updated_at")
    }
    sequence = invoice.sequence + sequence_step
    document = Invoice(
        **columns
        | {
            "kind": kind,
            "refers_to_id": invoice.id if kind == InvoiceKind.credit_note else None,
            "sequence": sequence,
            "number": f"2026-{sequence:05d}",
            "ocr": None,
            "issue_date": issued_on,
            "work_amount": amount,
            "net_total": amount,
            "payable": amount,
            "paid_amount": Decimal("0.00"),
        }
    )
    session.add(document)
    session.flush()
    return document

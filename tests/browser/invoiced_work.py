"""New work of Alva's for a browser test, made through the services the office's pages use: a commission
registered and submitted by her, approved and invoiced by the treasurer. Each test gets work of its own, so
that what it credits or pays touches no other test's invoice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.schemas import AssignmentCreate, ExpenseCreate, FeeLineCreate
from kooperativet.auth.models import User
from kooperativet.demo.assignments import THEATRE
from kooperativet.employments import service as employments_service
from kooperativet.invoices import service as invoices_service
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.schemas import InvoiceIssue
from kooperativet.parties.models import Client
from tests.browser.conftest import DEMO_TODAY

ALVA = "alva@example.se"
TREASURER = "kassor@interimkultur.example.se"


def alvas_theatre_commission(
    session: Session,
    *,
    title: str,
    days: tuple[date, date],
    place: str,
    buyer_reference: str,
    line: FeeLineCreate,
    expenses: Sequence[ExpenseCreate] = (),
) -> Assignment:
    """A commission of Alva's for the demo's theatre (two days' work), registered by her and not submitted."""
    alva = session.scalars(select(User).where(User.email == ALVA)).one()
    theatre = session.scalars(select(Client).where(Client.name == THEATRE)).one()
    data = AssignmentCreate(
        client_id=theatre.id,
        title=title,
        period_start=days[0],
        period_end=days[1],
        place=place,
        extent_quantity=Decimal("2"),
        buyer_reference=buyer_reference,
        lines=[line],
        expenses=list(expenses),
    )
    return assignments_service.create_assignment(session, data=data, actor=alva)


def submit_as_alva(session: Session, assignment: Assignment, *, now: datetime) -> None:
    alva = session.scalars(select(User).where(User.email == ALVA)).one()
    assignments_service.submit_assignment(
        session, assignment=assignment, version=assignment.version, actor=alva, now=now
    )


def invoice_alvas_commission(session: Session, *, data: AssignmentCreate, now: datetime) -> Invoice:
    alva = session.scalars(select(User).where(User.email == ALVA)).one()
    treasurer = session.scalars(select(User).where(User.email == TREASURER)).one()
    assignment = assignments_service.create_assignment(session, data=data, actor=alva)
    assignments_service.submit_assignment(
        session, assignment=assignment, version=assignment.version, actor=alva, now=now
    )
    employments_service.approve_assignment(
        session,
        assignment=assignment,
        version=assignment.version,
        actor=treasurer,
        confirm_warnings=True,
        today=DEMO_TODAY,
        now=now,
    )
    return invoices_service.issue_invoice(
        session, data=InvoiceIssue(assignment_id=assignment.id), actor=treasurer, today=DEMO_TODAY, now=now
    )

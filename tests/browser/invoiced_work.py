"""New work of Alva's for a browser test, made through the services the office's pages use: a commission
registered and submitted by her, approved and invoiced by the treasurer. Each test gets work of its own, so
that what it credits or pays touches no other test's invoice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.schemas import AssignmentCreate
from kooperativet.auth.models import User
from kooperativet.employments import service as employments_service
from kooperativet.invoices import service as invoices_service
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.schemas import InvoiceIssue
from tests.browser.conftest import DEMO_TODAY

ALVA = "alva@example.se"
TREASURER = "kassor@interimkultur.example.se"


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

"""What the purge tests set up: Alva, the first member of the month-end exports' approved run (paid on 25
November 2026), with her documents, removed the day after and purged once her seven years have run out."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.auth.models import Role
from kooperativet.employments.models import Employment
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip
from kooperativet.privacy.removal import pseudonymise_member
from tests.exports.conftest import EXPORT_DAY, ApprovedRun

#: Alva's last document is of 2026: her data is kept until 31 December 2033 and is due on 1 January 2034.
RETAINED_UNTIL = date(2033, 12, 31)
DUE = date(2034, 1, 1)
PURGED_AT = datetime(2034, 1, 1, 3, 0, tzinfo=UTC)
REMOVED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7 payslip of Alva"


def member_on(session: Session, run: ApprovedRun, position: int) -> tuple[Member, Payslip]:
    payslips = session.scalars(select(Payslip).where(Payslip.run_id == run.run.id).order_by(Payslip.sequence))
    payslip = list(payslips)[position]
    return session.get_one(Member, payslip.member_id), payslip


def remove(session: Session, member: Member, make_user) -> None:
    member.left_on = date(2026, 11, 26)
    pseudonymise_member(
        session, member=member, actor=make_user(Role.admin).user, today=EXPORT_DAY, now=REMOVED_AT
    )


def with_documents(session: Session, member: Member, payslip: Payslip) -> tuple[Employment, Receipt]:
    """Her payslip's PDF, an anställningsbevis, a receipt for her outlay and a note on her tax setting."""
    payslip.pdf, payslip.pdf_sha256 = PDF, hashlib.sha256(PDF).hexdigest()
    assignment = session.scalars(select(Assignment).where(Assignment.member_id == member.id)).first()
    assert assignment is not None
    employment = Employment(
        member_id=member.id,
        assignment_id=assignment.id,
        start=assignment.period_start,
        end=assignment.period_end,
        title=assignment.title,
        duties="Spela",
        workplace="Scenen",
        extent_quantity=Decimal("2"),
        extent_unit=assignment.extent_unit,
        pay_form="Lön per uppdrag",
        certificate_html=f"<p>{member.full_name}</p>",
        certificate_sha256="1" * 64,
        certificate_pdf=b"%PDF certificate",
    )
    receipt = Receipt(
        filename="kvitto Alva.jpg",
        media_type="image/jpeg",
        size=4,
        sha256="2" * 64,
        content=b"\xff\xd8\xff\xe0",
        uploaded_by_id=payslip.issued_by_id or 1,
    )
    session.add_all([employment, receipt])
    session.flush()
    [expense] = session.scalars(select(Expense).where(Expense.assignment_id == assignment.id))
    expense.receipt_id = receipt.id
    member.tax_settings[0].note = "Jämkning för Alva"
    session.flush()
    return employment, receipt

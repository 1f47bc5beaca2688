"""A member's data export: every stored row about them, in plain JSON.

Rows are written column by column, so a column added later is exported without a change here. Binary
documents (PDFs, UBL, receipts) are listed by their SHA-256 rather than embedded: they are downloadable one by
one from their own endpoints.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Receipt
from kooperativet.auth.models import User
from kooperativet.employments.models import Employment
from kooperativet.invoices.models import Invoice, Payment
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip

#: Columns never exported: secrets, and bytes that have their own download.
LEFT_OUT = frozenset({"password_hash", "content", "certificate_pdf", "pdf", "ubl"})


def member_data(session: Session, *, member: Member, generated_at: datetime) -> dict[str, Any]:
    """Everything the cooperative stores about this member, for a subject-access request."""
    user = session.get(User, member.user_id) if member.user_id is not None else None
    assignments = list(
        session.scalars(select(Assignment).where(Assignment.member_id == member.id).order_by(Assignment.id))
    )
    invoices = list(
        session.scalars(select(Invoice).where(Invoice.member_id == member.id).order_by(Invoice.id))
    )
    invoice_ids = [invoice.id for invoice in invoices]
    payments = list(
        session.scalars(select(Payment).where(Payment.invoice_id.in_(invoice_ids)).order_by(Payment.id))
    )
    receipt_ids = [e.receipt_id for a in assignments for e in a.expenses if e.receipt_id is not None]
    receipts = list(session.scalars(select(Receipt).where(Receipt.id.in_(receipt_ids)).order_by(Receipt.id)))
    employments = list(
        session.scalars(select(Employment).where(Employment.member_id == member.id).order_by(Employment.id))
    )
    payslips = list(
        session.scalars(select(Payslip).where(Payslip.member_id == member.id).order_by(Payslip.id))
    )
    return {
        "generated_at": generated_at.isoformat(),
        "user": _row(user) if user is not None else None,
        "roles": sorted(user.roles) if user is not None else [],
        "member": _row(member),
        "tax_settings": [_row(setting) for setting in member.tax_settings],
        "assignments": [
            _row(a) | {"lines": [_row(line) for line in a.lines], "expenses": [_row(e) for e in a.expenses]}
            for a in assignments
        ],
        "receipts": [_row(receipt) for receipt in receipts],
        "employments": [_row(employment) for employment in employments],
        "invoices": [_row(invoice) for invoice in invoices],
        "payments": [_row(payment) for payment in payments],
        "payslips": [_row(p) | {"lines": [_row(line) for line in p.lines]} for p in payslips],
    }


def _row(record: object) -> dict[str, Any]:
    mapper = inspect(record).mapper
    return {
        column.key: _plain(getattr(record, column.key))
        for column in mapper.column_attrs
        if column.key not in LEFT_OUT
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value

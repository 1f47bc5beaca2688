"""Expenses of a draft and their receipts."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy.orm import Session

from kooperativet.assignments import rules
from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.assignments.schemas import ExpenseCreate
from kooperativet.assignments.service.fees import fee_lines
from kooperativet.assignments.service.guards import require_own_draft
from kooperativet.auth.models import User
from kooperativet.errors import NotFound

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]+")


def add_expense(session: Session, *, assignment: Assignment, data: ExpenseCreate, actor: User) -> Expense:
    require_own_draft(assignment, actor)
    rules.check_expense(amount=data.amount, vat_rate=data.vat_rate, field="expense")
    rules.check_amounts_fit(
        lines=fee_lines(assignment),
        expense_amounts=[*(expense.amount for expense in assignment.expenses), data.amount],
    )
    expense = expense_row(data)
    assignment.expenses.append(expense)
    assignment.version += 1
    session.flush()
    return expense


def remove_expense(session: Session, *, assignment: Assignment, expense_id: int, actor: User) -> None:
    require_own_draft(assignment, actor)
    expense = get_expense(assignment, expense_id=expense_id)
    receipt = expense.receipt
    assignment.expenses.remove(expense)
    session.flush()
    if receipt is not None:
        session.delete(receipt)
    assignment.version += 1
    session.flush()


def get_expense(assignment: Assignment, *, expense_id: int) -> Expense:
    for expense in assignment.expenses:
        if expense.id == expense_id:
            return expense
    raise NotFound(f"assignment {assignment.id} has no expense {expense_id}")


def expense_row(data: ExpenseCreate) -> Expense:
    return Expense(
        spent_on=data.spent_on,
        description=data.description.strip(),
        amount=data.amount,
        vat_rate=data.vat_rate,
        reinvoice=data.reinvoice,
    )


def attach_receipt(
    session: Session, *, assignment: Assignment, expense_id: int, filename: str, content: bytes, actor: User
) -> Receipt:
    """Store a receipt for an expense of one's own draft, replacing an earlier one.

    The file must be a PDF, JPEG or PNG by its content (not its name) and at most 10 MB.
    """
    require_own_draft(assignment, actor)
    expense = get_expense(assignment, expense_id=expense_id)
    rules.check_receipt_size(len(content))
    media_type = rules.receipt_media_type(content)
    previous = expense.receipt
    receipt = Receipt(
        filename=_safe_filename(filename),
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=actor.id,
    )
    expense.receipt = receipt
    session.flush()
    if previous is not None:
        session.delete(previous)
        session.flush()
    return receipt


def get_receipt(assignment: Assignment, *, expense_id: int) -> Receipt:
    receipt = get_expense(assignment, expense_id=expense_id).receipt
    if receipt is None:
        raise NotFound(f"expense {expense_id} has no receipt")
    return receipt


def receipt_content(receipt: Receipt) -> bytes:
    """The receipt's file as uploaded; gone once erased after the retention period (privacy.purge)."""
    if receipt.content is None:
        raise NotFound(
            f"the file of receipt {receipt.id} was erased after the retention period",
            code="erased_after_retention",
        )
    return receipt.content


def _safe_filename(filename: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    return name[:200] or "receipt"

"""Reading and listing invoices and credit notes, and who may see which: the treasurer and the admin see
every invoice, a member those of their own assignments. ``overdue_on`` lists the open or partly paid
invoices past their due date, the oldest due first (``Invoice.is_overdue_on`` is the same rule for one)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_page
from kooperativet.documents.pipeline import stored_pdf
from kooperativet.errors import NotFound
from kooperativet.invoices.documents import INVOICE_PDF
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.invoices.schemas import InvoiceSort
from kooperativet.parties.models import Member
from kooperativet.parties.ownership import owner_user_id, user_of_member

#: The states in which an invoice still waits for money (``Invoice.is_overdue_on`` reads the same).
UNPAID = (InvoiceStatus.open, InvoiceStatus.partly_paid)


def get_invoice(session: Session, *, invoice_id: int, actor: User) -> Invoice:
    """An invoice or credit note; a member sees only those of their own assignments (404 otherwise)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or not policy.may_see(actor, owner_user_id=user_of_member(session, invoice.member_id)):
        raise NotFound(f"invoice {invoice_id} does not exist")
    return invoice


def invoice_pdf(session: Session, *, invoice: Invoice) -> bytes:
    """The stored PDF/A-3b, byte for byte as issued; one still pending is rendered and stored first."""
    return stored_pdf(session, INVOICE_PDF, invoice)


def list_invoices(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None,
    overdue_on: date | None = None,
    unpaid: bool = False,
    client_id: int | None = None,
    member_id: int | None = None,
    assignment_id: int | None = None,
    sort: InvoiceSort | None = None,
) -> tuple[list[Invoice], int]:
    """Invoices matching the filters in the order ``sort`` names; without one, the newest number first, or
    the oldest due date first when listing the overdue ones. ``unpaid``: the invoices still open or partly
    paid."""
    query = policy.only_own(select(Invoice), actor, owner_user_id=owner_user_id(Invoice.member_id))
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    if status is not None:
        query = query.where(Invoice.status == status)
    if unpaid or overdue_on is not None:
        query = query.where(Invoice.kind == InvoiceKind.invoice, Invoice.status.in_(UNPAID))
    if overdue_on is not None:
        query = query.where(Invoice.due_date < overdue_on)
    if client_id is not None:
        query = query.where(Invoice.client_id == client_id)
    if member_id is not None:
        query = query.where(Invoice.member_id == member_id)
    if assignment_id is not None:
        query = query.where(Invoice.assignment_id == assignment_id)
    if sort is None:
        sort = InvoiceSort.due_date if overdue_on is not None else InvoiceSort.number_desc
    order, tiebreak = _ORDERS[sort]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=tiebreak)


#: Each ``sort`` value: the columns, and the id in the same direction so that equal dates keep one order.
_ORDERS: dict[InvoiceSort, tuple[list[ColumnElement[Any]], ColumnElement[Any]]] = {
    InvoiceSort.number: ([Invoice.year.asc(), Invoice.sequence.asc()], Invoice.id.asc()),
    InvoiceSort.number_desc: ([Invoice.year.desc(), Invoice.sequence.desc()], Invoice.id.desc()),
    InvoiceSort.issue_date: ([Invoice.issue_date.asc()], Invoice.id.asc()),
    InvoiceSort.issue_date_desc: ([Invoice.issue_date.desc()], Invoice.id.desc()),
    InvoiceSort.due_date: ([Invoice.due_date.asc()], Invoice.id.asc()),
    InvoiceSort.due_date_desc: ([Invoice.due_date.desc()], Invoice.id.desc()),
}


def refuse_own_invoice(session: Session, *, invoice: Invoice, actor: User, act: str) -> None:
    """Refuse (409 ``own_work``) when ``invoice`` is for the acting user's own assignment."""
    refuse_own_work(actor_id=actor.id, worker=session.get_one(Member, invoice.member_id), act=act)

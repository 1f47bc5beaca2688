"""Reading and listing invoices and credit notes, and who may see which: the treasurer and the admin see
every invoice, a member those of their own assignments. ``overdue_on`` lists the open or partly paid
invoices past their due date, the oldest due first (``Invoice.is_overdue_on`` is the same rule for one)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import refuse_own_work
from kooperativet.auth.models import Role, User
from kooperativet.db import count_rows
from kooperativet.errors import NotFound
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.parties.models import Member


def sees_every_invoice(user: User) -> bool:
    return user.has_any_role(Role.treasurer, Role.admin)


def get_invoice(session: Session, *, invoice_id: int, actor: User) -> Invoice:
    """An invoice or credit note; a member sees only those of their own assignments (404 otherwise)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or not (
        sees_every_invoice(actor) or invoice.member_id in own_member_ids(session, actor)
    ):
        raise NotFound(f"invoice {invoice_id} does not exist")
    return invoice


def list_invoices(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None,
    overdue_on: date | None = None,
    client_id: int | None = None,
    member_id: int | None = None,
    assignment_id: int | None = None,
) -> tuple[list[Invoice], int]:
    query = select(Invoice)
    if not sees_every_invoice(actor):
        query = query.where(Invoice.member_id.in_(own_member_ids(session, actor)))
    if kind is not None:
        query = query.where(Invoice.kind == kind)
    if status is not None:
        query = query.where(Invoice.status == status)
    if overdue_on is not None:
        query = query.where(
            Invoice.kind == InvoiceKind.invoice,
            Invoice.status.in_((InvoiceStatus.open, InvoiceStatus.partly_paid)),
            Invoice.due_date < overdue_on,
        )
    if client_id is not None:
        query = query.where(Invoice.client_id == client_id)
    if member_id is not None:
        query = query.where(Invoice.member_id == member_id)
    if assignment_id is not None:
        query = query.where(Invoice.assignment_id == assignment_id)
    total = count_rows(session, query)
    order = (
        (Invoice.due_date, Invoice.id)
        if overdue_on is not None
        else (Invoice.year.desc(), Invoice.sequence.desc())
    )
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total


def own_member_ids(session: Session, actor: User) -> list[int]:
    return list(session.scalars(select(Member.id).where(Member.user_id == actor.id)))


def refuse_own_invoice(session: Session, *, invoice: Invoice, actor: User, act: str) -> None:
    """Refuse (409 ``own_work``) when ``invoice`` is for the acting user's own assignment."""
    refuse_own_work(actor_id=actor.id, worker=session.get_one(Member, invoice.member_id), act=act)

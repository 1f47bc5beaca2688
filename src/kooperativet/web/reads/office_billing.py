"""What the office's billing pages read beyond the services' own lists: the names beside a page of invoices
or payments, the open invoices to choose from, the credit notes of an invoice, and the start page's counts.

Each read is a fixed number of statements, whatever the number of rows (the pages' tests count them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.assignments.service import list_assignments
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import count_rows
from kooperativet.invoices.models import Invoice, InvoiceKind, UnmatchedBankEntry
from kooperativet.invoices.service.read import UNPAID, list_invoices
from kooperativet.parties.models import Client, Member
from kooperativet.web.panel import Panel

#: The longest list of open invoices a choice offers; a cooperative has far fewer unpaid at once.
MAX_CHOICES = 500


@dataclass(frozen=True, slots=True)
class Names:
    clients: dict[int, str]
    members: dict[int, str]


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    id: int
    number: str
    client_name: str
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class PaidInvoice:
    number: str
    issue_date: date


def names(session: Session, *, client_ids: Iterable[int], member_ids: Iterable[int]) -> Names:
    """The clients' and members' names for a page of rows, in two statements."""
    wanted_clients, wanted_members = set(client_ids), set(member_ids)
    clients = (
        dict(session.execute(select(Client.id, Client.name).where(Client.id.in_(wanted_clients))).all())
        if wanted_clients
        else {}
    )
    members = (
        {m.id: m.full_name for m in session.scalars(select(Member).where(Member.id.in_(wanted_members)))}
        if wanted_members
        else {}
    )
    return Names(clients=clients, members=members)


def invoice_numbers(session: Session, *, invoice_ids: Iterable[int]) -> dict[int, str]:
    wanted = set(invoice_ids)
    if not wanted:
        return {}
    rows = session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(wanted)))
    return dict(rows.all())


def invoices_paid(session: Session, *, invoice_ids: Iterable[int]) -> dict[int, PaidInvoice]:
    """The number and date of each invoice a page of payments pays, in one statement: the list names the
    invoice and marks a payment made before its date as paid in advance, as the invoice's page does."""
    wanted = set(invoice_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(Invoice.id, Invoice.number, Invoice.issue_date).where(Invoice.id.in_(wanted))
    )
    return {invoice_id: PaidInvoice(number, issued) for invoice_id, number, issued in rows}


def open_invoices(session: Session) -> list[OpenInvoice]:
    """Invoices still waiting for money, oldest number first, with their client: what a payment may pay."""
    rows = session.execute(
        select(
            Invoice.id,
            Invoice.number,
            Client.name,
            Invoice.payable,
            Invoice.credited_amount,
            Invoice.paid_amount,
        )
        .join(Client, Client.id == Invoice.client_id)
        .where(Invoice.kind == InvoiceKind.invoice, Invoice.status.in_(UNPAID))
        .order_by(Invoice.year, Invoice.sequence)
        .limit(MAX_CHOICES)
    )
    return [
        OpenInvoice(
            id=id_,
            number=number,
            client_name=client,
            outstanding=max(payable - credited - paid, Decimal("0.00")),
        )
        for id_, number, client, payable, credited, paid in rows
    ]


def credit_notes_of(session: Session, *, invoice_id: int) -> list[Invoice]:
    return list(
        session.scalars(
            select(Invoice).where(Invoice.refers_to_id == invoice_id).order_by(Invoice.year, Invoice.sequence)
        )
    )


def office_panel(*, session: Session, user: User, today: date) -> Panel | None:
    """For the treasurer and the admin: commissions waiting in the inbox, overdue invoices, bank entries
    nobody has matched yet. Nothing when all three are zero."""
    if not policy.acts_for_everyone(user):  # work to do: the auditor has none
        return None
    # The services' own lists give the totals, so the inbox and "overdue" mean here what they mean there.
    _, waiting = list_assignments(session, actor=user, limit=1, offset=0, status=AssignmentStatus.submitted)
    _, overdue = list_invoices(session, actor=user, limit=1, offset=0, overdue_on=today)
    unmatched = count_rows(
        session, select(UnmatchedBankEntry.id).where(UnmatchedBankEntry.resolution.is_(None))
    )
    if not (waiting or overdue or unmatched):
        return None
    # panels.PROVIDERS lists this function, so the panel's type is imported when it is called.

    return Panel(
        "panels/office_billing.html", {"waiting": waiting, "overdue": overdue, "unmatched": unmatched}
    )


def last_unmatched_id(session: Session) -> int:
    """The newest unmatched entry's id now: an import's own entries are those after it."""
    return session.scalar(select(func.max(UnmatchedBankEntry.id))) or 0


def unmatched_after(session: Session, *, entry_id: int) -> list[UnmatchedBankEntry]:
    """The entries an import left unmatched: those stored after ``entry_id``, in file order."""
    query = select(UnmatchedBankEntry).where(UnmatchedBankEntry.id > entry_id).order_by(UnmatchedBankEntry.id)
    return list(session.scalars(query.limit(MAX_CHOICES)))

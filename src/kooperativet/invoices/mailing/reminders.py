"""Payment reminders of overdue invoices on the cooperative's schedule (docs/reminders.md).

``send_due_reminders`` finds, in a constant number of statements whatever the number of invoices, the
invoices a reminder is due for on a day, makes the reminders (their PDFs follow the commit) and leaves one job
that e-mails them (``queue_reminder_mails``). An invoice is due a reminder when it is unpaid, the first one
``reminder_first_days`` after its due date, each next one ``reminder_interval_days`` after the previous, at
most ``reminder_max_count``, unless the treasurer stopped its reminders. A credit note or a payment that
settles it changes its status, so nothing owed means no reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import clock_of, fetch_page
from kooperativet.documents.pipeline import render_after_commit
from kooperativet.errors import NotFound
from kooperativet.invoices.mailing.interest import ReminderParameters, late_interest
from kooperativet.invoices.mailing.models import InvoiceReminder, ReminderStop
from kooperativet.invoices.mailing.reminder_pdf import REMINDER_PDF
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceStatus
from kooperativet.jobs import enqueue
from kooperativet.parties.models import Client

QUEUE_REMINDER_MAILS = "queue_reminder_mails"
UNPAID = (InvoiceStatus.open, InvoiceStatus.partly_paid)


@dataclass(frozen=True, slots=True)
class _Earlier:
    count: int
    last_date: date | None
    fees: Decimal


def send_due_reminders(session: Session, today: date) -> list[InvoiceReminder]:
    """Make the reminders due on ``today`` and queue their e-mails; flushed, the caller commits."""
    parameters = ReminderParameters.load(session)
    first_days = parameters.integer("reminder_first_days", today)
    interval = parameters.integer("reminder_interval_days", today)
    most = parameters.integer("reminder_max_count", today)
    candidates = session.execute(
        select(Invoice, Client)
        .join(Client, Client.id == Invoice.client_id)
        .where(
            Invoice.kind == InvoiceKind.invoice,
            Invoice.status.in_(UNPAID),
            Invoice.due_date <= today - timedelta(days=first_days),
        )
        .order_by(Invoice.id)
    ).all()
    ids = [invoice.id for invoice, _ in candidates]
    earlier = _earlier_reminders(session, ids)
    stopped = stopped_invoice_ids(session, ids)
    made: list[dict[str, Any]] = []
    for invoice, client in candidates:
        before = earlier.get(invoice.id, _Earlier(0, None, Decimal("0.00")))
        if invoice.id in stopped or before.count >= most or invoice.outstanding <= 0:
            continue
        if before.last_date is not None and today < before.last_date + timedelta(days=interval):
            continue
        made.append(
            _reminder(
                session, invoice, client, before, today=today, parameters=parameters, pay_within=interval
            )
        )
    if not made:
        return []
    # One executemany for the batch, then one read for the rows with their ids: a constant number of
    # statements however many invoices are reminded (an ORM flush inserts row by row on SQLite).
    session.execute(insert(InvoiceReminder), made)
    made_rows = list(
        session.scalars(
            select(InvoiceReminder)
            .where(InvoiceReminder.number.in_([row["number"] for row in made]))
            .order_by(InvoiceReminder.id)
        )
    )
    reminder_ids = [reminder.id for reminder in made_rows]
    render_after_commit(session, REMINDER_PDF, reminder_ids)
    enqueue(
        session,
        QUEUE_REMINDER_MAILS,
        {"reminder_ids": reminder_ids},
        key=f"reminder_mails:{reminder_ids[0]}-{reminder_ids[-1]}",
    )
    payload: dict[str, Any] = {
        "day": today.isoformat(),
        "reminders": [reminder.number for reminder in made_rows],
    }
    capped = {row["number"]: row["snapshot"]["fee_capped"] for row in made if "fee_capped" in row["snapshot"]}
    if capped:
        # The fee set above the law's cap of the day, and the cap charged instead, by reminder number.
        payload["fees_capped"] = capped
    append_event(session, kind="reminders_made", payload=payload, now=clock_of(session))
    return made_rows


def _earlier_reminders(session: Session, invoice_ids: list[int]) -> dict[int, _Earlier]:
    rows = session.execute(
        select(
            InvoiceReminder.invoice_id,
            func.count(InvoiceReminder.id),
            func.max(InvoiceReminder.reminder_date),
            func.sum(InvoiceReminder.fee),
        )
        .where(InvoiceReminder.invoice_id.in_(invoice_ids))
        .group_by(InvoiceReminder.invoice_id)
    )
    return {
        invoice_id: _Earlier(count, last, Decimal(fees or 0).quantize(Decimal("0.01")))
        for invoice_id, count, last, fees in rows
    }


def stopped_invoice_ids(session: Session, invoice_ids: list[int]) -> set[int]:
    """The invoices among ``invoice_ids`` whose reminders are stopped now (a stop not resumed)."""
    return set(
        session.scalars(
            select(ReminderStop.invoice_id).where(
                ReminderStop.invoice_id.in_(invoice_ids), ReminderStop.resumed_at.is_(None)
            )
        )
    )


def _reminder(
    session: Session,
    invoice: Invoice,
    client: Client,
    before: _Earlier,
    *,
    today: date,
    parameters: ReminderParameters,
    pay_within: int,
) -> dict[str, Any]:
    """The values of the reminder's row."""
    assert invoice.due_date is not None  # an invoice always has one (snapshot rules)
    outstanding = invoice.outstanding
    start = invoice.due_date + timedelta(days=1)
    rates = parameters.interest_rates(start, today)
    interest = late_interest(outstanding, due_date=invoice.due_date, until=today, rates=rates)
    # The fee only where the client agreed to it when the debt arose (lag (1981:739) 2 §); one per reminder,
    # and never above the law's cap in force today (4 §): a fee above a lowered cap charges the cap
    # (``ReminderFee``), and the snapshot records the fee that was set.
    agreed = parameters.reminder_fee(today) if client.reminder_fee_agreed else None
    fee = agreed.charged if agreed is not None else Decimal("0.00")
    sequence = before.count + 1
    number = f"{invoice.number}-P{sequence}"
    settled = invoice.payable - outstanding
    total = outstanding + interest + fee + before.fees
    snapshot: dict[str, Any] = {
        "language": str(invoice.language),
        "number": number,
        "sequence": sequence,
        "reminder_date": today.isoformat(),
        "pay_by": (today + timedelta(days=pay_within)).isoformat(),
        "invoice_number": invoice.number,
        "invoice_issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "ocr": invoice.ocr,
        "seller": _party(invoice.snapshot["seller"], bankgiro=True),
        "buyer": _party(invoice.snapshot["buyer"], bankgiro=False),
        "interest_days": (today - invoice.due_date).days,
        "rates": [{"from": first.isoformat(), "rate": str(rate * 100)} for first, rate in rates],
        "amounts": {
            "payable": str(invoice.payable),
            "settled": str(settled),
            "outstanding": str(outstanding),
            "interest": str(interest),
            "fee": str(fee),
            "earlier_fees": str(before.fees),
            "total": str(total),
        },
    }
    if agreed is not None and agreed.capped:
        snapshot["fee_capped"] = {
            "set": str(agreed.set),
            "maximum": agreed.cap.value,
            "maximum_valid_from": agreed.cap.valid_from.isoformat(),
            "maximum_source": agreed.cap.source,
        }
    return {
        "invoice_id": invoice.id,
        "sequence": sequence,
        "number": number,
        "reminder_date": today,
        "outstanding": outstanding,
        "fee": fee,
        "interest": interest,
        "snapshot": snapshot,
        "created_at": clock_of(session),
    }


def _party(party: dict[str, Any], *, bankgiro: bool) -> dict[str, Any]:
    """A party of the invoice as the reminder names it: its address with the country, as the invoice prints
    it, and for the seller the accounts the invoice gave (a buyer abroad pays to the IBAN, not the bankgiro).
    An invoice issued before its snapshot held a country or an IBAN gives none."""
    address = party.get("address") or {}
    found = {
        "name": party["name"],
        "street": address.get("street", ""),
        "postal_code": address.get("postal_code", ""),
        "city": address.get("city", ""),
        "country": address.get("country"),
        "email": party.get("email"),
    }
    if bankgiro:
        found |= {"bankgiro": party.get("bankgiro"), "iban": party.get("iban"), "bic": party.get("bic")}
    return found


def reminders_of(session: Session, *, invoice_id: int) -> list[InvoiceReminder]:
    return list(
        session.scalars(
            select(InvoiceReminder)
            .where(InvoiceReminder.invoice_id == invoice_id)
            .order_by(InvoiceReminder.sequence)
        )
    )


def stops_of(session: Session, *, invoice_id: int) -> list[ReminderStop]:
    return list(
        session.scalars(
            select(ReminderStop)
            .where(ReminderStop.invoice_id == invoice_id)
            .order_by(ReminderStop.stopped_at)
        )
    )


def current_stop(session: Session, *, invoice_id: int) -> ReminderStop | None:
    return session.scalar(
        select(ReminderStop).where(ReminderStop.invoice_id == invoice_id, ReminderStop.resumed_at.is_(None))
    )


def get_reminder(session: Session, *, reminder_id: int) -> InvoiceReminder:
    reminder = session.get(InvoiceReminder, reminder_id)
    if reminder is None:
        raise NotFound(f"reminder {reminder_id} does not exist")
    return reminder


def list_reminders(session: Session, *, limit: int, offset: int) -> tuple[list[InvoiceReminder], int]:
    return fetch_page(
        session,
        select(InvoiceReminder),
        limit=limit,
        offset=offset,
        order=[InvoiceReminder.reminder_date.desc()],
        tiebreak=InvoiceReminder.id.desc(),
    )

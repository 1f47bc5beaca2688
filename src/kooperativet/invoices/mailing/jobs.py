"""The workers' side of reminders: the daily run that makes the reminders due, and e-mailing them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from kooperativet.core.calendar import swedish_day
from kooperativet.db import clock_of
from kooperativet.documents.render import long_date, money
from kooperativet.invoices.mailing.attachments import REMINDER_PDF_SOURCE
from kooperativet.invoices.mailing.models import InvoiceDispatch, InvoiceReminder
from kooperativet.invoices.mailing.reminders import QUEUE_REMINDER_MAILS, send_due_reminders
from kooperativet.invoices.models import Invoice
from kooperativet.jobs import JobContext, handler
from kooperativet.jobs.periodic import register_periodic
from kooperativet.mail import attachment, queue_mail
from kooperativet.parties.models import Client

SEND_DUE_REMINDERS = "send_due_reminders"

# Once a day the workers make the reminders that have fallen due (``kooperativet invoices remind`` does the
# same by hand); a second run on the same day makes none.
register_periodic(SEND_DUE_REMINDERS, timedelta(days=1))


@handler(SEND_DUE_REMINDERS)
def send_due_reminders_job(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Make today's reminders (a day in Sweden, or ``payload["day"]``); run twice, the second makes none."""
    session = context.session
    day = payload.get("day")
    today = datetime.fromisoformat(day).date() if day else swedish_day(clock_of(session))
    send_due_reminders(session, today)
    session.commit()


@handler(QUEUE_REMINDER_MAILS)
def queue_reminder_mails(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Queue one e-mail per reminder, with its PDF; a reminder already e-mailed is skipped (run again after
    a crash), one whose client has no address stays unsent and the invoice page says so."""
    session = context.session
    ids = [int(value) for value in payload["reminder_ids"]]
    done = set(
        session.scalars(select(InvoiceDispatch.reminder_id).where(InvoiceDispatch.reminder_id.in_(ids)))
    )
    rows = session.execute(
        select(InvoiceReminder, Invoice, Client)
        .join(Invoice, Invoice.id == InvoiceReminder.invoice_id)
        .join(Client, Client.id == Invoice.client_id)
        .where(InvoiceReminder.id.in_(ids))
        .order_by(InvoiceReminder.id)
    ).all()
    now = clock_of(session)
    for reminder, invoice, client in rows:
        address = client.email
        if reminder.id in done or not address:
            continue
        message = queue_mail(
            session,
            to=address,
            template="reminder",
            language=str(invoice.language),
            context=reminder_context(reminder),
            attachments=[attachment(REMINDER_PDF_SOURCE, reminder.id)],
        )
        session.add(
            InvoiceDispatch(
                invoice_id=invoice.id,
                reminder_id=reminder.id,
                to_address=address,
                mail_id=message.id,
                queued_at=now,
            )
        )
    session.commit()


def reminder_context(reminder: InvoiceReminder) -> dict[str, Any]:
    snapshot = reminder.snapshot
    language = snapshot["language"]
    amounts = snapshot["amounts"]

    def kronor(key: str) -> str:
        return money(Decimal(amounts[key]), language)

    return {
        "number": reminder.number,
        "invoice_number": snapshot["invoice_number"],
        "cooperative": snapshot["seller"]["name"],
        "client": snapshot["buyer"]["name"],
        "due_date": long_date(date.fromisoformat(snapshot["due_date"]), language),
        "pay_by": long_date(date.fromisoformat(snapshot["pay_by"]), language),
        "outstanding": kronor("outstanding"),
        "interest": kronor("interest"),
        "fee": kronor("fee") if Decimal(amounts["fee"]) else None,
        "total": kronor("total"),
        "ocr": snapshot["ocr"],
        "bankgiro": snapshot["seller"].get("bankgiro"),
        "contact": snapshot["seller"].get("email"),
    }

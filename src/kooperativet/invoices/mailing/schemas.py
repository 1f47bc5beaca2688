"""What the API says about sending invoices and about reminders."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import EmailStr, Field

from kooperativet.api.types import Money, ReadSchema, Schema, Text
from kooperativet.invoices.mailing.dispatch import DispatchRecord
from kooperativet.invoices.mailing.models import InvoiceReminder
from kooperativet.mail.models import MailState


class SendRequest(Schema):
    to: EmailStr | None = Field(
        default=None, description="send here instead of the client's invoice address (this time only)"
    )


class DispatchRead(ReadSchema):
    id: int
    invoice_id: int
    reminder_id: int | None = Field(description="set when what was sent is a payment reminder")
    to_address: str
    with_ubl: bool = Field(description="the Peppol UBL was attached besides the PDF")
    queued_at: datetime
    queued_by_id: int | None = Field(description="the treasurer who asked; empty for a reminder")
    mail_id: int
    state: MailState = Field(description="queued, sent (accepted by the SMTP server) or failed")
    sent_at: datetime | None
    error: str | None

    @classmethod
    def of(cls, record: DispatchRecord) -> DispatchRead:
        row = record.dispatch
        return cls(
            id=row.id,
            invoice_id=row.invoice_id,
            reminder_id=row.reminder_id,
            to_address=row.to_address,
            with_ubl=row.with_ubl,
            queued_at=row.queued_at,
            queued_by_id=row.queued_by_id,
            mail_id=row.mail_id,
            state=record.state,
            sent_at=record.sent_at,
            error=record.error,
        )


class ReminderRead(ReadSchema):
    id: int
    invoice_id: int
    number: str
    sequence: int
    reminder_date: date
    outstanding: Money
    fee: Money
    interest: Money
    total: Money = Field(description="outstanding + interest + this fee + earlier reminders' fees")
    pdf_sha256: str | None

    @classmethod
    def of(cls, reminder: InvoiceReminder) -> ReminderRead:
        return cls(
            id=reminder.id,
            invoice_id=reminder.invoice_id,
            number=reminder.number,
            sequence=reminder.sequence,
            reminder_date=reminder.reminder_date,
            outstanding=reminder.outstanding,
            fee=reminder.fee,
            interest=reminder.interest,
            total=reminder.snapshot["amounts"]["total"],
            pdf_sha256=reminder.pdf_sha256,
        )


class StopRequest(Schema):
    reason: Text = Field(min_length=1, max_length=500, examples=["Avbetalningsplan överenskommen"])


class StopRead(ReadSchema):
    id: int
    invoice_id: int
    reason: str
    stopped_by_id: int
    stopped_at: datetime
    resumed_by_id: int | None
    resumed_at: datetime | None

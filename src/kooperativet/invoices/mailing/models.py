"""What was sent to a client and when: invoices and credit notes by e-mail, reminders, and stops of reminders.

The invoice itself never changes (invoicing.md); everything about sending it lives in these rows. Whether a
message reached the SMTP server is not copied here: it is read from the ``OutgoingMail`` row the sending
queued (``mail_id``), so there is one truth about the result.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kooperativet.db import Base, utcnow


class InvoiceDispatch(Base):
    """One sending of an issued invoice or credit note (or of a reminder) to an e-mail address."""

    __tablename__ = "invoice_dispatches"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: Set when what was sent is a reminder of ``invoice_id`` rather than the document itself.
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_reminders.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    with_ubl: Mapped[bool] = mapped_column(default=False)
    mail_id: Mapped[int] = mapped_column(ForeignKey("outgoing_mail.id"), unique=True)
    #: None when the workers sent it (a reminder); otherwise the treasurer who asked.
    queued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class InvoiceReminder(Base):
    """A payment reminder (betalningspåminnelse) of an overdue invoice: a document of its own, numbered per
    invoice (1, 2 …), with what was owed on its date. Written once; its PDF follows the commit."""

    __tablename__ = "invoice_reminders"
    __table_args__ = (UniqueConstraint("invoice_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    reminder_date: Mapped[date]
    outstanding: Mapped[Decimal]
    fee: Mapped[Decimal]
    interest: Mapped[Decimal]
    #: Everything the PDF says (amounts as text, the rates and their sources), frozen at creation.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def total(self) -> Decimal:
        return self.outstanding + self.fee + self.interest


class ReminderStop(Base):
    """The treasurer stopped reminders for an invoice (an agreed payment plan, a dispute …). ``resumed_at``
    set: reminders go out again. At most one open stop per invoice is looked at: the newest."""

    __tablename__ = "invoice_reminder_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    stopped_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stopped_at: Mapped[datetime] = mapped_column(default=utcnow)
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resumed_at: Mapped[datetime | None]

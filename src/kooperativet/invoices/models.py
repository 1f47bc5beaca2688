"""Invoices, credit notes, their number counters, incoming payments and unmatched bank entries.

An issued document never changes (invoicing.md, "Numbering and immutability"): every column that describes
the document — number, parties, lines, amounts, snapshot, UBL with its SHA-256 — is written once at issue,
and the PDF with its SHA-256 once, right after the issue is committed (``documents.pipeline``). Only the
*payment state* changes afterwards and is kept in its own columns: ``status``, ``paid_amount`` and
``credited_amount`` (plus ``updated_at``). On PostgreSQL a trigger refuses any other UPDATE (a PDF may only
be set where none is stored) and every DELETE; the service offers no operation that could do either.

Amounts of a credit note are positive like on the UBL ``CreditNote``; ``kind`` gives the sign in the books.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kooperativet.core.vat import VatCategory
from kooperativet.db import Base, TimestampedMixin, utcnow
from kooperativet.parties.models import Language

#: The columns that may change after issue (payment state); everything else on ``invoices`` is frozen.
MUTABLE_INVOICE_COLUMNS = ("status", "paid_amount", "credited_amount", "updated_at")


class InvoiceKind(StrEnum):
    invoice = "invoice"
    credit_note = "credit_note"


class InvoiceStatus(StrEnum):
    """Payment state of an invoice. ``overdue`` is not stored: it is open or partly paid past the due date.

    A credit note is stored as ``credited`` (it settles the part of the original it credits)."""

    open = "open"
    partly_paid = "partly_paid"
    paid = "paid"
    credited = "credited"


class PaymentSource(StrEnum):
    manual = "manual"
    camt054 = "camt054"


class InvoiceNumberCounter(Base):
    """The last number taken in a series and year; locked for update by the issuing transaction so that the
    numbers stay unbroken under concurrency (Skatteverket: each series unbroken through the tax year)."""

    __tablename__ = "invoice_number_counters"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(default=0)


class Invoice(TimestampedMixin, Base):
    """An issued invoice or credit note (there are no stored drafts: the number is taken at issue).

    ``work_amount`` is the members' work excluding VAT and excluding re-invoiced expenses (the N that payroll
    starts from), ``expenses_amount`` the re-invoiced expenses excluding VAT; ``net_total`` is their sum,
    ``payable`` = ``net_total`` + ``vat_total`` + ``rounding``.
    """

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("series", "year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[InvoiceKind] = mapped_column(String(20), index=True)
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    issue_date: Mapped[date] = mapped_column(index=True)
    due_date: Mapped[date | None] = mapped_column(index=True)
    language: Mapped[Language] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3), default="SEK")
    buyer_reference: Mapped[str | None] = mapped_column(String(100))
    work_amount: Mapped[Decimal]
    expenses_amount: Mapped[Decimal]
    net_total: Mapped[Decimal]
    vat_total: Mapped[Decimal]
    rounding: Mapped[Decimal]
    payable: Mapped[Decimal]
    ocr: Mapped[str | None] = mapped_column(String(25), unique=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Empty until the document pipeline has rendered the PDF from the committed snapshot; then set once.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # None when the buyer has no Peppol address: the PDF alone is the invoice (invoicing.md).
    ubl: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    ubl_sha256: Mapped[str | None] = mapped_column(String(64))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Payment state — the only columns that change after issue (MUTABLE_INVOICE_COLUMNS).
    status: Mapped[InvoiceStatus] = mapped_column(String(20), default=InvoiceStatus.open, index=True)
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    credited_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    lines: Mapped[list[InvoiceLineRecord]] = relationship(
        back_populates="invoice", order_by="InvoiceLineRecord.position", lazy="selectin"
    )

    @property
    def has_ubl(self) -> bool:
        return self.ubl_sha256 is not None

    @property
    def outstanding(self) -> Decimal:
        """What the client still owes: payable less credit notes and payments (never below zero)."""
        return max(self.payable - self.credited_amount - self.paid_amount, Decimal("0.00"))

    @property
    def overpaid(self) -> Decimal:
        """What the client paid beyond what it owes (payable less credit notes), never below zero: money the
        cooperative sends back, or agrees with the client to set against another invoice. A payment marked as
        an overpayment makes it, and so does a credit note on an invoice already paid."""
        return max(self.paid_amount - (self.payable - self.credited_amount), Decimal("0.00"))

    def is_overdue_on(self, day: date) -> bool:
        return (
            self.kind == InvoiceKind.invoice
            and self.status in (InvoiceStatus.open, InvoiceStatus.partly_paid)
            and self.due_date is not None
            and self.due_date < day
        )


class InvoiceLineRecord(Base):
    """A line as issued, with where it came from: a fee line of the assignment or a re-invoiced expense.

    Partial invoicing takes part of a fee line's quantity; what remains to invoice is the line's quantity less
    what invoices took plus what credit notes gave back. ``credits_line_id`` ties a credit-note line to the
    invoice line it credits.
    """

    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(3))
    unit_price: Mapped[Decimal]
    vat_category: Mapped[VatCategory] = mapped_column(String(2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    exemption_reason: Mapped[str | None] = mapped_column(String(500))
    amount: Mapped[Decimal]
    is_expense: Mapped[bool] = mapped_column(default=False)
    assignment_line_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_lines.id"), index=True)
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expenses.id"), index=True)
    credits_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"), index=True)
    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    """Money received against an invoice, recorded by the treasurer or imported from a camt.054 file.

    ``bank_entry_reference`` is the bank's reference of the booked entry (camt.054 ``AcctSvcrRef`` or
    ``NtryRef``); it makes an import idempotent. ``overpayment`` is set when the treasurer knowingly
    recorded more than was due.
    """

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal]
    paid_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[PaymentSource] = mapped_column(String(10))
    bank_entry_reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    overpayment: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankEntryResolution(StrEnum):
    """How the treasurer resolved an unmatched bank entry."""

    assigned = "assigned"
    not_ours = "not_ours"


class UnmatchedBankEntry(Base):
    """A booked credit from a camt.054 file that was not matched to an invoice automatically; kept for the
    treasurer, never guessed (invoicing.md, "Bank files").

    ``amount`` and ``booked_on`` are empty only when the bank left them out (``reason`` says so). The
    treasurer resolves an entry once: ``assigned`` to an invoice (``payment_id`` is the payment it became) or
    ``not_ours`` with a note; both are audited.
    """

    __tablename__ = "unmatched_bank_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_entry_reference: Mapped[str] = mapped_column(String(100), unique=True)
    amount: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3))
    booked_on: Mapped[date | None]
    reference: Mapped[str | None] = mapped_column(String(100))
    uetr: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(500))
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolution: Mapped[BankEntryResolution | None] = mapped_column(String(20), index=True)
    resolution_note: Mapped[str | None] = mapped_column(String(500))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]

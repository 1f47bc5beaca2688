from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.db import Base, TimestampedMixin, VersionedMixin, utcnow
from kooperativet.parties.models import Client, Member


class Assignment(TimestampedMixin, VersionedMixin, Base):
    """A commission a member registers; approval turns it into an employment and makes it invoiceable."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date]
    period_end: Mapped[date]
    place: Mapped[str | None] = mapped_column(String(200))
    extent_quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    extent_unit: Mapped[ExtentUnit] = mapped_column(String(10))
    buyer_reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[AssignmentStatus] = mapped_column(String(20), default=AssignmentStatus.draft, index=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The warnings shown to the treasurer at approval ({code, message} each) and whether they confirmed them.
    approval_warnings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    warnings_confirmed: Mapped[bool] = mapped_column(default=False)
    member: Mapped[Member] = relationship(lazy="joined", innerjoin=True)
    client: Mapped[Client] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list[AssignmentLine]] = relationship(
        back_populates="assignment",
        cascade="all, delete-orphan",
        order_by="AssignmentLine.position",
        lazy="selectin",
    )
    expenses: Mapped[list[Expense]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="Expense.id", lazy="selectin"
    )


class AssignmentLine(Base):
    """A fee line: what is sold, how much, at which unit price excluding VAT, and its VAT treatment."""

    __tablename__ = "assignment_lines"
    __table_args__ = (UniqueConstraint("assignment_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(3), doc="UN/ECE Rec 20 code: HUR, DAY, C62, LS")
    unit_price: Mapped[Decimal]
    vat_category: Mapped[VatCategory] = mapped_column(String(2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    exemption_reason: Mapped[str | None] = mapped_column(String(500))
    assignment: Mapped[Assignment] = relationship(back_populates="lines")


class Receipt(Base):
    """An uploaded receipt (PDF, JPEG or PNG, checked by content), kept as bytes with its SHA-256."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Empty once erased after the retention period (privacy.purge); size and SHA-256 stay.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Expense(Base):
    """An outlay (utlägg) the member paid: reimbursed tax-free, and re-invoiced to the client or not."""

    __tablename__ = "expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    spent_on: Mapped[date]
    description: Mapped[str] = mapped_column(String(500))
    amount: Mapped[Decimal] = mapped_column(doc="paid amount including VAT")
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reinvoice: Mapped[bool] = mapped_column(default=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"))
    assignment: Mapped[Assignment] = relationship(back_populates="expenses")
    receipt: Mapped[Receipt | None] = relationship(lazy="select")


__all__ = ["Assignment", "AssignmentLine", "AssignmentStatus", "Expense", "ExtentUnit", "Receipt"]

"""Export batches: each file the treasurer exported, stored with its bytes, and the documents it covered.

A batch never changes: downloading it again returns the stored bytes (same SHA-256). A document goes into
the normal exports of one kind once (unique per export kind, document kind and id). The one exception is
the end of the batch's retention period: then the purge erases its file (``exports.service.retention``) and
keeps the row, its SHA-256 and the documents it covered.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from kooperativet.core.calendar import is_bank_day
from kooperativet.db import Base
from kooperativet.exports.formats import agi


class ExportKind(StrEnum):
    agi = "agi"
    sie = "sie"
    pain001 = "pain001"


class DocumentKind(StrEnum):
    invoice = "invoice"
    credit_note = "credit_note"
    payment = "payment"
    payroll_run = "payroll_run"
    payslip = "payslip"
    expense = "expense"


class ExportBatch(Base):
    """One exported file: what it covered (period, date range or run), its bytes, who made it and when.

    ``notes`` keeps what the treasurer was told at export (runs left out because they are not approved).
    ``audit_head_entries`` and ``audit_head_hash`` are the audit chain's head the batch was made on (its own
    ``export_created`` entry follows it): a copy kept with the file anchors a later ``audit verify``.
    """

    __tablename__ = "export_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ExportKind] = mapped_column(String(10), index=True)
    period: Mapped[str | None] = mapped_column(String(7), index=True)
    date_from: Mapped[date | None]
    date_to: Mapped[date | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("payroll_runs.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    #: Empty once erased after the retention period (``erased_at``); the SHA-256 stays.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    notes: Mapped[list[Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    audit_head_entries: Mapped[int | None]
    audit_head_hash: Mapped[str | None] = mapped_column(String(64))
    erased_at: Mapped[datetime | None]
    #: An AGI made for an employer declaring on the 26th (``Cooperative.vat_base_above_40_million`` when it
    #: was made), which its due date follows; false for every other batch.
    vat_base_above_40_million: Mapped[bool] = mapped_column(default=False)
    # A month's AGI covers thousands of payslips: the list of batches counts them in its own query instead
    # of loading every row (``document_count`` below), and the rows are read only when asked for.
    documents: Mapped[list[ExportedDocument]] = relationship(
        back_populates="batch", order_by="ExportedDocument.id", lazy="select"
    )
    if TYPE_CHECKING:
        document_count: int  # mapped below, once ExportedDocument exists

    @property
    def due_date(self) -> date | None:
        """An AGI batch's due date at Skatteverket (26 kap. 26 and 30 §§ SFL, moved to a bank day); None for
        the others.

        The same as ``exports.service.period.agi_due_date``, which a model cannot import (the services
        import the models)."""
        if self.kind != ExportKind.agi or not self.period:
            return None
        return agi.agi_due_date(
            period=self.period.replace("-", ""),
            is_bank_day=is_bank_day,
            vat_base_above_40_million=self.vat_base_above_40_million,
        )


class ExportedDocument(Base):
    """A document a batch covered; the unique constraint makes a second normal export of it impossible."""

    __tablename__ = "exported_documents"
    __table_args__ = (UniqueConstraint("export_kind", "document_kind", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("export_batches.id"), index=True)
    export_kind: Mapped[ExportKind] = mapped_column(String(10))
    document_kind: Mapped[DocumentKind] = mapped_column(String(20))
    document_id: Mapped[int]
    batch: Mapped[ExportBatch] = relationship(back_populates="documents")


ExportBatch.document_count = column_property(  # type: ignore[assignment]  # a mapped count, read as an int
    select(func.count(ExportedDocument.id))
    .where(ExportedDocument.batch_id == ExportBatch.id)
    .correlate_except(ExportedDocument)
    .scalar_subquery()
)

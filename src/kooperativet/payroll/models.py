"""Imported tax tables, payroll runs, their payouts and the issued payslips with their number counter.

A run is a draft until approval: then it is locked and its payslips are issued with gap-free numbers per year.
An issued payslip never changes (payroll.md §5): every column is written once at issue, except the PDF and its
SHA-256, which are written once when the PDF is first rendered from the stored snapshot (NULL → bytes). On
PostgreSQL a trigger refuses any other UPDATE and every DELETE (migration of this package); the service
offers no operation that could do either. A mistake is corrected by a correction payout in a later run.

A payslip's snapshot (what its PDF says) is a row of its own, ``PayslipSnapshot``, one per run and member:
written with the draft when the run is calculated, it becomes the issued payslip's when the run is approved,
without being copied (``Payslip.snapshot`` and ``DraftPayslip.snapshot`` read it). Once the run is locked,
a trigger on PostgreSQL refuses to change or delete it, as it does for the payslip.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    and_,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from kooperativet.db import Base, TimestampedMixin, VersionedMixin, table_of, utcnow
from kooperativet.encryption import EncryptedJSON, EncryptedString, stored_length
from kooperativet.parties.models import Language

Rate = Numeric(8, 6)


class TaxTableShape(StrEnum):
    fixed_width = "fixed_width"
    open_data = "open_data"


class RunStatus(StrEnum):
    """draft → approved (locked, payslips issued) → paid."""

    draft = "draft"
    approved = "approved"
    paid = "paid"


class PayOn(StrEnum):
    payment = "payment"
    invoice = "invoice"


class TaxTableImport(Base):
    """One imported file of Skatteverket's monthly tables for a year, pinned by its SHA-256.

    The latest import of a year is the one table mode reads; earlier ones stay for the payslips using them.
    """

    __tablename__ = "tax_table_imports"
    __table_args__ = (UniqueConstraint("year", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    filename: Mapped[str] = mapped_column(String(255))
    shape: Mapped[TaxTableShape] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    table_numbers: Mapped[list[int]] = mapped_column(JSON)
    row_count: Mapped[int]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaxTableRowRecord(Base):
    """One income bracket of a month table (payroll.md §3): ``B`` columns in kronor, ``%`` in percent."""

    __tablename__ = "tax_table_rows"
    __table_args__ = (Index("ix_tax_table_rows_import_table", "import_id", "table_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("tax_table_imports.id"))
    table_number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(1))
    income_from: Mapped[int]
    income_to: Mapped[int | None]
    columns: Mapped[list[str]] = mapped_column(JSON)


class PayrollRun(TimestampedMixin, VersionedMixin, Base):
    """The salaries of one pay date. A draft collects ready payouts; approval locks it and issues payslips."""

    __tablename__ = "payroll_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    pay_date: Mapped[date] = mapped_column(index=True)
    pay_on: Mapped[PayOn] = mapped_column(String(10))
    status: Mapped[RunStatus] = mapped_column(String(10), default=RunStatus.draft, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_on: Mapped[date | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the draft's payslips were calculated, and what from (payroll.service.drafts): the approval issues
    # the stored draft only when this basis is still the same.
    calculated_at: Mapped[datetime | None]
    calculation_basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payouts: Mapped[list[RunPayout]] = relationship(
        back_populates="run", order_by="RunPayout.position", lazy="select", cascade="all, delete-orphan"
    )


class RunPayout(Base):
    """One assignment's money collected into a run (or a correction of an issued payslip's line)."""

    __tablename__ = "payroll_run_payouts"
    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        # An assignment is paid by one run only (its corrections may follow in others): the database's
        # guarantee beneath the lock that makes two runs made at once take turns (``runs.create_run``).
        Index(
            "uq_payroll_run_payouts_assignment_paid_once",
            "assignment_id",
            unique=True,
            sqlite_where=text("corrects_payslip_id IS NULL"),
            postgresql_where=text("corrects_payslip_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payroll_runs.id"), index=True)
    position: Mapped[int]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    client_name: Mapped[str] = mapped_column(String(200))
    invoice_numbers: Mapped[list[str]] = mapped_column(JSON)
    invoiced_amount: Mapped[Decimal]
    expense_reimbursement: Mapped[Decimal]
    corrects_payslip_id: Mapped[int | None] = mapped_column(ForeignKey("payslips.id"), index=True)
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    run: Mapped[PayrollRun] = relationship(back_populates="payouts")


class PayslipNumberCounter(Base):
    """The last payslip number taken in a year; locked for update by the approving transaction (gap-free)."""

    __tablename__ = "payslip_number_counters"

    year: Mapped[int] = mapped_column(primary_key=True)
    last_sequence: Mapped[int] = mapped_column(default=0)


class PayslipSnapshot(Base):
    """What the payslip of one member in one run says, as its PDF shows it: the employer and employee as
    issued, the tax setting, every parameter value used with its source and id, the tax table file's SHA-256
    when table mode was used, the lines and the year-to-date totals. The same snapshot always gives the same
    bytes.

    Stored when the run's draft is calculated and read by the draft under review and, after the approval, by
    the issued payslip: approving twenty thousand payouts copies their numbers and amounts, not the several
    kilobytes of each snapshot. A recalculation or a discarded run deletes the draft's snapshots; an issued
    payslip's never changes (a trigger on PostgreSQL refuses, as it does for the payslip)."""

    __tablename__ = "payslip_snapshots"
    __table_args__ = (UniqueConstraint("run_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payroll_runs.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON(context="payslips.snapshot"))


def _snapshot_of(run_id: Any, member_id: Any) -> ColumnElement[dict[str, Any]]:
    """The snapshot of the payslip (draft or issued) with ``run_id`` and ``member_id``, as a correlated
    subquery: loaded with the row like a column of its own, decrypted by the snapshot's column type."""
    return (
        select(PayslipSnapshot.snapshot)
        .where(and_(PayslipSnapshot.run_id == run_id, PayslipSnapshot.member_id == member_id))
        .correlate_except(PayslipSnapshot)
        .scalar_subquery()
    )


#: A member's name as a payslip stores it, encrypted: a first and a last name of up to 100 characters each
#: (``parties.models.Member``) and the space between them.
EMPLOYEE_NAME_STORED: Final = stored_length(100 + 1 + 100)


class PayslipValues:
    """What a payslip states, the same whether it is a draft under review or issued: the language, the totals,
    the year to date and the account the net pay goes to (its snapshot is a ``PayslipSnapshot`` the two
    share). An issued payslip is its draft with a number (``DraftPayslip``, copied by the approval)."""

    language: Mapped[Language] = mapped_column(String(2))
    # Whom it was issued to, as in the snapshot: the month's files (AGI, the salary file) read these two
    # columns instead of decrypting every snapshot. Empty on payslips issued before they existed; those are
    # read from the snapshot.
    employee_name: Mapped[str | None] = mapped_column(
        EncryptedString(EMPLOYEE_NAME_STORED, context="payslips.employee_name")
    )
    employee_personal_identity_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="payslips.employee_personal_identity_number")
    )
    invoiced_amount: Mapped[Decimal]
    fee: Mapped[Decimal]
    gross_salary: Mapped[Decimal]
    holiday_pay: Mapped[Decimal]
    employer_contributions: Mapped[Decimal]
    residue: Mapped[Decimal]
    taxable_pay: Mapped[Decimal]
    tax: Mapped[Decimal]
    # The part of ``tax`` the member asked for on top of the preliminary tax (payroll.md §3): the month's
    # next payslip reads it apart from the table's tax.
    extra_tax: Mapped[Decimal] = mapped_column(default=Decimal(0), server_default="0")
    expense_reimbursement: Mapped[Decimal]
    net_pay: Mapped[Decimal]
    year_to_date_gross: Mapped[Decimal]
    year_to_date_taxable: Mapped[Decimal]
    year_to_date_tax: Mapped[Decimal]
    # The account the net pay is sent to: a clearing and account number, or (payslips issued since members
    # may give one) a Swedish IBAN with the other two empty (parties.models.Member.salary_account).
    bank_clearing_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="payslips.bank_clearing_number")
    )
    bank_account_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="payslips.bank_account_number")
    )
    bank_iban: Mapped[str | None] = mapped_column(EncryptedString(255, context="payslips.bank_iban"))


class Payslip(PayslipValues, Base):
    """An issued payslip (lönespecifikation): numbered, immutable, with everything it was made from.

    ``snapshot`` is its ``PayslipSnapshot`` (read-only here): the PDF is rendered from it.
    """

    __tablename__ = "payslips"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        # One payslip per member and run: how the approval finds each issued payslip for its draft's lines.
        Index("ix_payslips_run_id_member_id", "run_id", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payroll_runs.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(20), unique=True)
    pay_date: Mapped[date] = mapped_column(index=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[dict[str, Any]] = column_property(_snapshot_of(run_id, member_id))
    lines: Mapped[list[PayslipLine]] = relationship(
        back_populates="payslip",
        order_by="PayslipLine.position",
        lazy="selectin",
        foreign_keys="PayslipLine.payslip_id",
    )


class PayslipLineValues:
    """One payout on a payslip, draft or issued: the columns of a line but its own id and its payslip's."""

    position: Mapped[int]
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    client_name: Mapped[str] = mapped_column(String(200))
    invoice_numbers: Mapped[list[str]] = mapped_column(JSON)
    corrects_payslip_id: Mapped[int | None] = mapped_column(ForeignKey("payslips.id"))
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    invoiced_amount: Mapped[Decimal]
    fee_rate: Mapped[Decimal] = mapped_column(Rate)
    fee: Mapped[Decimal]
    pool: Mapped[Decimal]
    gross_salary: Mapped[Decimal]
    holiday_pay_rate: Mapped[Decimal] = mapped_column(Rate)
    holiday_pay: Mapped[Decimal]
    contribution_category: Mapped[str] = mapped_column(String(20))
    contribution_parts: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    contribution_base_month_to_date_before: Mapped[Decimal]
    employer_contributions: Mapped[Decimal]
    residue: Mapped[Decimal]
    taxable_pay: Mapped[Decimal]
    tax_mode: Mapped[str] = mapped_column(String(10))
    tax_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    tax_table_number: Mapped[int | None]
    tax_column: Mapped[int | None]
    tax: Mapped[Decimal]
    extra_tax: Mapped[Decimal] = mapped_column(default=Decimal(0), server_default="0")
    expense_reimbursement: Mapped[Decimal]
    net_pay: Mapped[Decimal]


class PayslipLine(PayslipLineValues, Base):
    """One payout on a payslip (one assignment), as calculated by ``calculate_payout`` (payroll.md §1–§3)."""

    __tablename__ = "payslip_lines"
    __table_args__ = (UniqueConstraint("payslip_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payslip_id: Mapped[int] = mapped_column(ForeignKey("payslips.id"), index=True)
    payslip: Mapped[Payslip] = relationship(back_populates="lines", foreign_keys=[payslip_id])


class DraftPayslip(PayslipValues, Base):
    """A draft run's payslip for one member as calculated when the run was made (or last recalculated): what
    the treasurer reviews, and what the approval issues unchanged, numbered, if nothing it was calculated from
    has changed since (``PayrollRun.calculation_basis``). Deleted when the run is approved or discarded.

    ``bank_problem`` is why salary cannot be paid to the member (``None`` when it can), found in calculating,
    so that neither the review nor the approval reads every member's bank details again."""

    __tablename__ = "payroll_draft_payslips"
    __table_args__ = (UniqueConstraint("run_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payroll_runs.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    bank_problem: Mapped[str | None] = mapped_column(String(500))
    snapshot: Mapped[dict[str, Any]] = column_property(_snapshot_of(run_id, member_id))
    lines: Mapped[list[DraftPayslipLine]] = relationship(
        order_by="DraftPayslipLine.position", lazy="selectin", passive_deletes=True
    )


class DraftPayslipLine(PayslipLineValues, Base):
    """One payout on a draft payslip."""

    __tablename__ = "payroll_draft_payslip_lines"
    __table_args__ = (UniqueConstraint("draft_payslip_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_payslip_id: Mapped[int] = mapped_column(
        ForeignKey("payroll_draft_payslips.id", ondelete="CASCADE"), index=True
    )


def _store_snapshot_set_on(mapper: Any, connection: Connection, target: Payslip | DraftPayslip) -> None:
    """A payslip or draft added through the ORM with a ``snapshot`` stores it as the run's and member's
    ``PayslipSnapshot``, as if the attribute were a column: the services write snapshots in bulk and never
    come here, but nothing set on a mapped attribute is silently dropped. A snapshot already stored for the
    run and member is kept if it is the same one and refused if it is not (one snapshot per payslip)."""
    given = target.__dict__.get("snapshot")
    if given is None:
        return
    snapshots = table_of(PayslipSnapshot)
    of_payslip = (snapshots.c.run_id == target.run_id) & (snapshots.c.member_id == target.member_id)
    stored = connection.execute(select(snapshots.c.snapshot).where(of_payslip)).first()
    if stored is None:
        connection.execute(
            snapshots.insert().values(run_id=target.run_id, member_id=target.member_id, snapshot=given)
        )
    elif stored.snapshot != given:
        raise ValueError(
            f"run {target.run_id} already has another snapshot for member {target.member_id}'s payslip"
        )


for _holder in (Payslip, DraftPayslip):
    event.listen(_holder, "after_insert", _store_snapshot_set_on)

"""Request and response bodies of the exports API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from kooperativet.api.types import Money, ReadSchema, Schema
from kooperativet.exports.models import ExportKind

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class AgiExportCreate(Schema):
    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026-11"], description="month of payment")


class SieExportCreate(Schema):
    model_config = ConfigDict(from_attributes=True, extra="forbid", populate_by_name=True)

    date_from: date = Field(alias="from", examples=["2026-11-01"])
    date_to: date = Field(alias="to", examples=["2026-11-30"])


class Pain001ExportCreate(Schema):
    run_id: int = Field(ge=1, le=2**31 - 1, examples=[1])


class ExportBatchRead(ReadSchema):
    """An export batch: what it covered, its file's SHA-256, who made it and when.

    ``due_date`` is the AGI's due date at Skatteverket (AGI batches only); ``notes`` say what was left out.
    ``audit_head_entries`` and ``audit_head_hash`` are the audit chain's head the batch was made on: keep them
    with the file and check later with ``kooperativet audit verify --anchor N:HASH`` (null for batches made
    before the head was recorded).
    """

    id: int
    kind: ExportKind
    period: str | None
    date_from: date | None
    date_to: date | None
    run_id: int | None
    filename: str
    media_type: str
    sha256: str
    document_count: int
    notes: list[str]
    due_date: date | None
    created_by_id: int | None
    created_at: datetime
    audit_head_entries: int | None
    audit_head_hash: str | None
    erased_at: datetime | None = Field(
        description="when the file was erased after the batch's retention period (its download is then a "
        "404 erased_after_retention); the SHA-256 and the documents stay"
    )


class OwedToSkatteverketRead(ReadSchema):
    period: str
    due_date: date = Field(
        description="the last day the tax withheld and the employer contributions must be on the tax account"
    )
    declaration_due_date: date = Field(
        description="the last day the AGI must reach Skatteverket: the same day, or the 26th for an employer "
        "whose VAT base is above 40 million kronor a year (who still pays by the 12th)"
    )
    tax_withheld: Money = Field(description="the sum of the month's payslips' tax, in öre")
    employer_contributions: Money = Field(
        description="the sum of the month's payslips' employer contributions, in öre"
    )
    total: Money
    declared_tax_withheld: Money | None = Field(
        description="FK497 of the month's AGI as it would be made now: the IUs' tax in whole kronor; null "
        "for a month whose personnummer were erased after the retention period"
    )
    declared_employer_contributions: Money | None = Field(
        description="FK487 of the month's AGI as it would be made now: each rate's whole-krona bases times "
        "the rate, öre dropped (a krona or so less than the payslips' sum); null as declared_tax_withheld"
    )
    to_pay: Money | None = Field(
        description="what Skatteverket debits the tax account for the month: FK497 + FK487, what is paid"
    )
    declared: bool


class UnpaidInvoiceRead(ReadSchema):
    id: int
    number: str
    client_name: str
    due_date: date | None
    outstanding: Money
    overdue: bool


class RunPayoutsRead(ReadSchema):
    run_id: int
    pay_date: date
    status: str
    payslip_count: int
    net_pay: Money
    payment_file_exported: bool


class LeftToExportRead(ReadSchema):
    agi_payslips: int
    sie_documents: int
    pain001_runs: list[int]


class CreditedAfterPayRead(ReadSchema):
    """A credit note of the month that takes back work the member was already paid for as salary: the
    payslip that paid her counted the credited invoice. ``work_amount`` is the work credited (no VAT, no
    re-invoiced expenses)."""

    credit_note_id: int
    credit_note_number: str
    credited_invoice_number: str
    issue_date: date
    member_id: int
    member_name: str
    payslip_id: int
    payslip_number: str
    work_amount: Money


class TreasurerOverviewRead(ReadSchema):
    month: str
    skatteverket: OwedToSkatteverketRead
    unpaid_invoices: list[UnpaidInvoiceRead]
    payouts: list[RunPayoutsRead]
    left_to_export: LeftToExportRead
    credited_after_pay: list[CreditedAfterPayRead]

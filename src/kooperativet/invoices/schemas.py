from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kooperativet.api.types import Money, MultilineText, Percent, ReadSchema, Schema, Text
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.models import (
    BankEntryResolution,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    PaymentSource,
)
from kooperativet.parties.models import Language

QUANTITY = Field(gt=0, max_digits=12, decimal_places=3, examples=["8"])


class InvoiceSort(StrEnum):
    """The orders of the invoices list; a leading minus is newest (highest) first. ``number`` is the
    invoice number (year, then sequence). Rows that tie are ordered by id, in the same direction."""

    number = "number"
    number_desc = "-number"
    issue_date = "issue_date"
    issue_date_desc = "-issue_date"
    due_date = "due_date"
    due_date_desc = "-due_date"


class InvoicePart(Schema):
    """How much of one fee line to invoice now (partial invoicing of a long assignment)."""

    assignment_line_id: int
    quantity: Decimal = QUANTITY


class InvoiceIssue(Schema):
    """Issue an invoice from an approved assignment. Without ``parts`` everything not yet invoiced is
    invoiced; re-invoiced expenses not yet invoiced go on the invoice unless ``include_expenses`` is false."""

    assignment_id: int
    parts: list[InvoicePart] | None = Field(default=None, min_length=1, max_length=100)
    include_expenses: bool = True


class CreditPart(Schema):
    """Credit part of one invoice line: a ``quantity`` at the line's price, or a net ``amount`` excl. VAT."""

    invoice_line_id: int
    quantity: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=3)
    amount: Money | None = Field(default=None, description="more than zero")

    @field_validator("amount")
    @classmethod
    def _more_than_zero(cls, amount: Decimal | None) -> Decimal | None:
        # As the quantity (``gt=0``): a credit of zero or less is wrong in itself, whatever is left of the
        # line, and is said so here instead of as "more than is left" by the service's check. (``gt`` on the
        # field would put a "gt" that no JSON Schema knows into Money's OpenAPI.) The error type is the one
        # pydantic gives the quantity, and so is its limit (``gt``), so a form says the same by either field
        # ("större än 0"), not a bare "must be larger".
        if amount is not None and amount <= 0:
            raise PydanticCustomError("greater_than", "an amount to credit must be more than zero", {"gt": 0})
        return amount

    @model_validator(mode="after")
    def _one_of_quantity_or_amount(self) -> CreditPart:
        if (self.quantity is None) == (self.amount is None):
            raise ValueError("give either quantity or amount")
        return self


class CreditNoteIssue(Schema):
    """A credit note for the whole invoice (no ``parts``) or for parts of its lines."""

    parts: list[CreditPart] | None = Field(default=None, min_length=1, max_length=100)
    reason: MultilineText | None = Field(default=None, max_length=500, examples=["Fel antal timmar"])
    #: The SHA-256 of the plan the caller showed (``…/credit-notes/plan``): a credit note that would differ
    #: now is refused (409 ``credit_note_changed``). Without it the credit note is issued as computed now.
    shown_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class CreditNotePlanLine(ReadSchema):
    """A line the credit note would hold: ``credits_line_id`` is the invoice line it credits."""

    credits_line_id: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Money
    vat_category: VatCategory
    vat_rate: Percent
    amount: Money


class CreditNotePlanVat(ReadSchema):
    vat_category: VatCategory
    vat_rate: Percent
    taxable_amount: Money
    tax_amount: Money


class CreditNotePlanRead(ReadSchema):
    """What a credit note would hold if issued now (nothing is written). Pass ``sha256`` as ``shown_sha256``
    when issuing it, to have it refused if the invoice changed in between. ``balance_after`` is what the
    client would still owe on the invoice; below zero, what the cooperative would refund."""

    invoice_id: int
    lines: list[CreditNotePlanLine]
    vat: list[CreditNotePlanVat]
    net_total: Money
    vat_total: Money
    rounding: Money
    payable: Money
    reason: str | None
    balance_after: Money
    sha256: str


class InvoiceLineRead(ReadSchema):
    id: int
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Money
    vat_category: VatCategory
    vat_rate: Percent
    exemption_reason: str | None
    amount: Money
    is_expense: bool
    assignment_line_id: int | None
    expense_id: int | None
    credits_line_id: int | None


class InvoiceRead(ReadSchema):
    id: int
    number: str
    series: str
    year: int
    sequence: int
    kind: InvoiceKind
    refers_to_id: int | None
    assignment_id: int
    member_id: int
    client_id: int
    issue_date: date
    due_date: date | None
    language: Language
    currency: str
    buyer_reference: str | None = Field(
        description="the buyer's reference (Er referens) from the commission or the client; empty when none "
        "was given (a Peppol UBL then names the buyer in BuyerReference, which Peppol requires)"
    )
    work_amount: Money
    expenses_amount: Money
    net_total: Money
    vat_total: Money
    rounding: Money
    payable: Money
    ocr: str | None
    status: InvoiceStatus
    overdue: bool = Field(default=False, description="open or partly paid and past the due date")
    paid_amount: Money
    credited_amount: Money
    outstanding: Money
    overpaid: Money = Field(
        description="what the client paid beyond what it owes (payable less credit notes), never below zero: "
        "to refund, or to set against another invoice by agreement with the client"
    )
    pdf_sha256: str | None = Field(
        description="the PDF's SHA-256; empty only while the PDF waits to be rendered after the issue"
    )
    has_ubl: bool = Field(
        description="whether a Peppol UBL was made: only for a buyer with a Peppol address; otherwise "
        "the PDF alone is the invoice"
    )
    ubl_sha256: str | None
    issued_by_id: int
    created_at: datetime
    lines: list[InvoiceLineRead]

    @classmethod
    def from_model(cls, invoice: Invoice, *, today: date) -> InvoiceRead:
        """The invoice as read on ``today``: whether it is overdue depends on the day it is read."""
        return cls.model_validate(invoice).model_copy(update={"overdue": invoice.is_overdue_on(today)})


class PaymentCreate(Schema):
    invoice_id: int
    amount: Money = Field(description="above zero")
    paid_on: date
    reference: Text | None = Field(default=None, max_length=100, examples=["20260001"])
    overpayment: bool = Field(
        default=False, description="say true to record more than is due; otherwise that is refused"
    )
    prepayment: bool = Field(
        default=False,
        description=(
            "say true when the client paid before the invoice was issued; a payment day before the issue day"
            " is otherwise refused (paid_before_issue)"
        ),
    )


class PaymentRead(ReadSchema):
    id: int
    invoice_id: int
    amount: Money
    paid_on: date
    reference: str | None
    source: PaymentSource
    bank_entry_reference: str | None
    overpayment: bool
    recorded_by_id: int
    created_at: datetime


class UnmatchedBankEntryRead(ReadSchema):
    """A booked credit that was not matched automatically. ``amount`` or ``booked_on`` is null only when the
    bank left it out (``reason`` says so); ``resolution`` is null until the treasurer resolves the entry."""

    id: int
    bank_entry_reference: str
    amount: Money | None
    currency: str
    booked_on: date | None
    reference: str | None
    uetr: str | None
    reason: str
    imported_by_id: int
    created_at: datetime
    resolution: BankEntryResolution | None
    resolution_note: str | None
    payment_id: int | None
    resolved_by_id: int | None
    resolved_at: datetime | None


class BankEntryAssign(Schema):
    """Assign an unmatched bank entry to an invoice: the entry's amount is recorded as a payment on it."""

    invoice_id: int
    paid_on: date | None = Field(
        default=None,
        description="needed only when the bank gave no booking date; else the booking date is used",
    )
    overpayment: bool = Field(
        default=False, description="say true when the entry pays more than is due; otherwise that is refused"
    )
    prepayment: bool = Field(
        default=False,
        description=(
            "say true when the client paid before the invoice was issued; a paid_on given by hand before the"
            " issue day is otherwise refused (paid_before_issue)"
        ),
    )


class BankEntryNotOurs(Schema):
    """Mark an unmatched bank entry as not the cooperative's money (e.g. paid to the wrong bankgiro)."""

    reason: Text = Field(min_length=1, max_length=500, examples=["Fel mottagare; återbetald 2026-03-20"])


class Camt054ImportResult(Schema):
    """What an import did: entries matched in full, in part, left unmatched, and already imported before."""

    matched: int
    partly_paid: int
    unmatched: int
    already_imported: int

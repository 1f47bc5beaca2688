from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from kooperativet.api.types import Money, MultilineText, Percent, ReadSchema, Schema, Text
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.parties.schemas import ClientCreate

MAX_LINES = 100
MAX_EXPENSES = 100


class AssignmentSort(StrEnum):
    """The orders of the assignments list; a leading minus is newest (latest) first. ``created`` is the
    order of registration. Rows that tie are ordered by id, in the same direction."""

    period = "period"
    period_desc = "-period"
    created = "created"
    created_desc = "-created"


VAT_RATE = Field(
    ge=0, le=100, max_digits=5, decimal_places=2, description="per cent: 25, 12 or 6 for S, 0 otherwise"
)


class FeeLineCreate(Schema):
    description: Text = Field(min_length=1, max_length=500, examples=["Workshop i scenframställning"])
    quantity: Decimal = Field(max_digits=12, decimal_places=3, examples=["3"])
    unit: str = Field(
        default="DAY", pattern=r"^[A-Z0-9]{1,3}$", description="UN/ECE Rec. 20: HUR, DAY, C62, LS"
    )
    unit_price: Money = Field(description="excl. VAT")
    vat_category: VatCategory = VatCategory.STANDARD
    vat_rate: Decimal = VAT_RATE
    exemption_reason: Text | None = Field(default=None, max_length=500, description="category E only")


class FeeLineRead(ReadSchema):
    id: int = Field(description="the line to name in an invoice's `parts` (`assignment_line_id`)")
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Money
    vat_category: VatCategory
    vat_rate: Percent
    exemption_reason: str | None
    remaining_quantity: Decimal = Field(
        description="the quantity not invoiced yet: the line's quantity less what invoices took plus what "
        "credit notes gave back by quantity"
    )
    remaining_amount: Money = Field(description="remaining_quantity × unit_price, excl. VAT")


class ExpenseCreate(Schema):
    spent_on: date = Field(examples=["2026-10-12"])
    description: Text = Field(min_length=1, max_length=500, examples=["Tågresa Stockholm–Malmö"])
    amount: Money = Field(description="paid amount incl. VAT")
    vat_rate: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2, examples=["6"])
    reinvoice: bool = Field(default=True, description="re-invoiced to the client")


class ReceiptRead(ReadSchema):
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ExpenseRead(ReadSchema):
    id: int
    spent_on: date
    description: str
    amount: Money
    vat_rate: Percent
    reinvoice: bool
    receipt: ReceiptRead | None


class AssignmentCreate(Schema):
    client_id: int | None = Field(default=None, description="an existing client; or give `client`")
    client: ClientCreate | None = Field(
        default=None, description="a new client, registered with the assignment"
    )
    title: Text = Field(min_length=1, max_length=200, examples=["Skrivarverkstad för unga"])
    description: MultilineText = Field(default="", max_length=5000)
    period_start: date = Field(examples=["2026-10-05"])
    period_end: date = Field(examples=["2026-10-09"])
    place: Text | None = Field(
        default=None, max_length=200, description="the workplace; left out: varying places"
    )
    extent_quantity: Decimal = Field(max_digits=10, decimal_places=2, examples=["5"])
    extent_unit: ExtentUnit = ExtentUnit.days
    buyer_reference: Text | None = Field(
        default=None, max_length=100, description="the client's reference; defaults to the client's own"
    )
    lines: list[FeeLineCreate] = Field(min_length=1, max_length=MAX_LINES)
    expenses: list[ExpenseCreate] = Field(default_factory=list, max_length=MAX_EXPENSES)


class AssignmentUpdate(Schema):
    """A change to a draft; a field left out is unchanged and ``lines`` given replace all lines."""

    version: int = Field(ge=1)
    client_id: int | None = None
    title: Text | None = Field(default=None, min_length=1, max_length=200)
    description: MultilineText | None = Field(default=None, max_length=5000)
    period_start: date | None = None
    period_end: date | None = None
    place: Text | None = Field(default=None, max_length=200)
    extent_quantity: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    extent_unit: ExtentUnit | None = None
    buyer_reference: Text | None = Field(default=None, max_length=100)
    lines: list[FeeLineCreate] | None = Field(default=None, min_length=1, max_length=MAX_LINES)


class VersionedAction(Schema):
    version: int = Field(ge=1, description="the version you read")


class ApprovalRequest(VersionedAction):
    confirm_warnings: bool = Field(
        default=False, description="needed when the assignment has warnings: the treasurer has seen them"
    )


class RejectionRequest(VersionedAction):
    reason: MultilineText = Field(min_length=1, max_length=1000)


class WarningRead(BaseModel):
    code: str = Field(examples=["period_over_three_months"])
    message: str


class AssignmentRead(ReadSchema):
    id: int
    member_id: int
    member_name: str
    client_id: int
    client_name: str
    title: str
    description: str
    period_start: date
    period_end: date
    place: str | None
    extent_quantity: Decimal
    extent_unit: ExtentUnit
    buyer_reference: str | None
    lines: list[FeeLineRead]
    expenses: list[ExpenseRead]
    fee_total: Money = Field(description="the sum of the fee lines excl. VAT")
    status: AssignmentStatus
    rejection_reason: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by_id: int | None
    warnings_confirmed: bool
    warnings: list[WarningRead] = Field(
        description="the warnings now; from approval on, those the treasurer saw and confirmed"
    )
    version: int
    created_at: datetime
    updated_at: datetime


class AssignmentListItem(ReadSchema):
    id: int
    member_id: int
    member_name: str
    client_id: int
    client_name: str
    title: str
    period_start: date
    period_end: date
    fee_total: Money
    status: AssignmentStatus
    version: int

"""The rules of a commission, without the database: its lifecycle, its fee lines and expenses, its warnings.

Pure: plain values in, plain values or a named error out (``kooperativet.errors`` carries the HTTP status).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from kooperativet.core.money import ORE, TOO_LARGE, ZERO, format_amount, round_half_up
from kooperativet.core.vat import (
    SWEDISH_STANDARD_RATES,
    VatCategory,
    VatRuleViolation,
    check_vat_treatment,
    vat_number_country,
)
from kooperativet.errors import Conflict, DomainError, RuleViolation

#: A receipt is at most 10 MB (issue 3); larger uploads are refused before anything is stored.
MAX_RECEIPT_BYTES: Final = 10 * 1024 * 1024
#: The hours of one working day, to compare a fee for hours with the minimum day rate.
HOURS_PER_DAY: Final = Decimal("8")
#: Holiday pay of 12 % may be paid with the salary only for employments of at most three months
#: (semesterlagen 5 § första stycket, docs/employment.md); a longer assignment gets a warning the treasurer
#: confirms.
HOLIDAY_PAY_WITH_SALARY_MONTHS: Final = 3
#: Expenses carry the VAT of the receipt: a Swedish rate or none.
EXPENSE_VAT_RATES: Final = SWEDISH_STANDARD_RATES | {Decimal("0")}


class AssignmentStatus(StrEnum):
    """draft → submitted → approved | rejected → invoiced → paid → salaried → closed; cancel early.

    With ``pay_on=invoice`` salary is advanced before the client pays: invoiced → salaried → closed.
    """

    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    invoiced = "invoiced"
    paid = "paid"
    salaried = "salaried"
    closed = "closed"
    cancelled = "cancelled"


class ExtentUnit(StrEnum):
    hours = "hours"
    days = "days"


class Transition(StrEnum):
    submit = "submit"
    approve = "approve"
    reject = "reject"
    cancel = "cancel"
    invoice = "invoice"
    pay = "pay"
    salary = "salary"
    close = "close"


S = AssignmentStatus
#: Each step of the lifecycle: from which states it may be taken, and the state it leads to.
TRANSITIONS: Final[dict[Transition, tuple[frozenset[AssignmentStatus], AssignmentStatus]]] = {
    Transition.submit: (frozenset({S.draft}), S.submitted),
    Transition.approve: (frozenset({S.submitted}), S.approved),
    Transition.reject: (frozenset({S.submitted}), S.rejected),
    Transition.cancel: (frozenset({S.draft, S.submitted}), S.cancelled),
    Transition.invoice: (frozenset({S.approved}), S.invoiced),
    Transition.pay: (frozenset({S.invoiced}), S.paid),
    # pay_on=payment pays salary once the client has paid; pay_on=invoice advances it once invoiced.
    Transition.salary: (frozenset({S.paid, S.invoiced}), S.salaried),
    Transition.close: (frozenset({S.salaried}), S.closed),
}


#: The states of an assignment that was never approved (none of them follows an approval in ``TRANSITIONS``),
#: and so never invoiced: invoices are issued for approved assignments only.
NEVER_APPROVED: Final = frozenset({S.draft, S.submitted, S.rejected, S.cancelled})


def next_status(current: AssignmentStatus, transition: Transition) -> AssignmentStatus:
    """The state ``transition`` leads to from ``current``; a 409 naming the current state otherwise."""
    allowed, target = TRANSITIONS[transition]
    if current not in allowed:
        expected = " or ".join(sorted(allowed))
        raise Conflict(
            f"the assignment is {current}; {transition} needs it to be {expected}",
            code="invalid_transition",
            current_status=str(current),
        )
    return target


@dataclass(frozen=True, slots=True)
class FeeLine:
    """One fee line as the member enters it; the price is excl. VAT."""

    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_category: VatCategory
    vat_rate: Decimal
    exemption_reason: str | None = None

    @property
    def amount(self) -> Decimal:
        return round_half_up(self.quantity * self.unit_price)


@dataclass(frozen=True, slots=True)
class AssignmentWarning:
    """Something the treasurer should see before approving; it refuses nothing."""

    code: str
    message: str


#: The days a commission's period may lie between: beyond them no pay day or three-month limit can be
#: reckoned (three months after 9999-12-30 is no date), and no such commission is meant.
EARLIEST_PERIOD_DAY: Final = date(1900, 1, 1)
LATEST_PERIOD_DAY: Final = date(2999, 12, 31)


def check_period(*, start: date, end: date) -> None:
    for field, day in (("period_start", start), ("period_end", end)):
        if not EARLIEST_PERIOD_DAY <= day <= LATEST_PERIOD_DAY:
            raise RuleViolation(
                f"{field}: a day from {EARLIEST_PERIOD_DAY} to {LATEST_PERIOD_DAY}, not {day}",
                code="date_out_of_range",
                field=field,
            )
    if end < start:
        raise RuleViolation(f"the period ends ({end}) before it starts ({start})", field="period_end")


def check_positive(value: Decimal, *, field: str) -> None:
    if value <= 0:
        raise RuleViolation(f"{field} must be above zero", field=field)


def check_money(value: Decimal, *, field: str) -> None:
    """An amount above zero in whole öre (the API also refuses more than two decimals when parsing)."""
    check_positive(value, field=field)
    if value != value.quantize(ORE):
        raise RuleViolation(f"{field} has more than two decimals", field=field)


def check_fee_lines(
    *, lines: Sequence[FeeLine], client_vat_number: str | None, client_country: str | None = None
) -> None:
    """Quantity and price above zero, prices in öre, and each line's VAT treatment (``core.vat``).

    Reverse charge (AE) needs the client's VAT number, so the error names ``client.vat_number``. Whether
    the category fits where the client is (AE for another EU country, O outside the EU) is checked by the
    client's country, or, when it is not given, by the country of its VAT number; that refusal names the
    line's ``vat_category``.
    """
    country = client_country or vat_number_country(client_vat_number)
    if not lines:
        raise RuleViolation("an assignment needs at least one fee line", field="lines")
    for index, line in enumerate(lines):
        field = f"lines.{index}"
        check_positive(line.quantity, field=f"{field}.quantity")
        check_money(line.unit_price, field=f"{field}.unit_price")
        try:
            check_vat_treatment(
                category=line.vat_category,
                rate=line.vat_rate,
                exemption_reason=line.exemption_reason,
                buyer_vat_number=client_vat_number,
                field=field,
                buyer_field="client.vat_number",
                buyer_country=country,
            )
        except VatRuleViolation as exc:
            raise RuleViolation(f"{exc.field}: {exc.reason}", code="vat_rule", field=exc.field) from exc


def check_expense(*, amount: Decimal, vat_rate: Decimal, field: str) -> None:
    check_money(amount, field=f"{field}.amount")
    if vat_rate not in EXPENSE_VAT_RATES:
        raise RuleViolation(
            f"{field}.vat_rate: a receipt's VAT is 25, 12, 6 or 0 per cent", field=f"{field}.vat_rate"
        )


def expense_vat(*, amount: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT included in an expense's ``amount`` at ``vat_rate`` per cent: ``amount × rate / (100 + rate)``,
    half up to the öre, the input VAT the books deduct (``exports.entries.expense_voucher``)."""
    return round_half_up(amount * vat_rate / (100 + vat_rate))


def check_amounts_fit(*, lines: Sequence[FeeLine], expense_amounts: Sequence[Decimal]) -> None:
    """The fee lines with their VAT and the expenses together stay below what an amount holds (twelve digits
    of kronor, ``core.money.TOO_LARGE``). Each amount alone is checked when it is read; their sum is what the
    assignment's invoice will ask for, and an invoice that no money column or answer can hold must be refused
    before it is written, not found unreadable after."""
    total = sum((line.amount * (1 + line.vat_rate / 100) for line in lines), ZERO) + sum(
        expense_amounts, ZERO
    )
    if total >= TOO_LARGE:
        raise RuleViolation(
            "the fee lines with VAT and the expenses add up to more than twelve digits of kronor",
            code="amount_too_large",
            field="lines",
        )


def fee_total(lines: Sequence[FeeLine]) -> Decimal:
    """The agreed fee excl. VAT: the sum of the line amounts."""
    return sum((line.amount for line in lines), ZERO)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has none (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: The written terms of an employment (the anställningsbevis, made when a commission is approved) are due at
#: the latest on the seventh calendar day after the work began: LAS (SFS 1982:80) 6 c § as it reads since the
#: EU directive on transparent working conditions (2019/1152) was brought in, in 2022 (docs/employment.md).
WRITTEN_TERMS_WITHIN_DAYS: Final = 7


def written_terms_due(start: date) -> date:
    """The last day the anställningsbevis of an employment that began on ``start`` may be given."""
    return start + timedelta(days=WRITTEN_TERMS_WITHIN_DAYS)


def period_warnings(*, start: date, end: date) -> list[AssignmentWarning]:
    """A period of more than three months: holiday pay may then not be paid with each salary."""
    last_day_of_three_months = add_months(start, HOLIDAY_PAY_WITH_SALARY_MONTHS) - timedelta(days=1)
    if end <= last_day_of_three_months:
        return []
    return [
        AssignmentWarning(
            code="period_over_three_months",
            message=(
                f"the period {start} – {end} is longer than three months: semesterersättning paid with each "
                "salary is allowed only for employments of at most three months (semesterlagen 5 §)"
            ),
        )
    ]


def day_rate_warnings(
    *, fee: Decimal, extent_quantity: Decimal, extent_unit: ExtentUnit, minimum_day_rate: Decimal | None
) -> list[AssignmentWarning]:
    """A fee per working day below the cooperative's minimum day rate (hours count 8 to a day)."""
    if minimum_day_rate is None or extent_quantity <= 0:
        return []
    days = extent_quantity if extent_unit == ExtentUnit.days else extent_quantity / HOURS_PER_DAY
    per_day = round_half_up(fee / days)
    if per_day >= minimum_day_rate:
        return []
    return [
        AssignmentWarning(
            code="below_minimum_day_rate",
            message=(
                f"the fee is {format_amount(per_day)} kr per day, below the minimum day rate of "
                f"{format_amount(minimum_day_rate)} kr"
            ),
        )
    ]


def buyer_reference_warnings(*, buyer_reference: str | None, public_sector: bool) -> list[AssignmentWarning]:
    """Public-sector buyers refuse e-invoices without their reference (invoicing.md, Peppol BT-10)."""
    if buyer_reference or not public_sector:
        return []
    return [
        AssignmentWarning(
            code="buyer_reference_missing",
            message="the client is in the public sector and needs its reference (Er referens) on the invoice",
        )
    ]


class ReceiptTooLarge(DomainError):
    status = 413
    title = "Payload too large"
    default_code = "receipt_too_large"


def check_receipt_size(size: int) -> None:
    if size > MAX_RECEIPT_BYTES:
        raise ReceiptTooLarge(
            f"a receipt may be at most {MAX_RECEIPT_BYTES // (1024 * 1024)} MB", field="file"
        )
    if size == 0:
        raise RuleViolation("the uploaded file is empty", field="file")


_MAGIC: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
#: What a stored receipt can be: the types its content was judged to be, safe to show in the browser.
RECEIPT_MEDIA_TYPES: Final = frozenset(media_type for _, media_type in _MAGIC)


def receipt_media_type(content: bytes) -> str:
    """The media type of a receipt judged by its first bytes (PDF, JPEG or PNG), never by its name."""
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    raise RuleViolation(
        "a receipt must be a PDF, JPEG or PNG file; this file's content is none of them",
        code="unsupported_receipt",
        field="file",
    )

"""The pure rules of a commission: its lifecycle, dates, day rate and receipts by content."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kooperativet.assignments.rules import (
    AssignmentStatus,
    ExtentUnit,
    Transition,
    add_months,
    day_rate_warnings,
    expense_vat,
    next_status,
    receipt_media_type,
)
from kooperativet.errors import Conflict, RuleViolation

S = AssignmentStatus
ALLOWED = {
    (S.draft, Transition.submit): S.submitted,
    (S.draft, Transition.cancel): S.cancelled,
    (S.submitted, Transition.approve): S.approved,
    (S.submitted, Transition.reject): S.rejected,
    (S.submitted, Transition.cancel): S.cancelled,
    (S.approved, Transition.invoice): S.invoiced,
    (S.invoiced, Transition.pay): S.paid,
    (S.paid, Transition.salary): S.salaried,
    (S.invoiced, Transition.salary): S.salaried,
    (S.salaried, Transition.close): S.closed,
}


@pytest.mark.parametrize("status", list(AssignmentStatus))
@pytest.mark.parametrize("transition", list(Transition))
def test_each_step_is_allowed_only_from_its_states(status: AssignmentStatus, transition: Transition) -> None:
    expected = ALLOWED.get((status, transition))
    if expected is not None:
        assert next_status(status, transition) is expected
    else:
        with pytest.raises(Conflict) as refused:
            next_status(status, transition)
        assert refused.value.extra["current_status"] == status.value
        assert f"the assignment is {status.value}" in refused.value.detail


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 5), 3, date(2026, 4, 5)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("fee", "quantity", "unit", "minimum", "warned"),
    [
        ("15000.00", "5", ExtentUnit.days, "3000.00", False),
        ("14999.95", "5", ExtentUnit.days, "3000.00", True),
        ("6000.00", "16", ExtentUnit.hours, "3000.00", False),
        ("5999.00", "16", ExtentUnit.hours, "3000.00", True),
        ("100.00", "1", ExtentUnit.days, None, False),
    ],
)
def test_the_day_rate_is_the_fee_per_day_with_eight_hours_a_day(
    fee: str, quantity: str, unit: ExtentUnit, minimum: str | None, warned: bool
) -> None:
    warnings = day_rate_warnings(
        fee=Decimal(fee),
        extent_quantity=Decimal(quantity),
        extent_unit=unit,
        minimum_day_rate=Decimal(minimum) if minimum else None,
    )
    assert bool(warnings) is warned


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (b"%PDF-1.4 ...", "application/pdf"),
        (b"\xff\xd8\xff\xdb...", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n...", "image/png"),
        (b"GIF89a...", None),
        (b"%PD", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
    ],
)
def test_receipts_are_judged_by_their_first_bytes(content: bytes, media_type: str | None) -> None:
    if media_type is None:
        with pytest.raises(RuleViolation):
            receipt_media_type(content)
    else:
        assert receipt_media_type(content) == media_type


@pytest.mark.parametrize(
    ("amount", "vat_rate", "vat"),
    [
        (Decimal("5556.60"), Decimal("25"), Decimal("1111.32")),
        (Decimal("530.00"), Decimal("6"), Decimal("30.00")),
        (Decimal("112.00"), Decimal("12"), Decimal("12.00")),
        (Decimal("0.14"), Decimal("12"), Decimal("0.02")),  # 0.015: half up
        (Decimal("99.99"), Decimal("25"), Decimal("20.00")),
        (Decimal("250.00"), Decimal("0"), Decimal("0.00")),
    ],
)
def test_an_expenses_vat_is_the_part_of_its_amount_at_its_rate(
    amount: Decimal, vat_rate: Decimal, vat: Decimal
) -> None:
    assert expense_vat(amount=amount, vat_rate=vat_rate) == vat

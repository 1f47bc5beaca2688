"""The fee of an assignment and the warnings that concern the assignment alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.assignments import rules
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentWarning, ExtentUnit, FeeLine
from kooperativet.core.vat import VatCategory
from kooperativet.errors import RuleViolation
from kooperativet.parameters import service as parameters_service


def fee_lines(assignment: Assignment) -> list[FeeLine]:
    return [
        FeeLine(
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_category=VatCategory(line.vat_category),
            vat_rate=line.vat_rate,
            exemption_reason=line.exemption_reason,
        )
        for line in assignment.lines
    ]


def fee_total(assignment: Assignment) -> Decimal:
    return rules.fee_total(fee_lines(assignment))


def assignment_warnings(session: Session, *, assignment: Assignment) -> list[AssignmentWarning]:
    """The warnings that concern the assignment alone: a long period, a low day rate, a missing reference.

    The member's SÄVA thresholds are added by ``employments.service``, which knows the employments.
    """
    minimum = _minimum_day_rate(session, on=assignment.period_start)
    return [
        *rules.period_warnings(start=assignment.period_start, end=assignment.period_end),
        *rules.day_rate_warnings(
            fee=fee_total(assignment),
            extent_quantity=assignment.extent_quantity,
            extent_unit=ExtentUnit(assignment.extent_unit),
            minimum_day_rate=minimum,
        ),
        *rules.buyer_reference_warnings(
            buyer_reference=assignment.buyer_reference, public_sector=assignment.client.public_sector
        ),
    ]


def _minimum_day_rate(session: Session, *, on: date) -> Decimal | None:
    try:
        return parameters_service.value_in_force(session, key="minimum_day_rate", on=on).as_decimal()
    except RuleViolation as exc:
        if exc.code == "missing_parameter":  # no minimum configured: nothing to warn about
            return None
        raise

"""SÄVA: the member's employments as periods for the LAS counter, the warnings an approval must confirm, and
the counter a member reads (employment.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus, AssignmentWarning
from kooperativet.employments.counter import (
    EmploymentPeriod,
    SaveThreshold,
    SaveThresholds,
    SaveWarning,
    days_in_successive_run,
    days_in_window,
    save_warnings,
)
from kooperativet.employments.models import Employment
from kooperativet.parties.models import Member

#: Built once (a commission's warnings read them on every registration), each with its cache key.
_PERIODS: Final = select(Employment.start, Employment.end).where(
    Employment.member_id == bindparam("member_id")
)
_PERIODS_BUT_ONE: Final = _PERIODS.where(Employment.assignment_id != bindparam("assignment_id"))

#: Each LAS threshold's warning: its code (the pages say it in words by the code) and its consequence.
THRESHOLD_WARNINGS: Final = {
    SaveThreshold.PREFERENTIAL_RIGHT: (
        "save_preferential_right",
        "more than 9 months of SÄVA in 3 years: the member gains a preferential right to re-employment "
        "(LAS 25 §)",
    ),
    SaveThreshold.CONVERSION: (
        "save_conversion",
        "more than 12 months of SÄVA in 5 years: the employment turns into a permanent employment "
        "(LAS 5 a §)",
    ),
    SaveThreshold.CONVERSION_SUCCESSIVE: (
        "save_conversion_successive",
        "more than 12 months of SÄVA in employments that followed each other: the employment turns into "
        "a permanent employment (LAS 5 a § first paragraph 2)",
    ),
}


def save_periods(
    session: Session, *, member_id: int, excluding_assignment_id: int | None = None
) -> list[EmploymentPeriod]:
    """The member's SÄVA employments with the cooperative, as periods for the counter."""
    if excluding_assignment_id is None:
        rows = session.execute(_PERIODS, {"member_id": member_id})
    else:
        rows = session.execute(
            _PERIODS_BUT_ONE, {"member_id": member_id, "assignment_id": excluding_assignment_id}
        )
    return [EmploymentPeriod(start=start, end=end) for start, end in rows]


def save_threshold_warnings(session: Session, *, assignment: Assignment) -> list[AssignmentWarning]:
    """Warnings when the employment this assignment gives would pass a LAS threshold (counter.py)."""
    found = save_warnings(
        existing_periods=save_periods(
            session, member_id=assignment.member_id, excluding_assignment_id=assignment.id
        ),
        new_period=EmploymentPeriod(start=assignment.period_start, end=assignment.period_end),
    )
    warnings = []
    for warning in found:
        code, consequence = THRESHOLD_WARNINGS[warning.threshold]
        warnings.append(AssignmentWarning(code=code, message=f"{_passing(warning)}: {consequence}"))
    return warnings


def _passing(warning: SaveWarning) -> str:
    when = "has already passed" if warning.already_passed else f"passes on {warning.passed_on}"
    if warning.threshold is SaveThreshold.CONVERSION_SUCCESSIVE:
        among = "employments that followed each other, each begun within six months of the one before"
    else:
        among = f"{warning.years} years"
    return f"the member {when} {warning.limit_days} counted days in {among} ({warning.days} days then)"


def assignment_warnings(session: Session, *, assignment: Assignment) -> list[AssignmentWarning]:
    """Every warning for an assignment: its own (period, day rate, reference) and the member's SÄVA."""
    return [
        *assignments_service.assignment_warnings(session, assignment=assignment),
        *save_threshold_warnings(session, assignment=assignment),
    ]


def current_warnings(session: Session, *, assignment: Assignment) -> list[AssignmentWarning]:
    """What the assignment shows: live warnings while undecided, those recorded at approval afterwards."""
    if assignment.status in (AssignmentStatus.draft, AssignmentStatus.submitted):
        return assignment_warnings(session, assignment=assignment)
    return [
        AssignmentWarning(code=w["code"], message=w["message"]) for w in assignment.approval_warnings or []
    ]


@dataclass(frozen=True, slots=True)
class SaveCounter:
    member_id: int
    on: date
    days_in_3_years: int
    days_in_5_years: int
    days_in_successive_employments: int
    preferential_right_limit_days: int
    conversion_limit_days: int
    employments: int

    @property
    def preferential_right_passed(self) -> bool:
        return self.days_in_3_years > self.preferential_right_limit_days

    @property
    def conversion_passed(self) -> bool:
        """Either way of LAS 5 a § first paragraph: in five years, or in employments that followed each
        other."""
        limit = self.conversion_limit_days
        return self.days_in_5_years > limit or self.days_in_successive_employments > limit


def save_counter(session: Session, *, member: Member, on: date) -> SaveCounter:
    """Counted SÄVA days (month rule included) in the 3 and 5 years up to ``on``, and in the employments up
    to ``on`` that followed each other (LAS 5 a § first paragraph 2)."""
    periods = save_periods(session, member_id=member.id)
    thresholds = SaveThresholds()
    return SaveCounter(
        member_id=member.id,
        on=on,
        days_in_3_years=days_in_window(
            periods=periods, window_end=on, years=thresholds.preferential_right_years
        ),
        days_in_5_years=days_in_window(periods=periods, window_end=on, years=thresholds.conversion_years),
        days_in_successive_employments=days_in_successive_run(periods=periods, on=on),
        preferential_right_limit_days=thresholds.preferential_right_days,
        conversion_limit_days=thresholds.conversion_days,
        employments=len(periods),
    )

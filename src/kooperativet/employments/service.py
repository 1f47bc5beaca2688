"""Employments: approval turns an assignment into a SÄVA with its anställningsbevis; the SÄVA counter per
member and the arbetsgivarintyg. Services flush; the caller's transaction commits (employment.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus, AssignmentWarning, ExtentUnit
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_page
from kooperativet.documents.pipeline import DocumentKind, render_after_commit, stored_pdf
from kooperativet.documents.render import html_to_pdf, render_html, render_pdf
from kooperativet.employments.certificate import holiday_pay_with_each_salary, pay_estimate
from kooperativet.employments.counter import (
    EmploymentPeriod,
    SaveThreshold,
    SaveThresholds,
    days_in_window,
    save_warnings,
)
from kooperativet.employments.models import EMPLOYMENT_TYPE, Employment
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Cooperative, Member
from kooperativet.parties.ownership import owner_user_id
from kooperativet.parties.service import get_cooperative, get_member

CERTIFICATE_TEMPLATE: Final = "employment/certificate.html"
EMPLOYER_CERTIFICATE_TEMPLATE: Final = "employment/employer_certificate.html"
VARYING_PLACES: Final = "Varierande arbetsplatser"
PAY_FORM: Final = "Lön enligt uppdragets lönekalkyl"
#: Without a collective agreement only the statutory insurance applies (employment.md, LAS 6 c §).
COLLECTIVE_AGREEMENT: Final = "Inget kollektivavtal"
INSURANCES: Final = (
    "Arbetstagaren omfattas av den lagstadgade arbetsskadeförsäkringen (socialförsäkringsbalken 39–42 kap.), "
    "som finansieras av arbetsgivaravgifterna. Kooperativet har inget kollektivavtal och tecknar därför inga "
    "avtalsförsäkringar (TFA, TGL, AGS, tjänstepension)."
)
DEFAULT_PAY_DAY: Final = 25
EXTENT_UNIT_SV: Final = {ExtentUnit.hours: "timmar", ExtentUnit.days: "dagar"}


# --- SÄVA --------------------------------------------------------------------------------------------


def save_periods(
    session: Session, *, member_id: int, excluding_assignment_id: int | None = None
) -> list[EmploymentPeriod]:
    """The member's SÄVA employments with the cooperative, as periods for the counter."""
    query = select(Employment.start, Employment.end).where(Employment.member_id == member_id)
    if excluding_assignment_id is not None:
        query = query.where(Employment.assignment_id != excluding_assignment_id)
    return [EmploymentPeriod(start=start, end=end) for start, end in session.execute(query)]


def save_threshold_warnings(session: Session, *, assignment: Assignment) -> list[AssignmentWarning]:
    """Warnings when the employment this assignment gives would pass a LAS threshold (counter.py)."""
    found = save_warnings(
        existing_periods=save_periods(
            session, member_id=assignment.member_id, excluding_assignment_id=assignment.id
        ),
        new_period=EmploymentPeriod(start=assignment.period_start, end=assignment.period_end),
    )
    messages = {
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
    }
    warnings = []
    for warning in found:
        code, consequence = messages[warning.threshold]
        when = "has already passed" if warning.already_passed else f"passes on {warning.passed_on}"
        warnings.append(
            AssignmentWarning(
                code=code,
                message=f"the member {when} {warning.limit_days} counted days in {warning.years} years "
                f"({warning.days} days then): {consequence}",
            )
        )
    return warnings


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
    preferential_right_limit_days: int
    conversion_limit_days: int
    employments: int

    @property
    def preferential_right_passed(self) -> bool:
        return self.days_in_3_years > self.preferential_right_limit_days

    @property
    def conversion_passed(self) -> bool:
        return self.days_in_5_years > self.conversion_limit_days


def save_counter(session: Session, *, member: Member, on: date) -> SaveCounter:
    """Counted SÄVA days (month rule included) in the 3 and 5 years up to ``on``."""
    periods = save_periods(session, member_id=member.id)
    thresholds = SaveThresholds()
    return SaveCounter(
        member_id=member.id,
        on=on,
        days_in_3_years=days_in_window(
            periods=periods, window_end=on, years=thresholds.preferential_right_years
        ),
        days_in_5_years=days_in_window(periods=periods, window_end=on, years=thresholds.conversion_years),
        preferential_right_limit_days=thresholds.preferential_right_days,
        conversion_limit_days=thresholds.conversion_days,
        employments=len(periods),
    )


# --- approval and the anställningsbevis --------------------------------------------------------------


def approve_assignment(
    session: Session,
    *,
    assignment: Assignment,
    version: int,
    actor: User,
    confirm_warnings: bool,
    today: date,
    now: datetime,
) -> Employment:
    """Approve a submitted assignment and employ the member for its period, in one transaction.

    The warnings (SÄVA included) must be confirmed when there are any; they are recorded on the assignment.
    The anställningsbevis, issued ``today``, is written from the employment's terms and stored as its text;
    its PDF is rendered from that text after the commit and stored with its SHA-256 (``CERTIFICATE_PDF``).
    """
    warnings = assignment_warnings(session, assignment=assignment)
    assignments_service.approve_assignment(
        session,
        assignment=assignment,
        version=version,
        actor=actor,
        warnings=warnings,
        confirm_warnings=confirm_warnings,
        now=now,
    )
    employment = Employment(
        member=assignment.member,
        assignment=assignment,
        start=assignment.period_start,
        end=assignment.period_end,
        title=assignment.title,
        duties=assignment.description or assignment.title,
        workplace=assignment.place or VARYING_PLACES,
        extent_quantity=assignment.extent_quantity,
        extent_unit=assignment.extent_unit,
        pay_form=PAY_FORM,
    )
    employment.certificate_html = render_html(
        CERTIFICATE_TEMPLATE, certificate_context(session, employment=employment, issued_on=today)
    )
    session.add(employment)
    session.flush()
    render_after_commit(session, CERTIFICATE_PDF, [employment.id])
    return employment


def _certificate_text(employment: Employment) -> str:
    if employment.certificate_html is None:
        raise ValueError(f"employment {employment.id} has no anställningsbevis text to render")
    return employment.certificate_html


#: The anställningsbevis in the document pipeline: the PDF from the text issued at approval, after the commit.
CERTIFICATE_PDF: Final = DocumentKind(
    name="anställningsbevis",
    model=Employment,
    pdf_column="certificate_pdf",
    sha256_column="certificate_sha256",
    snapshot=_certificate_text,
    render=html_to_pdf,
)


def certificate_pdf(session: Session, *, employment: Employment) -> bytes:
    """The anställningsbevis exactly as stored; one still pending is rendered and stored first."""
    return stored_pdf(session, CERTIFICATE_PDF, employment)


def certificate_context(session: Session, *, employment: Employment, issued_on: date) -> dict[str, Any]:
    """Everything LAS 6 c § asks the anställningsbevis to say, from the employment and the cooperative: the
    agreed pay (estimated from the fee lines and the payout rule), holiday rules that fit the employment's
    length (semesterlagen 16 a §), and the date and place of issue."""
    assignment = employment.assignment
    employer = get_cooperative(session)
    on = employment.start
    holiday_rate = Decimal(_parameter(session, "holiday_pay_rate", on=on) or "0.12")
    fee_rate = _parameter(session, "fee_rate", on=on)
    contribution_rate = _full_contribution_rate(_parameter(session, "employer_contribution_rules", on=on))
    fee_total = assignments_service.fee_total(assignment)
    with_salary = holiday_pay_with_each_salary(start=employment.start, end=employment.end)
    return {
        "language": "sv",
        "employment": employment,
        "employment_type": EMPLOYMENT_TYPE,
        "employer": employer,
        "member": employment.member,
        "client_name": assignment.client.name,
        "fee_total": fee_total,
        "estimate": (
            None
            if fee_rate is None or contribution_rate is None
            else pay_estimate(
                fee_total=fee_total,
                fee_rate=Decimal(fee_rate),
                holiday_pay_rate=holiday_rate,
                contribution_rate=contribution_rate,
            )
        ),
        "contribution_percent": _percent(None if contribution_rate is None else str(contribution_rate), None),
        "extent": extent_text(employment.extent_quantity, employment.extent_unit),
        "holiday_pay_percent": _percent(str(holiday_rate), "12"),
        "holiday_pay_with_each_salary": with_salary,
        "holiday_pay_name": "Semesterersättning" if with_salary else "Semesterlön",
        "fee_percent": _percent(fee_rate, None),
        "pay_day": _pay_day(session, on=on),
        "pay_on_payment": (_parameter(session, "pay_on", on=on) or "payment") == "payment",
        "collective_agreement": COLLECTIVE_AGREEMENT,
        "insurances": INSURANCES,
        "issued_on": issued_on,
        "issued_in": employer.city,
    }


def _full_contribution_rate(rules: str | None) -> Decimal | None:
    """The full employer-contribution rate in force (socialavgiftslagen): the estimate assumes it, the payslip
    applies the member's own category."""
    if rules is None:
        return None
    return next((Decimal(rule["rate"]) for rule in json.loads(rules) if rule["category"] == "full"), None)


def extent_text(quantity: Decimal, unit: ExtentUnit) -> str:
    number = f"{quantity.normalize():f}".replace(".", ",")
    return f"{number} {EXTENT_UNIT_SV[unit]}"


def _parameter(session: Session, key: str, *, on: date) -> str | None:
    try:
        return parameters_service.value_in_force(session, key=key, on=on).value
    except RuleViolation as exc:
        if exc.code == "missing_parameter":
            return None
        raise


def _percent(fraction: str | None, default: str | None) -> str | None:
    if fraction is None:
        return default
    return f"{(Decimal(fraction) * 100).normalize():f}".replace(".", ",")


def _pay_day(session: Session, *, on: date) -> int:
    value = _parameter(session, "pay_day", on=on)
    return int(value) if value is not None else DEFAULT_PAY_DAY


# --- reading -----------------------------------------------------------------------------------------


def get_employment(session: Session, *, employment_id: int, actor: User) -> Employment:
    """An employment; another member's is 404 to a member."""
    employment = session.get(Employment, employment_id)
    if employment is None or not policy.may_see(actor, owner_user_id=employment.member.user_id):
        raise NotFound(f"employment {employment_id} does not exist")
    return employment


def list_employments(
    session: Session, *, actor: User, limit: int, offset: int, member_id: int | None = None
) -> tuple[list[Employment], int]:
    """Employments, latest start first; a member sees only their own."""
    query = policy.only_own(select(Employment), actor, owner_user_id=owner_user_id(Employment.member_id))
    if member_id is not None:
        query = query.where(Employment.member_id == member_id)
    order = [Employment.start.desc()]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=Employment.id.desc())


# --- arbetsgivarintyg --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CertifiedEmployment:
    employment_id: int
    start: date
    end: date
    employment_type: str
    title: str
    extent: str
    end_reason_code: str
    end_reason: str


@dataclass(frozen=True, slots=True)
class EmployerCertificate:
    """What the employer certifies since 2025-10-01 (income comes from the AGI): employer, periods, type,
    reason it ended, scope, leave and severance (employment.md)."""

    employer: Cooperative
    member: Member
    period_from: date
    period_to: date
    issued_on: date
    employments: Sequence[CertifiedEmployment]
    leave: str
    severance: str


def member_employer_certificate(
    session: Session, *, member_id: int, actor: User, today: date, start: date | None, end: date | None
) -> EmployerCertificate:
    """The arbetsgivarintyg of a member the actor may see; the period is this calendar year up to ``today``
    unless ``start`` or ``end`` say otherwise."""
    member = get_member(session, member_id=member_id, actor=actor)
    return employer_certificate(
        session,
        member=member,
        period_from=start or today.replace(month=1, day=1),
        period_to=end or today,
        today=today,
    )


def employer_certificate(
    session: Session, *, member: Member, period_from: date, period_to: date, today: date
) -> EmployerCertificate:
    """The member's employments that overlap ``period_from`` … ``period_to``, as an arbetsgivarintyg."""
    if period_to < period_from:
        raise RuleViolation(f"the period ends ({period_to}) before it starts ({period_from})", field="to")
    employments = session.scalars(
        select(Employment)
        .where(
            Employment.member_id == member.id, Employment.start <= period_to, Employment.end >= period_from
        )
        .order_by(Employment.start, Employment.id)
    )
    return EmployerCertificate(
        employer=get_cooperative(session),
        member=member,
        period_from=period_from,
        period_to=period_to,
        issued_on=today,
        employments=[_certified(employment, today=today) for employment in employments],
        leave="Ingen ledighet under perioden",
        severance="Inget avgångsvederlag",
    )


def _certified(employment: Employment, *, today: date) -> CertifiedEmployment:
    if employment.end < today:
        code, reason = (
            "fixed_term_ended",
            "Den särskilda visstidsanställningen upphörde när den avtalade tiden löpte ut",
        )
    else:
        code = "ongoing"
        reason = f"Anställningen pågår och upphör {employment.end.isoformat()}"
    return CertifiedEmployment(
        employment_id=employment.id,
        start=employment.start,
        end=employment.end,
        employment_type=EMPLOYMENT_TYPE,
        title=employment.title,
        extent=extent_text(employment.extent_quantity, employment.extent_unit),
        end_reason_code=code,
        end_reason=reason,
    )


def employer_certificate_pdf(certificate: EmployerCertificate) -> bytes:
    return render_pdf(EMPLOYER_CERTIFICATE_TEMPLATE, {"language": "sv", "certificate": certificate})

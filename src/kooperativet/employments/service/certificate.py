"""The anställningsbevis: what LAS 6 c § asks it to say, written from the employment's terms when the
assignment is approved (``approval``), and its PDF in the document pipeline (``CERTIFICATE_PDF``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.documents.pipeline import DocumentKind, register_kind, stored_pdf
from kooperativet.documents.render import html_to_pdf, quantity
from kooperativet.employments.certificate import PayEstimate, holiday_pay_with_each_salary, pay_estimate
from kooperativet.employments.models import EMPLOYMENT_TYPE, Employment
from kooperativet.errors import RuleViolation
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Member
from kooperativet.parties.service import get_cooperative

CERTIFICATE_TEMPLATE: Final = "employment/certificate.html"
#: Without a collective agreement only the statutory insurance applies (employment.md, LAS 6 c §).
COLLECTIVE_AGREEMENT: Final = "Inget kollektivavtal"
INSURANCES: Final = (
    "Arbetstagaren omfattas av den lagstadgade arbetsskadeförsäkringen (socialförsäkringsbalken 39–42 kap.), "
    "som finansieras av arbetsgivaravgifterna. Kooperativet har inget kollektivavtal och tecknar därför inga "
    "avtalsförsäkringar (TFA, TGL, AGS, tjänstepension)."
)
DEFAULT_PAY_DAY: Final = 25
#: An employment's extent in words, singular and plural: "1 dag", "5 dagar", "1 timme", "1 500 timmar".
EXTENT_UNITS: Final = {
    "sv": {ExtentUnit.hours: ("timme", "timmar"), ExtentUnit.days: ("dag", "dagar")},
    "en": {ExtentUnit.hours: ("hour", "hours"), ExtentUnit.days: ("day", "days")},
}


@dataclass(frozen=True, slots=True)
class MemberRate:
    """The employer contributions the member's own category gives on the employment's first day, as payroll
    reckons them: the rates (two for a youth rate up to a monthly cap) and the estimate of the whole fee."""

    estimate: PayEstimate
    rates: tuple[Decimal, ...]


#: How payroll, which lives above this module, reckons a member's own contributions (``estimate_with``).
_member_estimate: Callable[[Session, Member, Decimal, date], MemberRate | None] | None = None


def estimate_with(estimator: Callable[[Session, Member, Decimal, date], MemberRate | None]) -> None:
    """Have the certificate's pay estimate reckoned for the member's own contribution category (her age on the
    employment's first day) by ``estimator``, handed down by payroll: the fee total as one payout that day. A
    member born 1937 pays no contributions, a youth rate applies up to a cap; the full rate for all of them
    said 5 364 kr of a pay of 7 050 kr. Without one (or when it cannot tell) the full rate is assumed, and the
    certificate says so."""
    global _member_estimate
    _member_estimate = estimator


def _certificate_text(employment: Employment) -> str:
    if employment.certificate_html is None:
        raise ValueError(f"employment {employment.id} has no anställningsbevis text to render")
    return employment.certificate_html


#: The anställningsbevis in the document pipeline: the PDF from the text issued at approval, after the commit.
CERTIFICATE_PDF: Final = DocumentKind(
    name="employment_certificate",
    model=Employment,
    pdf_column="certificate_pdf",
    sha256_column="certificate_sha256",
    snapshot=_certificate_text,
    render=html_to_pdf,
    describe=lambda employment: {"member_id": employment.member_id},
)
register_kind(CERTIFICATE_PDF)


def certificate_pdf(session: Session, *, employment: Employment) -> bytes:
    """The anställningsbevis exactly as stored; one still pending is rendered and stored first."""
    return stored_pdf(session, CERTIFICATE_PDF, employment)


def certificate_context(session: Session, *, employment: Employment, issued_on: date) -> dict[str, Any]:
    """Everything LAS 6 c § asks the anställningsbevis to say, from the employment and the cooperative: the
    agreed pay (estimated from the fee lines and the payout rule), holiday rules that fit the employment's
    length (semesterlagen 5 § första stycket), and the date and place of issue."""
    assignment = employment.assignment
    employer = get_cooperative(session)
    on = employment.start
    holiday_rate = Decimal(_parameter(session, "holiday_pay_rate", on=on) or "0.12")
    fee_rate = _parameter(session, "fee_rate", on=on)
    contribution_rate = _full_contribution_rate(_parameter(session, "employer_contribution_rules", on=on))
    fee_total = assignments_service.fee_total(assignment)
    with_salary = holiday_pay_with_each_salary(start=employment.start, end=employment.end)
    own = None if _member_estimate is None else _member_estimate(session, employment.member, fee_total, on)
    estimate: PayEstimate | None
    contribution_percent: str | None
    if own is not None:
        estimate = own.estimate
        contribution_percent = " och ".join(
            f"{_percent(str(rate), None)}\N{NO-BREAK SPACE}%" for rate in own.rates
        )
    elif fee_rate is None or contribution_rate is None:
        estimate, contribution_percent = None, None
    else:
        estimate = pay_estimate(
            fee_total=fee_total,
            fee_rate=Decimal(fee_rate),
            holiday_pay_rate=holiday_rate,
            contribution_rate=contribution_rate,
        )
        contribution_percent = f"{_percent(str(contribution_rate), None)}\N{NO-BREAK SPACE}%"
    return {
        "language": "sv",
        "employment": employment,
        "employment_type": EMPLOYMENT_TYPE,
        "employer": employer,
        "member": employment.member,
        "client_name": assignment.client.name,
        "fee_total": fee_total,
        "estimate": estimate,
        "own_contribution_rate": own is not None,
        "contribution_percent": contribution_percent,
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


def extent_text(amount: Decimal, unit: ExtentUnit, language: str = "sv") -> str:
    """``1 dag``, ``2,5 dagar``, ``1 500 timmar``: the number as the documents write it (``render.quantity``)
    and the unit in the singular for exactly one."""
    singular, plural = EXTENT_UNITS[language][unit]
    return f"{quantity(amount, language)} {singular if amount == 1 else plural}"


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

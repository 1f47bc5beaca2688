"""The arbetsgivarintyg: the member's employments in a period as the employer certifies them (employment.md);
rendered on demand, never stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.core.calendar import swedish_day
from kooperativet.documents.render import render_pdf
from kooperativet.employments.models import EMPLOYMENT_TYPE, Employment
from kooperativet.employments.service.certificate import extent_text
from kooperativet.errors import NotFound, PermissionDenied, RuleViolation
from kooperativet.parties.models import Cooperative, Member
from kooperativet.parties.service import get_cooperative, get_member

EMPLOYER_CERTIFICATE_TEMPLATE: Final = "employment/employer_certificate.html"

#: The leave line when the issuer states none. The product records no leave (no sick days, parental leave or
#: leave of absence), so it cannot say that there was none, only that none is recorded (employment.md).
#: Like every line of the certificate it is written without its full stop, which the template adds.
NO_LEAVE_RECORDED: Final = "Ingen ledighet har registrerats hos arbetsgivaren under perioden"
#: All pay goes through the product's payroll, which has no severance item: the employer paid none.
NO_SEVERANCE: Final = "Inget avgångsvederlag"
#: The longest leave statement: a line on the certificate (the kinds and days of leave), not a letter.
LEAVE_MAX_LENGTH: Final = 200


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
    #: Whether the office stated ``leave`` when it issued the certificate; if not, ``leave`` is
    #: ``NO_LEAVE_RECORDED``.
    leave_stated: bool = False


def member_employer_certificate(
    session: Session,
    *,
    member_id: int,
    actor: User,
    today: date,
    start: date | None,
    end: date | None,
    leave: str | None = None,
) -> EmployerCertificate:
    """The arbetsgivarintyg of a member the actor may see; the period is this calendar year up to ``today``
    unless ``start`` or ``end`` say otherwise. ``leave`` is the leave in the period as the office states it
    (``may_state_leave``); without it the certificate says that no leave is recorded."""
    member = get_member(session, member_id=member_id, actor=actor)
    _refuse_purged(member)
    stated = (leave or "").strip() or None
    if stated is not None:
        may_state_leave(actor, member=member)
        if len(stated) > LEAVE_MAX_LENGTH:
            raise RuleViolation(
                f"the leave is longer than {LEAVE_MAX_LENGTH} characters",
                code="leave_too_long",
                field="leave",
            )
    return employer_certificate(
        session,
        member=member,
        period_from=start or today.replace(month=1, day=1),
        period_to=end or today,
        today=today,
        leave=stated,
    )


def _refuse_purged(member: Member) -> None:
    """A member purged after the retention period (``privacy.purge``) has no name, personnummer or
    employments left: a certificate would certify nothing about nobody, so it is not found, as her payslips'
    PDFs are not (404 ``erased_after_retention``), rather than printed blank. The reader may see the record
    (``get_member`` came first), so saying why discloses nothing."""
    if member.purged_at is not None:
        raise NotFound(
            f"member {member.id}'s personal data and employments were erased after the retention period on "
            f"{swedish_day(member.purged_at)}; no arbetsgivarintyg can be made for them",
            code="erased_after_retention",
        )


def may_state_leave(actor: User, *, member: Member) -> None:
    """Leave on an arbetsgivarintyg is the employer's statement to the unemployment fund, and the product
    holds nothing to check it against: only the office, who acts for the employer, states it, and not on its
    own certificate. A member's own download, and the auditor's, say what is recorded (employment.md)."""
    if not policy.acts_for_everyone(actor):
        raise PermissionDenied(
            "only the treasurer or an admin states leave on an arbetsgivarintyg",
            code="leave_by_office",
            field="leave",
        )
    if member.user_id is not None and member.user_id == actor.id:
        raise PermissionDenied(
            "nobody states the leave on their own arbetsgivarintyg", code="own_leave", field="leave"
        )


def employer_certificate(
    session: Session,
    *,
    member: Member,
    period_from: date,
    period_to: date,
    today: date,
    leave: str | None = None,
) -> EmployerCertificate:
    """The member's employments that overlap ``period_from`` … ``period_to``, as an arbetsgivarintyg, with
    the leave stated as ``leave`` (the caller has checked who states it) or none recorded."""
    if period_to < period_from:
        raise RuleViolation(
            f"the period ends ({period_to}) before it starts ({period_from})",
            code="date_range_reversed",
            field="to",
        )
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
        leave=leave or NO_LEAVE_RECORDED,
        severance=NO_SEVERANCE,
        leave_stated=leave is not None,
    )


def _certified(employment: Employment, *, today: date) -> CertifiedEmployment:
    """An employment as the certificate states it: ended, going on, or agreed but not yet begun (a
    certificate asked for before the first day of an approved assignment)."""
    if employment.end < today:
        code, reason = (
            "fixed_term_ended",
            "Den särskilda visstidsanställningen upphörde när den avtalade tiden löpte ut",
        )
    elif employment.start > today:
        code = "not_started"
        reason = (
            f"Anställningen har ännu inte börjat; den börjar {employment.start.isoformat()} "
            f"och upphör {employment.end.isoformat()}"
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

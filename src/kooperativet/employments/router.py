from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kooperativet.api.dependencies import DbSession, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.employments import service
from kooperativet.employments.models import Employment
from kooperativet.employments.schemas import (
    CertifiedEmploymentRead,
    EmployerCertificateRead,
    EmploymentRead,
    PartyRead,
    SaveCounterRead,
)
from kooperativet.parties import service as parties_service

router = APIRouter(prefix="/api/v1")

PDF_RESPONSE: dict[int | str, dict[str, object]] = {200: {"content": {"application/pdf": {}}}}


@router.get("/employments", tags=["employments"], responses=problem_responses(401, 422))
def list_employments(
    user: CurrentUser, session: DbSession, window: Window, member_id: int | None = None
) -> Page[EmploymentRead]:
    """Employments, latest first. A member sees only their own."""
    rows, total = service.list_employments(
        session, actor=user, limit=window.limit, offset=window.offset, member_id=member_id
    )
    return Page(items=[_read(e) for e in rows], total=total, limit=window.limit, offset=window.offset)


@router.get("/employments/{employment_id}", tags=["employments"], responses=problem_responses(401, 404))
def get_employment(employment_id: int, user: CurrentUser, session: DbSession) -> EmploymentRead:
    """One employment: its terms and the SHA-256 of its anställningsbevis."""
    return _read(service.get_employment(session, employment_id=employment_id, actor=user))


@router.get(
    "/employments/{employment_id}/certificate.pdf",
    tags=["employments"],
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 404)},
)
def download_employment_certificate(employment_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The anställningsbevis (LAS 6 c §) exactly as stored at approval."""
    employment = service.get_employment(session, employment_id=employment_id, actor=user)
    return file_response(
        employment.certificate_pdf,
        media_type="application/pdf",
        filename=f"anstallningsbevis-{employment.id}.pdf",
        sha256=employment.certificate_sha256,
    )


@router.get("/members/{member_id}/save-counter", tags=["employments"], responses=problem_responses(401, 404))
def get_save_counter(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    on: Annotated[date | None, Query(description="the last day of the windows; today when left out")] = None,
) -> SaveCounterRead:
    """The member's SÄVA day counter in the 3- and 5-year windows (LAS 5 a §, 25 §)."""
    member = parties_service.get_member(session, member_id=member_id, actor=user)
    counter = service.save_counter(session, member=member, on=on or today)
    return SaveCounterRead(
        member_id=counter.member_id,
        on=counter.on,
        days_in_3_years=counter.days_in_3_years,
        days_in_5_years=counter.days_in_5_years,
        preferential_right_limit_days=counter.preferential_right_limit_days,
        conversion_limit_days=counter.conversion_limit_days,
        preferential_right_passed=counter.preferential_right_passed,
        conversion_passed=counter.conversion_passed,
        employments=counter.employments,
    )


FromDate = Annotated[
    date | None, Query(alias="from", description="first day; 1 January of this year when left out")
]
ToDate = Annotated[date | None, Query(alias="to", description="last day; today when left out")]


@router.get(
    "/members/{member_id}/employer-certificate",
    tags=["employments"],
    responses=problem_responses(401, 404, 422),
)
def get_employer_certificate(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    from_: FromDate = None,
    to: ToDate = None,
) -> EmployerCertificateRead:
    """The arbetsgivarintyg as JSON: employer, periods, type, end reason, scope, leave, severance."""
    return _certificate_read(_certificate(session, member_id, user, today, from_, to))


@router.get(
    "/members/{member_id}/employer-certificate.pdf",
    tags=["employments"],
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 404, 422)},
)
def download_employer_certificate(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    from_: FromDate = None,
    to: ToDate = None,
) -> Response:
    """The arbetsgivarintyg for a period, as PDF."""
    certificate = _certificate(session, member_id, user, today, from_, to)
    return file_response(
        service.employer_certificate_pdf(certificate),
        media_type="application/pdf",
        filename=f"arbetsgivarintyg-{member_id}-{certificate.period_from}-{certificate.period_to}.pdf",
    )


def _certificate(
    session: DbSession, member_id: int, user: CurrentUser, today: date, start: date | None, end: date | None
) -> service.EmployerCertificate:
    member = parties_service.get_member(session, member_id=member_id, actor=user)
    return service.employer_certificate(
        session,
        member=member,
        period_from=start or today.replace(month=1, day=1),
        period_to=end or today,
        today=today,
    )


def _certificate_read(certificate: service.EmployerCertificate) -> EmployerCertificateRead:
    employer, member = certificate.employer, certificate.member
    return EmployerCertificateRead(
        employer=PartyRead(
            name=employer.name,
            organisation_number=employer.organisation_number,
            street=employer.street,
            postal_code=employer.postal_code,
            city=employer.city,
        ),
        employee=PartyRead(
            name=member.full_name,
            personal_identity_number=member.personal_identity_number,
            street=member.street,
            postal_code=member.postal_code,
            city=member.city,
        ),
        period_from=certificate.period_from,
        period_to=certificate.period_to,
        issued_on=certificate.issued_on,
        employments=[
            CertifiedEmploymentRead(
                employment_id=row.employment_id,
                start=row.start,
                end=row.end,
                employment_type=row.employment_type,
                title=row.title,
                extent=row.extent,
                end_reason_code=row.end_reason_code,
                end_reason=row.end_reason,
            )
            for row in certificate.employments
        ],
        leave=certificate.leave,
        severance=certificate.severance,
    )


def _read(employment: Employment) -> EmploymentRead:
    return EmploymentRead(
        id=employment.id,
        member_id=employment.member_id,
        assignment_id=employment.assignment_id,
        start=employment.start,
        end=employment.end,
        employment_type=service.EMPLOYMENT_TYPE,
        title=employment.title,
        duties=employment.duties,
        workplace=employment.workplace,
        extent_quantity=employment.extent_quantity,
        extent_unit=employment.extent_unit,
        pay_form=employment.pay_form,
        certificate_sha256=employment.certificate_sha256,
        created_at=employment.created_at,
    )

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from kooperativet.api.dependencies import DbSession, Today, Window
from kooperativet.api.downloads import file_response
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import IsoDate, Page, Text
from kooperativet.auth.dependencies import CurrentUser
from kooperativet.employments import service
from kooperativet.employments.schemas import (
    LEAVE_DESCRIPTION,
    EmployerCertificateRead,
    EmploymentRead,
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
    return window.page([EmploymentRead.model_validate(e) for e in rows], total)


@router.get("/employments/{employment_id}", tags=["employments"], responses=problem_responses(401, 404))
def get_employment(employment_id: int, user: CurrentUser, session: DbSession) -> EmploymentRead:
    """One employment: its terms and the SHA-256 of its anställningsbevis."""
    return EmploymentRead.model_validate(
        service.get_employment(session, employment_id=employment_id, actor=user)
    )


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
        service.certificate_pdf(session, employment=employment),
        media_type="application/pdf",
        filename=f"anstallningsbevis-{employment.id}.pdf",
    )


@router.get("/members/{member_id}/save-counter", tags=["employments"], responses=problem_responses(401, 404))
def get_save_counter(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    on: Annotated[
        IsoDate | None, Query(description="the last day of the windows; today when left out")
    ] = None,
) -> SaveCounterRead:
    """The member's SÄVA day counter in the 3- and 5-year windows (LAS 5 a §, 25 §)."""
    member = parties_service.get_member(session, member_id=member_id, actor=user)
    counter = service.save_counter(session, member=member, on=on or today)
    return SaveCounterRead.model_validate(counter, from_attributes=True)


FromDate = Annotated[
    IsoDate | None, Query(alias="from", description="first day; 1 January of this year when left out")
]
ToDate = Annotated[IsoDate | None, Query(alias="to", description="last day; today when left out")]
Leave = Annotated[Text | None, Query(max_length=service.LEAVE_MAX_LENGTH, description=LEAVE_DESCRIPTION)]


@router.get(
    "/members/{member_id}/employer-certificate",
    tags=["employments"],
    responses=problem_responses(401, 403, 404, 422),
)
def get_employer_certificate(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    from_: FromDate = None,
    to: ToDate = None,
    leave: Leave = None,
) -> EmployerCertificateRead:
    """The arbetsgivarintyg as JSON: employer, periods, type, end reason, scope, leave, severance."""
    certificate = service.member_employer_certificate(
        session, member_id=member_id, actor=user, today=today, start=from_, end=to, leave=leave
    )
    return EmployerCertificateRead.from_certificate(certificate)


@router.get(
    "/members/{member_id}/employer-certificate.pdf",
    tags=["employments"],
    response_class=Response,
    responses={**PDF_RESPONSE, **problem_responses(401, 403, 404, 422)},
)
def download_employer_certificate(
    member_id: int,
    user: CurrentUser,
    session: DbSession,
    today: Today,
    from_: FromDate = None,
    to: ToDate = None,
    leave: Leave = None,
) -> Response:
    """The arbetsgivarintyg for a period, as PDF."""
    certificate = service.member_employer_certificate(
        session, member_id=member_id, actor=user, today=today, start=from_, end=to, leave=leave
    )
    return file_response(
        service.employer_certificate_pdf(certificate),
        media_type="application/pdf",
        filename=f"arbetsgivarintyg-{member_id}-{certificate.period_from}-{certificate.period_to}.pdf",
    )

"""The arbetsgivarintyg asked for on a page (the member's Lön page, the office's member page): the period and
the leave as typed, read by the API's query schema and made by the service, or the refusals by their fields.
Both pages are GET forms (asking changes nothing) and show a refusal on the page they were sent from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request

from kooperativet.auth.models import User
from kooperativet.employments import service as employments_service
from kooperativet.employments.schemas import EmployerCertificateQuery
from kooperativet.employments.service import EmployerCertificate
from kooperativet.errors import DomainError
from kooperativet.web.forms import field_errors
from kooperativet.web.i18n import N_
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import gettext

#: Her own certificate ends today at the latest: a last day after it (2027 for 2026, typed on a phone) would
#: have the employer certify days that have not happened.
AFTER_TODAY: Final = N_(
    "The last day is after today: a certificate covers days that have been. Choose today or an earlier day."
)


class CertificateRefused(Exception):
    """What was wrong with the form, by field, and the status the page is shown again with: 422 for a value
    that does not parse or a period turned round, the service's own (403) for leave stated by someone who
    may not state it."""

    def __init__(self, errors: dict[str, str], *, status: int) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status


def asked_certificate(
    request: Request,
    session: Session,
    *,
    member_id: int,
    actor: User,
    today: date,
    asked: Mapping[str, str],
    until_today: bool = False,
) -> EmployerCertificate:
    """The certificate for ``asked``: ``from``, ``to`` and, from the office, ``leave`` (blank: not given).
    ``until_today``: a last day after today is refused by its field (her own, on the pay page; the office
    may ask for an employment agreed but not yet begun, which the service says as such)."""
    try:
        query = EmployerCertificateQuery.model_validate(
            {name: value or None for name, value in asked.items()}
        )
        if until_today and query.period_to is not None and query.period_to > today:
            raise CertificateRefused({"to": gettext(request, AFTER_TODAY)}, status=422)
        return employments_service.member_employer_certificate(
            session,
            member_id=member_id,
            actor=actor,
            today=today,
            start=query.period_from,
            end=query.period_to,
            leave=query.leave,
        )
    except ValidationError as exc:
        raise CertificateRefused(field_errors(request, exc), status=422) from exc
    except DomainError as exc:
        raise CertificateRefused(refusal_errors(request, exc), status=exc.status) from exc

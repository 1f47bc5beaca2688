from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from kooperativet.api.types import ReadSchema, Schema, Text
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.employments.service import LEAVE_MAX_LENGTH

if TYPE_CHECKING:
    from kooperativet.employments.service import EmployerCertificate


class EmploymentRead(ReadSchema):
    """Read from an ``Employment`` row (``model_validate``)."""

    id: int
    member_id: int
    assignment_id: int
    start: date
    end: date
    employment_type: str = Field(examples=["Särskild visstidsanställning (LAS 5 § 1)"])
    title: str
    duties: str
    workplace: str
    extent_quantity: Decimal
    extent_unit: ExtentUnit
    pay_form: str
    certificate_sha256: str | None = Field(
        description="the anställningsbevis PDF's SHA-256; empty only while it waits to be rendered"
    )
    created_at: datetime


class SaveCounterRead(BaseModel):
    """Counted SÄVA days up to ``on``: every day employed, plus the gaps in months with three or more SÄVA."""

    member_id: int
    on: date
    days_in_3_years: int
    days_in_5_years: int
    days_in_successive_employments: int = Field(
        description="in the employments up to ``on`` that followed each other, each begun within six months "
        "of the last day of the one before, over any span of years (none when the last ended more than six "
        "months before ``on``)"
    )
    preferential_right_limit_days: int = Field(description="more than this in 3 years: LAS 25 §")
    conversion_limit_days: int = Field(
        description="more than this in 5 years, or in employments that followed each other: LAS 5 a §"
    )
    preferential_right_passed: bool
    conversion_passed: bool
    employments: int


class PartyRead(BaseModel):
    name: str
    organisation_number: str | None = None
    personal_identity_number: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None


LEAVE_DESCRIPTION = (
    f"the leave in the period as the employer states it, one line of at most {LEAVE_MAX_LENGTH} characters "
    "(e.g. 'Sjukledig 2026-03-02 – 2026-03-06'); only the treasurer or an admin, and not on their own "
    "certificate. Left out, the certificate says that no leave is recorded with the employer"
)


class EmployerCertificateQuery(Schema):
    """What an arbetsgivarintyg is asked for with (the API's query parameters, a page's GET form)."""

    model_config = ConfigDict(from_attributes=True, extra="forbid", populate_by_name=True)

    period_from: date | None = Field(None, alias="from", examples=["2026-01-01"])
    period_to: date | None = Field(None, alias="to", examples=["2026-12-31"])
    # Its length is the service's rule (``LEAVE_MAX_LENGTH``), which says it by the field on a page too.
    leave: Text | None = Field(None, description=LEAVE_DESCRIPTION)


class CertifiedEmploymentRead(BaseModel):
    employment_id: int
    start: date
    end: date
    employment_type: str
    title: str
    extent: str = Field(examples=["5 dagar"])
    end_reason_code: str = Field(examples=["fixed_term_ended"])
    end_reason: str


class EmployerCertificateRead(BaseModel):
    """Arbetsgivarintyg: what the employer certifies (income comes from the AGI since 2025-10-01)."""

    employer: PartyRead
    employee: PartyRead
    period_from: date
    period_to: date
    issued_on: date
    employments: list[CertifiedEmploymentRead]
    leave: str = Field(
        description="the leave the office stated, or that no leave is recorded with the employer",
        examples=["Ingen ledighet har registrerats hos arbetsgivaren under perioden"],
    )
    leave_stated: bool = Field(
        description="whether the office stated the leave when it issued the certificate"
    )
    severance: str

    @classmethod
    def from_certificate(cls, certificate: EmployerCertificate) -> EmployerCertificateRead:
        """The employer is the cooperative, the employee the member, as they stand today."""
        employer, member = certificate.employer, certificate.member
        return cls(
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
                CertifiedEmploymentRead.model_validate(row, from_attributes=True)
                for row in certificate.employments
            ],
            leave=certificate.leave,
            leave_stated=certificate.leave_stated,
            severance=certificate.severance,
        )

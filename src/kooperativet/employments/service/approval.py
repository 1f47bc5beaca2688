"""Approval turns a submitted assignment into a SÄVA and issues its anställningsbevis, in one transaction;
the PDF follows the commit (``certificate.CERTIFICATE_PDF``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from sqlalchemy.orm import Session

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.models import Assignment
from kooperativet.auth.models import User
from kooperativet.documents.pipeline import render_after_commit
from kooperativet.documents.render import render_html
from kooperativet.employments.models import Employment
from kooperativet.employments.service.certificate import (
    CERTIFICATE_PDF,
    CERTIFICATE_TEMPLATE,
    certificate_context,
)
from kooperativet.employments.service.notices import tell_member_approved
from kooperativet.employments.service.save import assignment_warnings

VARYING_PLACES: Final = "Varierande arbetsplatser"
PAY_FORM: Final = "Lön enligt uppdragets lönekalkyl"


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
    tell_member_approved(session, employment=employment)
    return employment

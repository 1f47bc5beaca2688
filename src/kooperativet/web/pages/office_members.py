"""The member register for the office: list and search, one member's record, changes through the same
service as the API (``parties.service``), the second person's confirmation of a new bank account, and the
member's arbetsgivarintyg (``employments.service``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.downloads import file_response
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.core.calendar import swedish_day
from kooperativet.core.identifiers import mask_account, mask_iban
from kooperativet.employments import service as employments_service
from kooperativet.employments.service import LEAVE_MAX_LENGTH
from kooperativet.errors import DomainError
from kooperativet.parties import service
from kooperativet.parties.models import Member
from kooperativet.parties.schemas import MemberListItem, MemberRead, MemberUpdate
from kooperativet.privacy.removal import retention_end
from kooperativet.web.dependencies import CheckedForm, OfficeReader, require_web_roles
from kooperativet.web.employer_certificates import CertificateRefused, asked_certificate
from kooperativet.web.forms import FormRejected, PageRoute, Posted, field_errors, stored_integer
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.notices import done
from kooperativet.web.paging import page_count
from kooperativet.web.reads.office_members import pending_accounts
from kooperativet.web.refusals import refusal_errors, refusal_text
from kooperativet.web.tax_setting_form import tax_form_of
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]
MEMBERS_PER_PAGE = 50

#: What the office may change on the page: the API's MemberUpdate fields, in the order of the form.
EDITABLE = (
    "first_name", "last_name", "personal_identity_number", "street", "postal_code", "city", "country",
    "email", "phone", "bank_clearing_number", "bank_account_number", "bank_iban", "joined_on", "left_on",
    "language",
)  # fmt: skip
LANGUAGES = {"sv": N_("Swedish"), "en": N_("English")}
TAX_MODES = {
    "flat": N_("flat percent"),
    "table": N_("tax table"),
    "sink": N_("SINK (resident abroad)"),
    "asink": N_("A-SINK (artist resident abroad)"),
}


@router.get("/office/members")
def members_page(
    request: Request, user: OfficeReader, session: DbSession, q: str = "", page: int = 1
) -> Response:
    page = max(page, 1)
    rows, total = service.list_members(
        session, limit=MEMBERS_PER_PAGE, offset=(page - 1) * MEMBERS_PER_PAGE, q=q or None
    )
    return render(
        request,
        "office_members/list.html",
        {
            "members": [MemberListItem.from_model(member) for member in rows],
            "waiting": pending_accounts(session),
            "q": q,
            "total": total,
            "page": page,
            "pages": page_count(total, MEMBERS_PER_PAGE),
            "masked": _masked_pending,
        },
    )


@router.get("/office/members/{member_id:int}")
def member_page(
    request: Request, member_id: int, user: OfficeReader, session: DbSession, today: Today
) -> Response:
    member = service.get_member(session, member_id=member_id, actor=user)
    # The auditor gets no form, so none of its unmasked values either.
    values = record_values(member) if policy.acts_for_everyone(user) else {}
    return member_record_page(
        request,
        session,
        member=member,
        user=user,
        values=values,
        errors={},
        certificate=asked_certificate_form(today),
    )


@router.get("/office/members/{member_id:int}/employer-certificate")
def employer_certificate(
    request: Request,
    member_id: int,
    user: OfficeReader,
    session: DbSession,
    today: Today,
    period_from: Annotated[str, Query(alias="from")] = "",
    period_to: Annotated[str, Query(alias="to")] = "",
    leave: str = "",
) -> Response:
    """The member's arbetsgivarintyg as the API's PDF, for the office's readers (the service's ``get_member``
    decides, as in the API). The treasurer or an admin may state the leave in the period; the service refuses
    it from the auditor and on one's own certificate. A refusal is the member's page again, the message by
    its field; a GET form, since it changes nothing."""
    member = service.get_member(session, member_id=member_id, actor=user)  # not hers to see: not found
    asked = {"from": period_from.strip(), "to": period_to.strip(), "leave": leave.strip()}
    try:
        certificate = asked_certificate(
            request, session, member_id=member_id, actor=user, today=today, asked=asked
        )
    except CertificateRefused as refused:
        values = record_values(member) if policy.acts_for_everyone(user) else {}
        return member_record_page(
            request,
            session,
            member=member,
            user=user,
            values=values,
            errors={},
            certificate={**asked, "errors": refused.errors},
            status=refused.status,
        )
    return file_response(
        employments_service.employer_certificate_pdf(certificate),
        media_type="application/pdf",
        filename=f"arbetsgivarintyg-{member_id}-{certificate.period_from}-{certificate.period_to}.pdf",
    )


def asked_certificate_form(today: date) -> dict[str, Any]:
    """The certificate form as the page first shows it: the service's own period, this year up to today."""
    first = today.replace(month=1, day=1)
    return {"from": first.isoformat(), "to": today.isoformat(), "leave": "", "errors": {}}


def record_values(member: Member) -> dict[str, str]:
    """The form as the record stands. The bank fields show a pending account when there is one: that is
    what the service compares with, so saving other fields leaves the pending account waiting."""
    read = MemberRead.model_validate(member).model_dump()
    if member.has_pending_bank_account:
        read["bank_clearing_number"] = member.pending_clearing_number
        read["bank_account_number"] = member.pending_account_number
        read["bank_iban"] = member.pending_iban
    return {name: "" if read[name] is None else str(read[name]) for name in EDITABLE}


def member_record_page(
    request: Request,
    session: Session,
    *,
    member: Member,
    user: User,
    values: dict[str, str],
    errors: dict[str, str],
    certificate: dict[str, Any],
    tax_form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The member's page: her record and its form (``values``, ``errors``), the bank account awaiting
    confirmation, her tax settings with the form for a new one (``tax_form``: as first shown unless given,
    ``office_member_tax``), and the employer certificate's form (``certificate``)."""
    acts = policy.acts_for_everyone(user)
    record = MemberRead.model_validate(member)
    return render(
        request,
        "office_members/detail.html",
        {
            # The auditor reads the record as the list shows it: personnummer and accounts masked.
            "member": record if acts else record.masked(),
            "removal": _removal(session, member),
            "pending_account": _masked_pending(member),
            "change_pending": member.has_pending_bank_account,
            "may_confirm": acts
            and member.has_pending_bank_account
            and member.bank_account_changed_by_id != user.id,
            "values": values,
            "errors": errors,
            "languages": LANGUAGES,
            "tax_modes": TAX_MODES,
            "certificate": certificate,
            "leave_max_length": LEAVE_MAX_LENGTH,
            # Only who may add a setting gets its form, and with it the current setting's values.
            # A record erased after the retention period is not changed any more: no form for it.
            "tax_form": (tax_form or tax_form_of(member, request_language(request)))
            if acts and member.purged_at is None
            else None,
        },
        status=status,
    )


def refused_member_page(
    request: Request,
    session: Session,
    *,
    member_id: int,
    user: User,
    today: date,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    tax_form: dict[str, Any] | None = None,
) -> Response:
    """The member's page again, 422, for a form of it that was refused: what the request wrote is rolled back
    and the record read afresh, the refused form shown as typed with its errors (the record's form as
    ``values`` and ``errors``, the new tax setting's as ``tax_form``), the others as they stand."""
    session.rollback()
    member = service.get_member(session, member_id=member_id, actor=user)
    return member_record_page(
        request,
        session,
        member=member,
        user=user,
        values=record_values(member) if values is None else values,
        errors=errors or {},
        certificate=asked_certificate_form(today),
        tax_form=tax_form,
        status=422,
    )


@dataclass(frozen=True, slots=True)
class Removal:
    """What the page says of a removed member: the Swedish days of the removal and of the purge, or until
    when the kept data is retained if it is not purged yet (docs/personal-data.md)."""

    removed_on: date
    purged_on: date | None
    retained_until: date | None


def _removal(session: Session, member: Member) -> Removal | None:
    if member.pseudonymised_at is None:
        return None
    if member.purged_at is not None:
        return Removal(swedish_day(member.pseudonymised_at), swedish_day(member.purged_at), None)
    return Removal(swedish_day(member.pseudonymised_at), None, retention_end(session, member=member))


def _masked_pending(member: Member) -> str | None:
    parts = []
    if member.pending_clearing_number and member.pending_account_number:
        parts.append(f"{member.pending_clearing_number}-{mask_account(member.pending_account_number)}")
    if member.pending_iban:
        parts.append(f"IBAN {mask_iban(member.pending_iban)}")
    return ", ".join(parts) or None


@router.post("/office/members/{member_id:int}", dependencies=[CheckedForm])
def change_member(
    request: Request, member_id: int, user: Office, session: DbSession, form: Posted, now: Now, today: Today
) -> Response:
    values = {name: str(form.get(name, "")).strip() for name in EDITABLE}
    version = str(form.get("version", ""))
    member = service.get_member(session, member_id=member_id, actor=user)
    try:
        update = MemberUpdate.model_validate(
            {"version": version, **{name: value or None for name, value in values.items()}}
        )
        change = service.update_member(session, member=member, update=update, actor=user, now=now)
    except (ValidationError, DomainError) as exc:
        errors = (
            field_errors(request, exc) if isinstance(exc, ValidationError) else refusal_errors(request, exc)
        )
        page = refused_member_page(
            request, session, member_id=member_id, user=user, today=today, values=values, errors=errors
        )
        raise FormRejected(page) from exc
    service.queue_change_notice(session, change)  # sent by a worker once this is committed
    return RedirectResponse(done(f"/office/members/{member_id}", "member_saved"), status_code=303)


#: The confirm form's refusals in its own words: a stale version here means the account may have changed.
CONFIRM_REFUSALS = {
    "version_conflict": N_(
        "The bank account details have changed since you opened the page, so nothing was confirmed. Check "
        "what waits for confirmation now and confirm again if it is right."
    ),
}


@router.post("/office/members/{member_id:int}/confirm-account", dependencies=[CheckedForm])
def confirm_account(
    request: Request, member_id: int, user: Office, session: DbSession, form: Posted, now: Now, today: Today
) -> Response:
    """The second person's confirmation names the member's version she reviewed (the form's hidden
    ``version``), so a change entered after she opened the page is refused, not confirmed unseen."""
    member = service.get_member(session, member_id=member_id, actor=user)
    version = str(form.get("version", ""))
    try:
        service.confirm_bank_account(
            session,
            member=member,
            # A form without the version it was read at (a page from before) confirms nothing unseen either.
            version=stored_integer(version) or 0,
            actor=user,
            now=now,
        )
    except DomainError as exc:
        errors = {"account": refusal_text(request, exc, own=CONFIRM_REFUSALS)}
        page = member_record_page(
            request,
            session,
            member=member,
            user=user,
            values=record_values(member),
            errors=errors,
            certificate=asked_certificate_form(today),
            status=exc.status,
        )
        raise FormRejected(page) from exc
    # Confirmed is a new account, or the removal of the old one when the change was to have none.
    has_account = bool(member.bank_account_number or member.bank_iban)
    said = "account_confirmed" if has_account else "account_removal_confirmed"
    return RedirectResponse(done(f"/office/members/{member_id}", said), status_code=303)

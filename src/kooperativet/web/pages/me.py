"""My details: the contact fields a member may change herself, the rest of her record read-only (masked
where it identifies her), her tax setting, and her data export (GDPR art. 15) as a download."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.downloads import file_response
from kooperativet.core.identifiers import mask_account, mask_iban_grouped, mask_personal_identity
from kooperativet.errors import DomainError
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Member, MemberTaxSetting
from kooperativet.parties.schemas import MemberUpdate
from kooperativet.payroll.service.calculate import tax_setting_on
from kooperativet.privacy import service as privacy_service
from kooperativet.web.dependencies import CheckedForm, WebUser
from kooperativet.web.forms import FormRejected, PageRoute, field_errors
from kooperativet.web.i18n import N_
from kooperativet.web.no_member import NO_DETAILS, no_member_page, own_member
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

STALE = N_(
    "Your details were changed after you opened this page (perhaps by you, in another window), so nothing "
    "was saved. What you typed is below; open My details again to see them as they are now before you save."
)
#: What a member may change herself (parties.service.members.MEMBER_CONTACT_FIELDS), in the form's order.
CONTACT_FIELDS = ("street", "postal_code", "city", "country", "email", "phone")


@router.get("/me")
def my_details(
    request: Request, user: WebUser, session: DbSession, today: Today, saved: bool = False
) -> Response:
    member = own_member(session, user=user)
    if member is None:
        return no_member_page(request, title=N_("My details"), message=NO_DETAILS)
    values = {name: getattr(member, name) or "" for name in CONTACT_FIELDS}
    return _page(request, member=member, today=today, values=values, errors={}, saved=saved)


@router.post("/me", dependencies=[CheckedForm])
def change_my_details(
    request: Request,
    user: WebUser,
    session: DbSession,
    today: Today,
    now: Now,
    version: Annotated[str, Form()] = "",
    street: Annotated[str, Form()] = "",
    postal_code: Annotated[str, Form()] = "",
    city: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
) -> Response:
    member = parties_service.get_own_member(session, actor=user)
    typed = {
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "country": country,
        "email": email,
        "phone": phone,
    }
    # An empty box clears the field; the country is two capital letters however it was typed.
    changes: dict[str, Any] = {name: value.strip() or None for name, value in typed.items()}
    changes["country"] = (changes["country"] or "").upper()
    try:
        update = MemberUpdate.model_validate({"version": version, **changes})
        parties_service.update_member(session, member=member, update=update, actor=user, now=now)
    except ValidationError as exc:
        errors = _by_shown_fields(field_errors(request, exc))
    except DomainError as exc:
        errors = _by_shown_fields(refusal_errors(request, exc))
        if exc.code == "version_conflict":
            errors = {"form": gettext(request, STALE)}
    else:
        return RedirectResponse("/me?saved=true", status_code=303)
    # The page comes back with what she typed and the version she read it at: with the version stored now,
    # saving it again would put back what she read in every box she did not touch, over what another window
    # saved meanwhile.
    page = _page(
        request,
        member=member,
        today=today,
        values=typed,
        errors=errors,
        saved=False,
        status=422,
        version=version,
    )
    raise FormRejected(page)


@router.get("/me/data-export.json")
def my_data_export(user: WebUser, session: DbSession, now: Now) -> Response:
    """Everything stored about her, as the API's data export gives it."""
    member = parties_service.get_own_member(session, actor=user)
    data = privacy_service.member_data(session, member=member, generated_at=now)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return file_response(
        content, media_type="application/json", filename=f"mina-uppgifter-{now.date().isoformat()}.json"
    )


def _by_shown_fields(errors: dict[str, str]) -> dict[str, str]:
    """Messages for a field the form does not show (the version it was read at) are said at its top."""
    return {(name if name in CONTACT_FIELDS else "form"): message for name, message in errors.items()}


def _page(
    request: Request,
    *,
    member: Member,
    today: Any,
    values: dict[str, str],
    errors: dict[str, str],
    saved: bool,
    status: int = 200,
    version: str | None = None,
) -> Response:
    return render(
        request,
        "me/index.html",
        {
            "member": member,
            "version": str(member.version) if version is None else version,
            "values": values,
            "errors": errors,
            "saved": saved,
            "personal_identity": mask_personal_identity(member.personal_identity_number),
            "accounts": _accounts(member),
            "tax_setting": _tax_setting(member, today=today),
        },
        status=status,
    )


def _accounts(member: Member) -> dict[str, str | bool | None]:
    """The confirmed account and one waiting for confirmation, masked as on the payslip, and whether the
    change waiting removes the account."""

    def masked(clearing: str | None, account: str | None, iban: str | None) -> str | None:
        if iban:
            return mask_iban_grouped(iban)
        if clearing and account:
            return f"{clearing}-{mask_account(account)}"
        return None

    return {
        "confirmed": masked(member.bank_clearing_number, member.bank_account_number, member.bank_iban),
        "pending": masked(*member.pending_account),
        "removal": member.bank_account_removal_pending,
    }


def _tax_setting(member: Member, *, today: Any) -> MemberTaxSetting | None:
    try:
        return tax_setting_on(member, on=today)
    except DomainError:
        return None

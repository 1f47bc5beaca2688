"""A member's new tax setting, added by the office on her page (``#tax``): a jämkning decision's percent, the
table and column of a new tax decision, SINK for a member who moved abroad, or the extra tax a month she asked
for (docs/payroll.md §3). The same schema and service as the API (``TaxSettingCreate``,
``parties.service.add_tax_setting``, audited); the earlier settings stay as history.

The form shows every field of a setting; what does not apply to the mode chosen (the percent to a table, the
table to a flat percent) is left out of what is saved, as on the registration form, so that switching the mode
does not mean clearing fields first. A refusal is said next to its field, with what was typed kept: an
incomplete table by the box left empty (the service names it), a value out of range with its limit ("högst
100 000 kr"), and an extra tax that is no number asked for as a whole number (it is whole kronor: "kronor och
öre", as other amounts are asked for, would be refused next)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.errors import DomainError
from kooperativet.parties import service
from kooperativet.parties.schemas import TaxSettingCreate
from kooperativet.web.dependencies import CheckedForm, require_web_roles
from kooperativet.web.forms import (
    FormRejected,
    PageRoute,
    Posted,
    field_errors,
    too_large_amount,
    unclear_number,
)
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.notices import done
from kooperativet.web.pages.office_members import refused_member_page
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.tax_setting_form import FIELDS, PREFIX, schema_input
from kooperativet.web.templating import gettext

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]
#: What an extra tax the schema cannot read as a number is asked for: it is whole kronor.
WHOLE_NUMBER = N_("Write a whole number.")
#: The units of the fields whose limits a refusal names ("högst 100 000 kr", "högst 100 %").
UNITS = {"percent": "%", "extra_monthly_tax": "kr"}


@router.post("/office/members/{member_id:int}/tax-settings", dependencies=[CheckedForm])
def add_tax_setting(
    request: Request, member_id: int, user: Office, session: DbSession, form: Posted, now: Now, today: Today
) -> Response:
    values = {name: str(form.get(PREFIX + name, "")).strip() for name in FIELDS}
    member = service.get_member(session, member_id=member_id, actor=user)
    try:
        data = TaxSettingCreate.model_validate(schema_input(values, request_language(request)))
        service.add_tax_setting(session, member=member, data=data, actor=user, now=now)
    except (ValidationError, DomainError) as exc:
        tax_form = {"values": values, "errors": _errors(request, exc)}
        page = refused_member_page(
            request, session, member_id=member_id, user=user, today=today, tax_form=tax_form
        )
        raise FormRejected(page) from exc
    return RedirectResponse(done(f"/office/members/{member_id}#tax", "tax_setting_added"), status_code=303)


def _errors(request: Request, exc: ValidationError | DomainError) -> dict[str, str]:
    """Each refusal by the form's field it is about, in the form's names (``tax_`` and the schema's)."""
    if isinstance(exc, ValidationError):
        said = field_errors(request, exc, units=UNITS)
        if any(_unreadable_extra(error) for error in exc.errors()):
            said["extra_monthly_tax"] = gettext(request, WHOLE_NUMBER)
    else:
        said = refusal_errors(request, exc)
    return {(PREFIX + name if name in FIELDS else name): text for name, text in said.items()}


def _unreadable_extra(error: Any) -> bool:
    return (
        error["loc"] == ("extra_monthly_tax",)
        and error["type"] == "money"
        and not too_large_amount(error)
        and not unclear_number(error)
    )

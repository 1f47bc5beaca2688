"""A member's new tax setting, added by the office on her page (``#tax``): a jämkning decision's percent, the
table and column of a new tax decision, SINK for a member who moved abroad, or the extra tax a month she asked
for (docs/payroll.md §3). The same schema and service as the API (``TaxSettingCreate``,
``parties.service.add_tax_setting``, audited); the earlier settings stay as history.

The form shows every field of a setting; what does not apply to the mode chosen (the percent to a table, the
table to a flat percent) is left out of what is saved, as on the registration form, so that switching the mode
does not mean clearing fields first. A refusal is said next to its field, with what was typed kept."""

from __future__ import annotations

from typing import Annotated

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
from kooperativet.web.forms import FormRejected, PageRoute, Posted, field_errors
from kooperativet.web.i18n import request_language
from kooperativet.web.notices import done
from kooperativet.web.pages.office_members import asked_certificate_form, member_record_page, record_values
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.tax_setting_form import FIELDS, PREFIX, schema_input

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]


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
        said = (
            field_errors(request, exc) if isinstance(exc, ValidationError) else refusal_errors(request, exc)
        )
        errors = {(PREFIX + name if name in FIELDS else name): text for name, text in said.items()}
        session.rollback()
        member = service.get_member(session, member_id=member_id, actor=user)
        page = member_record_page(
            request,
            session,
            member=member,
            user=user,
            values=record_values(member),
            errors={},
            certificate=asked_certificate_form(today),
            tax_form={"values": values, "errors": errors},
            status=422,
        )
        raise FormRejected(page) from exc
    return RedirectResponse(done(f"/office/members/{member_id}#tax", "tax_setting_added"), status_code=303)

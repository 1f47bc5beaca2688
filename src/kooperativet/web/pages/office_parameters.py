"""The dated parameters (rates, fee, thresholds) with their sources, and adding a value from a date.

The office reads them; adding a value is the admin's, as in the API (``parameters.service.add_value``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Today
from kooperativet.auth import policy
from kooperativet.auth.models import Role, User
from kooperativet.errors import DomainError
from kooperativet.parameters import service
from kooperativet.parameters.catalog import CATALOG, ParameterSpec, ValueKind
from kooperativet.parameters.schemas import ParameterRead, ParameterValueCreate
from kooperativet.web.dependencies import CheckedForm, OfficeReader, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, decimal_text, field_errors
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.notices import done
from kooperativet.web.parameter_words import (
    CHOICES,
    KIND_HINTS,
    NAMES,
    decision_reference,
    period_text,
    renewal_warnings,
    shown,
    source,
    value_table,
)
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]
Admin = Annotated[User, Depends(require_web_roles(Role.admin))]
#: What a value its kind refuses is asked for, instead of the bare "not valid for the parameter": the pages
#: show a fraction as a percent ("6 %"), so "5,5" is the natural slip, and is answered with how to write it.
FRACTION = N_("Write a fraction between 0 and 1: 0.06 for 6 percent.")
PERCENT_AS_FRACTION = N_("Write a fraction between 0 and 1: %(percent)s percent is written %(fraction)s.")
WHOLE_NUMBER = N_("Write a whole number.")
WHOLE_NUMBER_BETWEEN = N_("Write a whole number from %(minimum)s to %(maximum)s.")
AMOUNT = N_("Write an amount in kronor, zero or more, e.g. 25,000.00.")
ABOVE_CAP = N_("At most %(maximum)s from that date, as the law allows: %(source)s.")


@router.get("/office/parameters")
def parameters_page(request: Request, user: OfficeReader, session: DbSession, today: Today) -> Response:
    parameters = [ParameterRead.model_validate(p) for p in service.parameters(session, on=today)]
    return render(
        request,
        "office_parameters/list.html",
        {
            "parameters": parameters,
            "renewals": renewal_warnings(request, session, on=today),
            "period_text": period_text,
            "names": NAMES,
            "shown": partial(shown, request),
            "source": partial(source, request),
        },
    )


@router.get("/office/parameters/{key}")
def parameter_page(
    request: Request, key: str, user: OfficeReader, session: DbSession, today: Today
) -> Response:
    return _parameter_page(request, session, key=key, today=today, values={}, errors={})


def _parameter_page(
    request: Request,
    session: Session,
    *,
    key: str,
    today: date,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    parameter = ParameterRead.model_validate(service.parameter(session, key=key, on=today))
    return render(
        request,
        "office_parameters/detail.html",
        {
            "parameter": parameter,
            "renewals": [
                warning
                for warning in renewal_warnings(request, session, on=today)
                if warning.key == parameter.key
            ],
            "names": NAMES,
            "kind_hint": KIND_HINTS[parameter.kind],
            "choices": CHOICES,
            "shown": partial(shown, request),
            "source": partial(source, request),
            "reference": partial(decision_reference, request),
            "tabled": partial(value_table, request),
            "may_add": request.state.web_user.has_any_role(Role.admin),
            "values": values,
            "errors": errors,
        },
        status=status,
    )


@router.post("/office/parameters/{key}", dependencies=[CheckedForm])
def add_value(
    request: Request,
    key: str,
    user: Admin,
    session: DbSession,
    today: Today,
    valid_from: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    decision_reference: Annotated[str, Form()] = "",
) -> Response:
    service.spec_for_key(key)
    values = {
        "valid_from": valid_from,
        "value": value,
        "source": source,
        "decision_reference": decision_reference,
    }
    typed = value
    if service.parameter(session, key=key, on=today).kind in (ValueKind.fraction, ValueKind.amount):
        typed = decimal_text(value, request_language(request))
    try:
        body = ParameterValueCreate.model_validate(
            {
                "valid_from": valid_from,
                "value": typed,
                "source": source,
                "decision_reference": decision_reference or None,
            }
        )
        service.add_value(
            session,
            key=key,
            valid_from=body.valid_from,
            value=body.value,
            source=body.source,
            decision_reference=body.decision_reference,
            created_by_id=user.id,
        )
    except (ValidationError, DomainError) as exc:
        errors = (
            field_errors(request, exc) if isinstance(exc, ValidationError) else refusal_errors(request, exc)
        )
        if isinstance(exc, DomainError) and exc.code == "invalid_parameter_value":
            errors["value"] = (
                _above_cap(request, exc)
                or _value_refused(request, CATALOG[key], typed)
                or errors.get("value", "")
            )
        session.rollback()
        page = _parameter_page(
            request, session, key=key, today=today, values=values, errors=errors, status=422
        )
        raise FormRejected(page) from exc
    return RedirectResponse(done(f"/office/parameters/{key}", "parameter_value_added"), status_code=303)


def _above_cap(request: Request, exc: DomainError) -> str | None:
    """A fee above the law's cap in force on its date (``service.checked_value``) told the cap, as a Swede
    writes it, and the law that sets it; ``None`` for any other refusal."""
    maximum = exc.extra.get("maximum")
    if maximum is None:
        return None
    return gettext(
        request,
        ABOVE_CAP,
        maximum=shown(request, ValueKind.amount, str(maximum)),
        source=source(request, str(exc.extra["maximum_source"])).rstrip("."),
    )


def _value_refused(request: Request, spec: ParameterSpec, typed: str) -> str | None:
    """What a value of ``spec``'s kind must be, in the page's words; ``None`` for a choice or a JSON value,
    whose refusal says it already. A fraction typed as a percent (``5,5`` or ``5,5 %``, above 1 and at most
    100) is told its fraction (``0,055``), written the page's way."""
    language = request_language(request)
    if spec.kind is ValueKind.fraction:
        try:
            number = Decimal(typed.removesuffix("%").strip())
        except InvalidOperation:
            return gettext(request, FRACTION)
        if not (number.is_finite() and 1 < number <= 100):
            return gettext(request, FRACTION)
        written = {"percent": number.normalize(), "fraction": (number / 100).normalize()}
        return gettext(
            request,
            PERCENT_AS_FRACTION,
            **{name: _written(value, language) for name, value in written.items()},
        )
    if spec.kind is ValueKind.integer:
        if spec.minimum is None or spec.maximum is None:
            return gettext(request, WHOLE_NUMBER)
        return gettext(request, WHOLE_NUMBER_BETWEEN, minimum=spec.minimum, maximum=spec.maximum)
    if spec.kind is ValueKind.amount:
        return gettext(request, AMOUNT)
    return None


def _written(number: Decimal, language: str) -> str:
    """A number in full, as the page's language writes its decimals (``0,055``; never ``5.5E-2``)."""
    text = f"{number:f}"
    return text.replace(".", ",") if language == "sv" else text

"""The dated parameters (rates, fee, thresholds) with their sources, and adding a value from a date.

The office reads them; adding a value is the admin's, as in the API (``parameters.service.add_value``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Today
from kooperativet.auth import policy
from kooperativet.auth.models import Role, User
from kooperativet.documents.render import money, percent
from kooperativet.errors import DomainError
from kooperativet.parameters import service
from kooperativet.parameters.catalog import ValueKind
from kooperativet.parameters.schemas import ParameterRead, ParameterValueCreate
from kooperativet.web.dependencies import CheckedForm, OfficeReader, require_web_roles
from kooperativet.web.forms import FormRejected, PageRoute, decimal_text, field_errors
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
Office = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]
Admin = Annotated[User, Depends(require_web_roles(Role.admin))]

#: Each parameter's name and what it does, in words (the catalog's descriptions are for the API's readers).
NAMES = {
    "fee_rate": (N_("The cooperative's fee"), N_("A share of the invoiced amount for the work.")),
    "holiday_pay_rate": (N_("Holiday pay"), N_("Semesterersättning paid with each salary.")),
    "sink_rate": (N_("SINK tax"), N_("Tax for members resident abroad.")),
    "asink_rate": (N_("A-SINK tax"), N_("Tax for performing artists resident abroad.")),
    "table_surcharge_rate": (
        N_("Surcharge on table tax"),
        N_("Added to table tax when the member's tax information is missing."),
    ),
    "employer_contribution_rules": (
        N_("Employer contributions"),
        N_("The categories by year of birth, their rates and the youth reduction's monthly cap."),
    ),
    "employer_contribution_threshold": (
        N_("Threshold for employer contributions"),
        N_("No contributions for a person whose pay in a calendar year stays below this amount."),
    ),
    "minimum_day_rate": (
        N_("Lowest day rate"),
        N_("A fee per day below this gives a warning on a commission."),
    ),
    "invoice_rounding": (N_("Rounding of invoices"), N_("Öresavrundning of the amount to pay.")),
    "pay_on": (N_("When salary is paid"), N_("When the client has paid, or already when invoiced.")),
    "pay_day": (N_("Pay day"), N_("The day of the month salaries are paid.")),
    "account_map": (N_("Account map"), N_("The accounts (BAS chart) the bookkeeping file uses.")),
    "reminder_first_days": (
        N_("First payment reminder"),
        N_("Days after the due date until the first payment reminder is sent."),
    ),
    "reminder_interval_days": (
        N_("Days between payment reminders"),
        N_("Days after a payment reminder until the next one is sent."),
    ),
    "reminder_max_count": (
        N_("Most payment reminders"),
        N_("How many payment reminders an invoice gets at most; after that the treasurer decides."),
    ),
    "reminder_fee": (
        N_("Reminder fee"),
        N_("The fee for a written payment reminder, charged only where the client agreed to it beforehand."),
    ),
    "reference_rate": (
        N_("Reference rate"),
        N_("Riksbanken's reference rate for the calendar half-year, which late-payment interest builds on."),
    ),
    "late_interest_margin": (
        N_("Late-payment interest margin"),
        N_("Late-payment interest is the reference rate plus this margin."),
    ),
}
KIND_HINTS = {
    ValueKind.fraction: N_("A decimal fraction: 0,06 for 6 percent."),
    ValueKind.amount: N_("An amount in kronor, e.g. 25 000,00."),
    ValueKind.integer: N_("A whole number."),
    ValueKind.choice: N_("One of the choices."),
    ValueKind.json: N_("A JSON document, as the current value shows."),
}
CHOICES = {
    "krona": N_("to whole kronor"),
    "none": N_("no rounding"),
    "payment": N_("when the client has paid"),
    "invoice": N_("when the invoice is issued"),
}


def shown(request: Request, kind: ValueKind, value: str) -> str:
    """A stored value as people read it: a fraction as a percent (``6 %``), an amount in kronor
    (``60,00 kr``), a choice in words."""
    language = request_language(request)
    if kind is ValueKind.fraction:
        return percent(Decimal(value) * 100, language)
    if kind is ValueKind.amount:
        return f"{money(Decimal(value), language)}\N{NO-BREAK SPACE}kr"
    if kind is ValueKind.choice and value in CHOICES:
        return gettext(request, CHOICES[value])
    return value


@router.get("/office/parameters")
def parameters_page(request: Request, user: OfficeReader, session: DbSession, today: Today) -> Response:
    parameters = [ParameterRead.model_validate(p) for p in service.parameters(session, on=today)]
    return render(
        request,
        "office_parameters/list.html",
        {"parameters": parameters, "names": NAMES, "shown": partial(shown, request)},
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
            "names": NAMES,
            "kind_hint": KIND_HINTS[parameter.kind],
            "choices": CHOICES,
            "shown": partial(shown, request),
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
        session.rollback()
        page = _parameter_page(
            request, session, key=key, today=today, values=values, errors=errors, status=422
        )
        raise FormRejected(page) from exc
    return RedirectResponse(f"/office/parameters/{key}?added=1", status_code=303)

"""Clients: the list, registering one and changing one, with the API's rules (``parties.service``): the
organisation number and VAT number checked and unique, a Peppol address as scheme and identifier together."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.errors import DomainError
from kooperativet.parties import service
from kooperativet.parties.models import Client
from kooperativet.parties.schemas import ClientCreate, ClientUpdate
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute, Posted
from kooperativet.web.pages.office_billing.common import (
    OfficeReader,
    OfficeUser,
    paging,
    schema_errors,
    see_other,
    service_errors,
    text,
    ticked,
)
from kooperativet.web.pages.office_billing.words import page

router = APIRouter(include_in_schema=False, route_class=PageRoute)

#: The form's text fields, in the order of the form; an empty one means "none".
TEXT_FIELDS = (
    "name",
    "organisation_number",
    "vat_number",
    "country",
    "street",
    "postal_code",
    "city",
    "email",
    "peppol_scheme",
    "peppol_id",
    "default_buyer_reference",
    "payment_terms_days",
)
CHOICES = ("kind", "language")
TICKED = ("public_sector", "invoice_xml_by_email", "reminder_fee_agreed")


@router.get("/office/clients")
def clients(
    request: Request,
    user: OfficeReader,
    session: DbSession,
    window: Window,
    q: str | None = None,
    saved: int | None = None,
) -> Response:
    rows, total = service.list_clients(
        session, worked_for=None, limit=window.limit, offset=window.offset, q=q
    )
    context = {"rows": rows, "q": q or "", "paging": paging(window, total), "saved": saved}
    return page(request, "office/clients.html", context)


@router.get("/office/clients/new")
def new_client(request: Request, user: OfficeUser) -> Response:
    defaults = ClientCreate.model_validate({"name": "x"}).model_dump()
    return _form(request, None, values={**_shown(defaults), "name": ""})


@router.post("/office/clients/new", dependencies=[CheckedForm])
def create_client(request: Request, user: OfficeUser, session: DbSession, form: Posted) -> Response:
    values = _values(form)
    try:
        given = {field: value for field, value in _data(values).items() if value is not None}
        client = service.create_client(session, data=ClientCreate.model_validate(given))
    except ValidationError as exc:
        raise FormRejected(_form(request, None, values=values, errors=schema_errors(request, exc))) from exc
    except DomainError as exc:
        raise FormRejected(_form(request, None, values=values, errors=service_errors(request, exc))) from exc
    return see_other(f"/office/clients?saved={client.id}")


@router.get("/office/clients/{client_id}")
def client(request: Request, client_id: int, user: OfficeReader, session: DbSession) -> Response:
    found = service.get_client(session, client_id=client_id, worked_for=None)
    values = _shown({field: getattr(found, field) for field in (*TEXT_FIELDS, *CHOICES, *TICKED)})
    return _form(request, found, values=values)


@router.post("/office/clients/{client_id}", dependencies=[CheckedForm])
def update_client(
    request: Request, client_id: int, user: OfficeUser, session: DbSession, form: Posted
) -> Response:
    found = service.get_client(session, client_id=client_id, worked_for=None)
    values = _values(form)
    data = _data(values)
    if not data["personal_identity_number"]:
        del data["personal_identity_number"]  # left empty: the one on file stays (the form never shows it)
    try:
        update = ClientUpdate.model_validate({**data, "version": text(form, "version")})
        service.update_client(session, client=found, update=update)
    except ValidationError as exc:
        raise FormRejected(_form(request, found, values=values, errors=schema_errors(request, exc))) from exc
    except DomainError as exc:
        raise FormRejected(_form(request, found, values=values, errors=service_errors(request, exc))) from exc
    return see_other(f"/office/clients?saved={client_id}")


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {field: text(form, field) for field in (*TEXT_FIELDS, *CHOICES)}
    values["personal_identity_number"] = text(form, "personal_identity_number")
    for box in TICKED:
        values[box] = ticked(form, box)
    values["country"] = values["country"].upper()
    return values


def _data(values: dict[str, Any]) -> dict[str, Any]:
    """What the schemas read: an empty text is "none"."""
    return {field: (value if value != "" else None) for field, value in values.items()}


def _shown(record: dict[str, Any]) -> dict[str, Any]:
    return {field: "" if value is None else value for field, value in record.items()}


def _form(
    request: Request,
    found: Client | None,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        "office/client_form.html",
        {"client": found, "values": values, "errors": errors or {}},
        status=422 if errors else 200,
    )

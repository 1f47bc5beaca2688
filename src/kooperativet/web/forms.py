"""Forms: read a posted form into the API's own schemas, and turn refusals into messages by the fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request

from kooperativet.errors import DomainError
from kooperativet.web.i18n import N_
from kooperativet.web.templating import gettext

Schema = TypeVar("Schema", bound=BaseModel)


async def posted_form(request: Request) -> FormData:
    """The posted form, for a handler with more fields than it is worth naming one by one (numbered rows).
    Starlette reads the body once; the form-token check has usually read it already."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]

#: Pydantic's error types, said in words a person understands; anything else falls back to a general message.
MESSAGES = {
    "missing": N_("Please fill in this field."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("This is not in the expected form."),
    "value_error": N_("This value is not valid."),
    "decimal_parsing": N_("Write a number, e.g. 1250.50."),
    "decimal_max_places": N_("Too many decimals."),
    "int_parsing": N_("Write a whole number."),
    "date_from_datetime_parsing": N_("Write a date as YYYY-MM-DD."),
    "date_parsing": N_("Write a date as YYYY-MM-DD."),
    "greater_than": N_("This must be larger."),
    "greater_than_equal": N_("This must be larger."),
    "less_than_equal": N_("This is too large."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
}


def field_errors(request: Request, exc: ValidationError) -> dict[str, str]:
    """The first message per field, keyed by the field's dotted path (``lines.0.quantity``)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "form"
        message = MESSAGES.get(error["type"], "This value is not valid.")
        errors.setdefault(field, gettext(request, message))
    return errors


def domain_errors(request: Request, exc: DomainError) -> dict[str, str]:
    """A rule's refusal, by its field when it names one, else for the whole form."""
    field = str(exc.extra.get("field") or "form")
    return {field: gettext(request, exc.detail)}


def parse(schema: type[Schema], data: Mapping[str, Any]) -> Schema:
    return schema.model_validate(data)


def decimal_text(value: str, language: str) -> str:
    """A number as the person types it (``1 250,50`` in Swedish, ``1,250.50`` in English) in the form the
    schemas read (``1250.50``)."""
    digits = value.strip().replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
    return digits.replace(",", ".") if language == "sv" else digits.replace(",", "")

"""Run a form's change, and when a schema or a rule refuses it, show the form again with the messages.

A refusal is said in the person's words by its stable ``code`` (``web.refusals``). A message for a field
the form does not have is shown for the whole form.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from kooperativet.errors import DomainError
from kooperativet.web.forms import FormRejected, field_errors
from kooperativet.web.refusals import refusal_text

T = TypeVar("T")


def refusal(
    request: Request,
    exc: DomainError,
    *,
    fields: Collection[str],
    code_fields: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A rule's refusal by its field when the form has it, else for the whole form. ``code_fields`` places a
    refusal that names no field by the field that answers it (``notice_not_in_time`` by the reason)."""
    field = str(exc.extra.get("field") or (code_fields or {}).get(exc.code) or "form")
    return {field if field in fields else "form": refusal_text(request, exc)}


def attempt(
    request: Request,
    action: Callable[[], T],
    *,
    fields: Collection[str],
    page: Callable[[dict[str, str]], Response],
    code_fields: Mapping[str, str] | None = None,
) -> T:
    """``action()``'s result; or, when it is refused, ``FormRejected`` with ``page(errors)``, so that the
    request's transaction rolls back whatever the refused change had flushed."""
    try:
        return action()
    except ValidationError as exc:
        found = field_errors(request, exc)
        errors: dict[str, str] = {}
        for key, message in found.items():
            name = key.split(".")[0]
            errors.setdefault(name if name in fields else "form", message)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        errors = refusal(request, exc, fields=fields, code_fields=code_fields)
    raise FormRejected(page(errors))

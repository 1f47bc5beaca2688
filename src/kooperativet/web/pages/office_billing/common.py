"""What every office billing page shares: who may open it, the posted form, paging and error keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse

from kooperativet.api.dependencies import PageWindow
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.errors import DomainError
from kooperativet.web.dependencies import OfficeReader as OfficeReader  # re-exported beside OfficeUser
from kooperativet.web.dependencies import require_web_roles
from kooperativet.web.forms import field_errors
from kooperativet.web.pages.office_billing.words import refusal

#: The office's acts (every POST, and the pages that are only a form to act): the treasurer and the admin.
OfficeUser = Annotated[User, Depends(require_web_roles(*policy.OFFICE))]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


def ticked(form: FormData, name: str) -> bool:
    return form.get(name) is not None


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def paging(window: PageWindow, total: int) -> dict[str, Any]:
    """Where the previous and next pages start, or None at either end. From past the last page (an old link,
    an offset typed in) the previous page is the last page, not another page of nothing."""
    last_page = max((total - 1) // window.limit * window.limit, 0)
    previous = min(max(window.offset - window.limit, 0), last_page) if window.offset > 0 else None
    following = window.offset + window.limit if window.offset + window.limit < total else None
    last = min(window.offset + window.limit, total)
    return {"total": total, "offset": window.offset, "last": last, "previous": previous, "next": following}


def schema_errors(
    request: Request, exc: ValidationError, fields: dict[str, str] | None = None
) -> dict[str, str]:
    """The validator's messages keyed by the form's field names (``fields`` renames the schema's paths)."""
    renamed = fields or {}
    return {renamed.get(key, key): message for key, message in field_errors(request, exc).items()}


def service_errors(
    request: Request, exc: DomainError, fields: dict[str, str] | None = None
) -> dict[str, str]:
    """A service's refusal by the form field it names (``fields`` renames the service's names), else for the
    whole form."""
    field = exc.extra.get("field")
    renamed = (fields or {}).get(str(field), str(field)) if field else "form"
    return {renamed: refusal(request, exc)}

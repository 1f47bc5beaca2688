"""Errors on pages: what the API answers as problem details, a person sees as a page or a message by a field.

The API keeps its RFC 9457 handlers; for a page (any path outside the API, the docs and the assets) the same
errors become a redirect to sign-in, a readable 403/404 page, or the form again with the message by its field.
A ``FormRejected`` travels as an exception so that the request's transaction rolls back whatever the refused
change had flushed; the page it carries was rendered before, from what the form held.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import inspect
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from kooperativet.auth.models import User
from kooperativet.db import is_unique_violation
from kooperativet.errors import DomainError
from kooperativet.web.dependencies import AUDITOR_READS_ONLY, SignedOut, SignInRequired
from kooperativet.web.forms import UNREADABLE, FormRejected, beyond_any_id
from kooperativet.web.once import RepeatedForm
from kooperativet.web.refusals import REFUSALS, refusal_text
from kooperativet.web.templating import gettext, render

log = logging.getLogger(__name__)
NOT_PAGES = ("/api/", "/health", "/docs", "/redoc", "/openapi.json", "/static/")
Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def install_page_errors(app: FastAPI) -> None:
    app.add_exception_handler(FormRejected, _form_rejected)
    app.add_exception_handler(RepeatedForm, _repeated)
    app.add_exception_handler(SignInRequired, _sign_in)
    kinds = (
        DomainError,
        RequestValidationError,
        StarletteHTTPException,
        OverflowError,
        DataError,
        IntegrityError,
        Exception,
    )
    for kind in kinds:
        api_handler = app.exception_handlers[kind]
        app.add_exception_handler(kind, _pages_or(api_handler))


def _pages_or(api_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_page(request):
            return _error_page(request, exc)
        answer = api_handler(request, exc)
        return await answer if isinstance(answer, Awaitable) else answer

    return handle


def _form_rejected(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormRejected)
    return exc.page


def _repeated(request: Request, exc: Exception) -> Response:
    """A form carried out before (``once``): where its first sending went, as then."""
    assert isinstance(exc, RepeatedForm)
    return RedirectResponse(exc.location, status_code=303)


def _sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    target = f"/signin?next={quote(exc.next_url, safe='')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DomainError):
        status, message = exc.status, refusal_text(request, exc)
    elif isinstance(exc, RequestValidationError):
        status, message = 422, gettext(request, UNREADABLE)
    elif isinstance(exc, OverflowError | DataError):
        # A number the database cannot hold: in the address it names nothing, in a form it cannot be read.
        status, message = (404 if _impossible_id_in_address(request) else 422), gettext(request, UNREADABLE)
    elif isinstance(exc, IntegrityError) and is_unique_violation(exc):
        # Two people did the same at the same moment (``api.problems``): the second is told, not a 500.
        status, message = 409, gettext(request, REFUSALS["concurrent_change"])
    elif isinstance(exc, StarletteHTTPException) and exc.status_code == 400:
        # Only Starlette and FastAPI raise it, when they cannot read the body at all (a broken multipart
        # form, bytes that are not text): the form was unreadable, the page exists.
        status, message = 400, gettext(request, UNREADABLE)
    elif isinstance(exc, StarletteHTTPException):
        status, message = exc.status_code, gettext(request, "There is no such page.")
    else:
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        status, message = 500, gettext(request, "Something went wrong on our side. Nothing was saved.")
    if status == 404 and not _erased(exc):
        # As in the API, what belongs to someone else looks exactly like what does not exist.
        message = gettext(request, "There is no such page, or it is not yours to see.")
    context: dict[str, object] = {"status": status, "message": message, "sign_in_again": None, "read": None}
    if isinstance(exc, SignedOut):
        context["sign_in_again"] = f"/signin?next={quote(exc.next_url, safe='')}"
    if isinstance(exc, DomainError) and exc.code == AUDITOR_READS_ONLY:
        context["read"] = "/office"  # what she reads: the office's start page leads to every record
    with _signed_in_user_readable(request):
        return render(request, "error.html", context, status=status)


def _erased(exc: Exception) -> bool:
    """A document erased after the retention period (``privacy.purge``) says so: the services raise it only
    once the reader may see the document, so the words disclose nothing a plain 404 would hide."""
    return isinstance(exc, DomainError) and exc.code == "erased_after_retention"


def _impossible_id_in_address(request: Request) -> bool:
    return any(isinstance(value, str) and beyond_any_id(value) for value in request.path_params.values())


@contextmanager
def _signed_in_user_readable(request: Request) -> Iterator[None]:
    """The error's page shows the menu of who is signed in, but the request's transaction has rolled back and
    closed by now (its user expired and detached): read the user again in a short session of its own."""
    user = getattr(request.state, "web_user", None)
    state = inspect(user) if user is not None else None
    if state is None or not state.detached or state.identity is None:
        yield
        return
    with request.app.state.session_factory() as session:
        request.state.web_user = session.get(User, state.identity[0])
        yield

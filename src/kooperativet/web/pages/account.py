"""Sign in, sign out, change password, choose language."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.auth import service
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH
from kooperativet.auth.throttle import LoginThrottle
from kooperativet.auth.web_sessions import StartedSession, csrf_token, end_web_session, start_web_session
from kooperativet.config import Settings
from kooperativet.errors import DomainError
from kooperativet.web.dependencies import (
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    CheckedForm,
    WebUser,
    form_token_key,
    presession,
    safe_next,
    set_cookie,
)
from kooperativet.web.forms import FormRejected, PageRoute
from kooperativet.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import gettext, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/signin")
def signin_form(request: Request, next: str | None = None, signed_out: bool = False) -> Response:
    return _signin_page(request, next_url=safe_next(next), email="", errors={}, signed_out=signed_out)


@router.post("/signin", dependencies=[CheckedForm])
def sign_in(
    request: Request,
    session: DbSession,
    now: Now,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    account = service.normalise_email(email)
    address = request.client.host if request.client else "unknown"
    try:
        attempt = throttle.check_and_count(account=account, address=address)  # a failure leaves it counted
        user = service.authenticate(session, email=email, password=password)
    except DomainError as exc:
        message = gettext(request, "Wrong e-mail or password.")
        if exc.status == 429:
            message = gettext(request, "Too many attempts. Wait a few minutes and try again.")
        page = _signin_page(request, next_url=safe_next(next), email=email, errors={"form": message})
        page.status_code = exc.status
        raise FormRejected(page) from exc
    throttle.succeed(attempt)
    started = _start_session(request, session=session, user_id=user.id, now=now)
    response = RedirectResponse(safe_next(next), status_code=303)
    _remember(request, response, started)
    response.delete_cookie(PRESESSION_COOKIE, path="/")
    return response


@router.post("/signout", dependencies=[CheckedForm])
def sign_out(request: Request, session: DbSession, now: Now) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_web_session(session, token=token, now=now)
    # Said on the page she lands on: on a shared computer she needs to see that the sign-out took.
    response = RedirectResponse("/signin?signed_out=true", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password")
def password_form(request: Request, user: WebUser, changed: bool = False) -> Response:
    return render(request, "account/password.html", {"errors": {}, "changed": changed})


@router.post("/account/password", dependencies=[CheckedForm])
def change_password(
    request: Request,
    user: WebUser,
    session: DbSession,
    now: Now,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if len(new_password) < MIN_PASSWORD_LENGTH:  # the API's own minimum (auth.passwords)
        errors["new_password"] = gettext(request, "At least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
    else:
        try:
            service.change_password(
                session, user=user, current_password=current_password, new_password=new_password, now=now
            )
        except DomainError as exc:
            errors = refusal_errors(request, exc)
    if errors:
        raise FormRejected(
            render(
                request,
                "account/password.html",
                {"errors": errors, "changed": False},
                status=422,
            )
        )
    # The change ends every session begun before it, this one too; the person stays signed in on a new one.
    # She is sent on to the page that says so, rather than shown it as the answer to the form: reloading an
    # answer sends the form again, with a form token of the session that just ended ("the form has expired").
    started = _start_session(request, session=session, user_id=user.id, now=now)
    response = RedirectResponse("/account/password?changed=true", status_code=303)
    _remember(request, response, started)
    return response


@router.get("/language/{language}")
def choose_language(request: Request, language: str, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if language in LANGUAGES:
        set_cookie(request, response, LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600)
    return response


def _signin_page(
    request: Request, *, next_url: str, email: str, errors: dict[str, str], signed_out: bool = False
) -> Response:
    seed, is_new = presession(request)
    request.state.csrf_token = csrf_token(key=form_token_key(request), session_token=seed)
    context = {"next": next_url, "email": email, "errors": errors, "signed_out": signed_out}
    page = render(request, "account/signin.html", context)
    if is_new:
        set_cookie(request, page, PRESESSION_COOKIE, seed, max_age=3600)
    return page


def _start_session(request: Request, *, session: DbSession, user_id: int, now: Now) -> StartedSession:
    settings: Settings = request.app.state.settings
    user = service.get_user(session, user_id=user_id)
    started = start_web_session(
        session, user=user, now=now, lifetime=timedelta(hours=settings.web_session_hours)
    )
    request.state.csrf_token = csrf_token(key=form_token_key(request), session_token=started.token)
    return started


def _remember(request: Request, response: Response, started: StartedSession) -> None:
    settings: Settings = request.app.state.settings
    set_cookie(request, response, SESSION_COOKIE, started.token, max_age=settings.web_session_hours * 3600)

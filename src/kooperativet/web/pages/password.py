"""A forgotten password and the one-time links: ask for a link by e-mail, then choose a password with it.

Both pages are for people who are not signed in, so their forms carry a token tied to the pre-session
cookie, as the sign-in form does. The answer to "send me a link" is the same page for every address
(docs/accounts.md); a link that no longer works gets a page that says why and how to get a new one. After
choosing her password the person is signed in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.auth import service as users
from kooperativet.auth.account_links import LinkGone, LinkUnknown, open_link
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH
from kooperativet.auth.reset_throttle import ResetThrottle
from kooperativet.auth.web_sessions import csrf_token, start_web_session
from kooperativet.config import Settings
from kooperativet.errors import DomainError, TooManyRequests
from kooperativet.web.dependencies import (
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    CheckedForm,
    form_token_key,
    presession,
    set_cookie,
)
from kooperativet.web.forms import FormRejected, PageRoute
from kooperativet.web.i18n import N_
from kooperativet.web.refusals import REFUSALS
from kooperativet.web.templating import gettext, render
from kooperativet.workflows.accounts import set_password_by_link
from kooperativet.workflows.password_reset import request_password_reset

router = APIRouter(include_in_schema=False, route_class=PageRoute)

TOO_MANY = N_("Too many requests for this address. Wait an hour and try again.")
FILL_IN_EMAIL = N_("Write the e-mail address you sign in with.")
TOO_SHORT = N_("At least %(count)s characters.")
DIFFERENT = N_("The two passwords differ. Write the same password twice.")


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return _page(request, "account/forgot.html", {"email": "", "errors": {}, "sent": False})


@router.post("/password/forgot", dependencies=[CheckedForm])
def ask_for_link(request: Request, session: DbSession, email: Annotated[str, Form()] = "") -> Response:
    email = email.strip()
    if not email:
        errors = {"email": gettext(request, FILL_IN_EMAIL)}
        raise FormRejected(
            _page(request, "account/forgot.html", {"email": email, "errors": errors, "sent": False}, 422)
        )
    throttle: ResetThrottle = request.app.state.reset_throttle
    address = request.client.host if request.client else "unknown"
    try:
        throttle.check_and_count(account=users.normalise_email(email), address=address)
    except TooManyRequests as exc:
        errors = {"form": gettext(request, TOO_MANY)}
        page = _page(request, "account/forgot.html", {"email": email, "errors": errors, "sent": False}, 429)
        raise FormRejected(page) from exc
    request_password_reset(session, email=email)
    return _page(request, "account/forgot.html", {"email": "", "errors": {}, "sent": True})


@router.get("/password/set")
def password_form(request: Request, session: DbSession, now: Now, token: str = "") -> Response:
    try:
        link = open_link(session, token=token, now=now)
    except (LinkUnknown, LinkGone) as exc:
        return _refused(request, exc)
    return _set_page(request, token=token, purpose=str(link.purpose), errors={})


@router.post("/password/set", dependencies=[CheckedForm])
def choose_password(
    request: Request,
    session: DbSession,
    now: Now,
    token: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "reset",
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if len(password) < MIN_PASSWORD_LENGTH:  # the API's own minimum (auth.passwords)
        errors["password"] = gettext(request, TOO_SHORT, count=MIN_PASSWORD_LENGTH)
    elif password != password_again:
        errors["password_again"] = gettext(request, DIFFERENT)
    if errors:
        raise FormRejected(_set_page(request, token=token, purpose=purpose, errors=errors, status=422))
    try:
        used = set_password_by_link(session, token=token, password=password, now=now)
    except (LinkUnknown, LinkGone) as exc:
        raise FormRejected(_refused(request, exc)) from exc
    except DomainError as exc:  # the password policy, should it say more than the length checked above
        errors = {"password": gettext(request, exc.detail)}
        raise FormRejected(
            _set_page(request, token=token, purpose=purpose, errors=errors, status=422)
        ) from exc
    return _signed_in(request, session=session, user_id=used.user.id, now=now)


def _signed_in(request: Request, *, session: DbSession, user_id: int, now: Now) -> Response:
    """Sign the person in on a new session: every session from before the new password has ended."""
    settings: Settings = request.app.state.settings
    user = users.get_user(session, user_id=user_id)
    started = start_web_session(
        session, user=user, now=now, lifetime=timedelta(hours=settings.web_session_hours)
    )
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, started.token, max_age=settings.web_session_hours * 3600)
    response.delete_cookie(PRESESSION_COOKIE, path="/")
    return response


def _set_page(
    request: Request, *, token: str, purpose: str, errors: dict[str, str], status: int = 200
) -> Response:
    context = {"token": token, "invite": purpose == "invite", "errors": errors}
    return _page(request, "account/set_password.html", context, status)


def _refused(request: Request, exc: DomainError) -> Response:
    # A link refused for any other reason reads as an expired one: it tells a stranger nothing more.
    reason = gettext(request, REFUSALS.get(exc.code, REFUSALS["link_expired"]))
    return _page(request, "account/link_refused.html", {"reason": reason}, exc.status)


def _page(request: Request, template: str, context: dict[str, object], status: int = 200) -> Response:
    """A page whose form works before sign-in: its token is tied to the session cookie when there is one
    (as the form-token check reads it), else to the pre-session cookie, set here when new."""
    seed = request.cookies.get(SESSION_COOKIE)
    is_new = False
    if not seed:
        seed, is_new = presession(request)
    request.state.csrf_token = csrf_token(key=form_token_key(request), session_token=seed)
    page = render(request, template, context, status=status)
    if is_new:
        set_cookie(request, page, PRESESSION_COOKIE, seed, max_age=3600)
    # The address of /password/set carries the token: never send it on to another site.
    page.headers["Referrer-Policy"] = "no-referrer"
    return page

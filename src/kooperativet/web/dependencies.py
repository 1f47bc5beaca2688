"""Who is signed in, and the form token every change must carry.

A browser is signed in by an HttpOnly, SameSite=Lax session cookie (Secure in production). Every POST must
also carry the session's form token (a hidden ``csrf_token`` field, or the ``X-CSRF-Token`` header that
``app.js`` adds to htmx requests), so that another site cannot submit a form in the person's name.
Before sign-in, a random pre-session cookie plays the session's part for the sign-in form itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from kooperativet.api.dependencies import DbSession, Now
from kooperativet.auth import policy
from kooperativet.auth.models import Role, User
from kooperativet.auth.web_sessions import csrf_token, csrf_token_matches, web_session_user
from kooperativet.config import Settings
from kooperativet.errors import NotAuthenticated, PermissionDenied

SESSION_COOKIE = "kooperativet_session"
PRESESSION_COOKIE = "kooperativet_presession"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(Exception):
    """Nobody (or nobody valid) is signed in: the page sends the browser to the sign-in form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("the form has expired; please try again", code="csrf_refused")


class SignedOut(PermissionDenied):
    """A form sent after its browser's session ended (its cookie expired, or she signed out in another tab):
    nothing is saved, and the page says so and offers to sign in again and come back to ``next_url``."""

    def __init__(self, next_url: str) -> None:
        super().__init__("you are no longer signed in, so nothing was saved", code="signed_out")
        self.next_url = next_url


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def form_token_key(request: Request) -> bytes:
    return _settings(request).signing_key.encode()


def web_user(request: Request, session: DbSession, now: Now) -> User:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired(_here(request))
    try:
        user = web_session_user(session, token=token, now=now)
    except NotAuthenticated as exc:
        raise SignInRequired(_here(request)) from exc
    request.state.web_user = user
    # The request's transaction, for ``once`` to store a form's key in it after the handler (forms.PageRoute).
    request.state.web_transaction = session
    request.state.csrf_token = csrf_token(key=form_token_key(request), session_token=token)
    return user


WebUser = Annotated[User, Depends(web_user)]


#: The auditor refused a page or form of the office's: she is told what she may do there (read), not only
#: that it is for another role, and offered the office's pages (``errors``). The API keeps its one
#: ``permission_denied`` for every role refusal, which its clients already read.
AUDITOR_READS_ONLY = "auditor_reads_only"


def require_web_roles(*roles: Role) -> Callable[[User], User]:
    office = bool(set(roles) & set(policy.OFFICE))

    def check(user: WebUser) -> User:
        if user.has_any_role(*roles):
            return user
        if office and user.has_any_role(Role.auditor):
            raise PermissionDenied(
                "the auditor reads the office's records and changes nothing", code=AUDITOR_READS_ONLY
            )
        raise PermissionDenied("this page is for another role", code="another_role")

    return check


#: The office's pages that only show: the treasurer, the admin and the auditor, who reads and changes nothing
#: (the templates show her no form or button that acts: ``can_act``). Every POST keeps the office's own roles.
OfficeReader = Annotated[User, Depends(require_web_roles(*policy.OFFICE_READERS))]


async def checked_form(request: Request) -> None:
    """Refuse a POST whose form token does not belong to this browser's session (or pre-session)."""
    seed = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if (
        not seed
        or not given
        or not csrf_token_matches(key=form_token_key(request), session_token=seed, given=given)
    ):
        if given and SESSION_COOKIE not in request.cookies:
            # A token but no session: the form was made for a session that has ended since. The sign-in
            # form's own token matches the pre-session and never gets here.
            raise SignedOut(_form_page(request))
        raise CsrfRefused()


CheckedForm = Depends(checked_form)


def presession(request: Request) -> tuple[str, bool]:
    """The browser's pre-session seed for the sign-in form, and whether it is new (then the page sets it)."""
    seed = request.cookies.get(PRESESSION_COOKIE)
    if seed:
        return seed, False
    return secrets.token_urlsafe(32), True


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_settings(request).cookies_are_secure,
        path="/",
    )


def safe_next(value: str | None) -> str:
    """Only a path on this site may follow sign-in (never ``//evil.example`` or an absolute URL)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _form_page(request: Request) -> str:
    """The page the form was sent from (the ``Referer`` on this site), else the address it was sent to."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path:
        return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))
    return safe_next(request.url.path)


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"

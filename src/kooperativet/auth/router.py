from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from kooperativet.api.dependencies import AppSettings, DbSession, Now, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import Page
from kooperativet.auth import service
from kooperativet.auth.dependencies import AdminUser, CurrentUser, token_config
from kooperativet.auth.models import Role
from kooperativet.auth.schemas import (
    PasswordChange,
    RefreshRequest,
    TokenPair,
    UserRead,
)
from kooperativet.auth.throttle import LoginThrottle

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", responses=problem_responses(401, 422, 429))
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: DbSession,
    settings: AppSettings,
    now: Now,
) -> TokenPair:
    """OAuth2 password flow: e-mail as ``username`` and the password give an access and a refresh token."""
    throttle: LoginThrottle = request.app.state.login_throttle
    # The address is the client's, not a proxy's, when the peer is a trusted proxy (see api.edge).
    account = service.normalise_email(form.username)
    address = request.client.host if request.client else "unknown"
    attempt = throttle.check_and_count(account=account, address=address)  # a failure leaves it counted
    user = service.authenticate(session, email=form.username, password=form.password)
    throttle.succeed(attempt)
    issued = service.issue_tokens(
        session,
        user=user,
        config=token_config(settings),
        refresh_lifetime=timedelta(days=settings.refresh_token_days),
        now=now,
    )
    return TokenPair.issued(issued, access_token_minutes=settings.access_token_minutes)


@router.post("/auth/refresh", responses=problem_responses(401, 422))
def refresh_token(body: RefreshRequest, session: DbSession, settings: AppSettings, now: Now) -> TokenPair:
    """Exchange a refresh token for a new pair; the old refresh token stops working."""
    issued = service.refresh_tokens(
        session,
        refresh_token=body.refresh_token,
        config=token_config(settings),
        refresh_lifetime=timedelta(days=settings.refresh_token_days),
        now=now,
    )
    return TokenPair.issued(issued, access_token_minutes=settings.access_token_minutes)


@router.post(
    "/auth/revoke", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404, 422)
)
def revoke_token(body: RefreshRequest, user: CurrentUser, session: DbSession, now: Now) -> Response:
    """Log out: revoke one of your refresh tokens."""
    service.revoke_refresh_token(session, refresh_token=body.refresh_token, user=user, now=now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", responses=problem_responses(401))
def read_me(user: CurrentUser) -> UserRead:
    """The logged-in user and their roles (the member record is at ``/api/v1/members/me``)."""
    return UserRead.from_model(user)


@router.post("/auth/password", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 422))
def change_password(body: PasswordChange, user: CurrentUser, session: DbSession, now: Now) -> Response:
    """Change your own password; every refresh token you hold is revoked."""
    service.change_password(
        session,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
        now=now,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users", responses=problem_responses(401, 403, 422))
def list_users(
    _admin: AdminUser,
    session: DbSession,
    window: Window,
    role: Role | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> Page[UserRead]:
    """Users, filtered by role, active flag or a text in name or e-mail (admin)."""
    rows, total = service.list_users(
        session, limit=window.limit, offset=window.offset, role=role, active=active, q=q
    )
    return window.page([UserRead.from_model(u) for u in rows], total)


@router.get("/users/{user_id}", responses=problem_responses(401, 403, 404))
def get_user(user_id: int, _admin: AdminUser, session: DbSession) -> UserRead:
    """One user (admin)."""
    return UserRead.from_model(service.get_user(session, user_id=user_id))

"""Who is asking: the bearer token → the active user, and role checks for collection writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Final

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from kooperativet.api.dependencies import AppSettings, DbSession
from kooperativet.auth import policy
from kooperativet.auth.models import Role, User
from kooperativet.auth.tokens import (
    InvalidToken,
    TokenConfig,
    decode_access_token,
    issued_before_tokens_ended,
)
from kooperativet.config import Settings
from kooperativet.db import read_first
from kooperativet.errors import NotAuthenticated, PermissionDenied

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

#: Who is asking, with the roles in the same statement: require_roles reads them on the event loop, and one
#: statement, not two, is what every authenticated request pays. Built once, so that its cache key is too
#: (``Session.get`` with an option builds and keys a new statement per call: half the lookup's time).
_USER_WITH_ROLES: Final = (
    select(User).options(joinedload(User.role_rows)).where(User.id == bindparam("user_id"))
)


def token_config(settings: Settings) -> TokenConfig:
    return TokenConfig(
        key=settings.signing_key,
        algorithm=settings.jwt_algorithm,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )


def current_user(
    session: DbSession, settings: AppSettings, token: Annotated[str | None, Depends(bearer)]
) -> User:
    if not token:
        raise NotAuthenticated("a bearer token is required")
    try:
        claims = decode_access_token(config=token_config(settings), token=token)
    except InvalidToken as exc:
        raise NotAuthenticated("the access token is not valid", code="invalid_token") from exc
    with read_first(session):
        user = session.execute(_USER_WITH_ROLES, {"user_id": claims.user_id}).unique().scalar_one_or_none()
    if user is None:
        raise NotAuthenticated("the access token is not valid", code="invalid_token")
    if not user.is_active:
        raise NotAuthenticated("this account is disabled", code="account_disabled")
    if issued_before_tokens_ended(issued_at=claims.issued_at, tokens_ended_at=user.access_tokens_ended_at):
        raise NotAuthenticated(
            "this token was ended by a password change or by ending every sign-in", code="invalid_token"
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    allowed = ", ".join(sorted(roles))

    # No I/O (the roles came with the user): async, so that FastAPI does not send it to a worker thread.
    async def check(user: CurrentUser) -> User:
        if not user.has_any_role(*roles):
            raise PermissionDenied(f"this needs one of the roles: {allowed}")
        return user

    return check


AdminUser = Annotated[User, Depends(require_roles(Role.admin))]
TreasurerOrAdmin = Annotated[User, Depends(require_roles(*policy.OFFICE))]
#: Reads of the office's records: the treasurer, the admin and the auditor (who changes nothing; every write
#: keeps ``TreasurerOrAdmin``).
OfficeReader = Annotated[User, Depends(require_roles(*policy.OFFICE_READERS))]

"""Users, logins and refresh tokens. Services flush; the caller's transaction commits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kooperativet.auth import policy
from kooperativet.auth.models import RefreshToken, Role, User, UserRole
from kooperativet.auth.passwords import (
    hash_password,
    unusable_password_hash,
    verify_against_dummy,
    verify_password,
)
from kooperativet.auth.tokens import TokenConfig, first_issue_time, issue_access_token
from kooperativet.db import contains_text, fetch_page, read_locked
from kooperativet.errors import Conflict, NotAuthenticated, NotFound, RuleViolation


class RefreshTokenReused(NotAuthenticated):
    """A rotated or revoked refresh token came back. The family's revocation must be kept."""

    keeps_changes = True


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str | None,
    roles: Iterable[Role],
    is_active: bool = True,
) -> User:
    """A new login; without a password it cannot sign in until its owner sets one by an invitation link."""
    roles = set(roles)
    refuse_auditor_in_office(roles)
    email = normalise_email(email)
    refuse_taken_email(session, email)
    password_hash = unusable_password_hash() if password is None else hash_password(password)
    user = User(email=email, full_name=full_name.strip(), password_hash=password_hash, is_active=is_active)
    user.role_rows = [UserRole(role=role) for role in sorted(roles)]
    session.add(user)
    session.flush()
    return user


def refuse_taken_email(session: Session, email: str) -> None:
    """A 409 on ``email`` when a login has this address already (a form checks it before it creates any)."""
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists", code="duplicate_email", field="email")


def refuse_auditor_in_office(roles: set[Role]) -> None:
    """The auditor's login holds no office role: she would review her own bookkeeping, and a revisor may not
    be part of the management she reviews (docs/separation-of-duties.md, "The auditor")."""
    if Role.auditor in roles and roles.intersection(policy.NOT_WITH_AUDITOR):
        raise RuleViolation(
            "the auditor's login cannot also be a treasurer, an admin or a board member: the auditor reviews "
            "their bookkeeping and administration, so the auditor needs a login of her own",
            code="auditor_in_office",
            field="roles",
        )


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def list_users(
    session: Session,
    *,
    limit: int,
    offset: int,
    role: Role | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> tuple[list[User], int]:
    query = select(User)
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if active is not None:
        query = query.where(User.is_active == active)
    if q:
        query = query.where(contains_text(User.email, q) | contains_text(User.full_name, q))
    return fetch_page(session, query, limit=limit, offset=offset, order=[], tiebreak=User.id)


def update_user(
    session: Session,
    *,
    user: User,
    version: int,
    now: datetime,
    full_name: str | None = None,
    roles: Iterable[Role] | None = None,
    is_active: bool | None = None,
    password: str | None = None,
) -> User:
    check_version(user, version, what=f"user {user.id}")
    new_roles = set(roles) if roles is not None else user.roles
    refuse_auditor_in_office(new_roles)
    new_active = user.is_active if is_active is None else is_active
    if Role.admin in user.roles and (Role.admin not in new_roles or not new_active):
        _refuse_losing_last_admin(session, user)
    if full_name is not None:
        user.full_name = full_name.strip()
    if roles is not None:
        _set_roles(user, new_roles)
    user.is_active = new_active
    if not new_active:
        end_all_sign_ins(session, user_id=user.id, now=now)
    if password is not None:
        user.password_hash = hash_password(password)
        user.password_changed_at = now
        revoke_all_refresh_tokens(session, user_id=user.id, now=now)
    user.version += 1
    session.flush()
    return user


def _set_roles(user: User, roles: set[Role]) -> None:
    kept = [row for row in user.role_rows if row.role in roles]
    existing = {row.role for row in kept}
    user.role_rows = kept + [UserRole(role=role) for role in sorted(roles - existing)]


def _refuse_losing_last_admin(session: Session, user: User) -> None:
    other_admins = session.scalar(
        select(func.count(User.id)).where(
            User.id != user.id, User.is_active.is_(True), User.role_rows.any(UserRole.role == Role.admin)
        )
    )
    if not other_admins:
        raise Conflict("the last active admin cannot lose the admin role or be disabled", code="last_admin")


def read_afresh(session: Session, user: User) -> None:
    """Read ``user`` again within the transaction that changes the account. Who is asking is read before a
    writer's transaction begins (``db.read_first``): a password checked, or a version compared, against that
    copy could miss a change committed in between, and overwrite it."""
    session.refresh(user)


def check_version(entity: Any, given: int, *, what: str) -> None:
    """Refuse (409 ``version_conflict``) a change made from a version of ``entity`` other than the stored
    one. The row is read afresh and locked first (``db.read_locked``): two changes made from the same version
    at once would otherwise both pass on PostgreSQL, and the second overwrite the first unseen."""
    read_locked(entity)
    current = entity.version
    if current != given:
        raise Conflict(
            f"{what} has changed since you read it (version {given}, now {current}); read it again",
            code="version_conflict",
            current_version=current,
        )


def authenticate(session: Session, *, email: str, password: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        verify_against_dummy(password)
        raise NotAuthenticated("wrong e-mail or password", code="invalid_credentials")
    # A disabled account answers exactly like a wrong password, after the same hashing work, so that
    # neither the answer nor its timing tells whether an address has an account or it was disabled.
    if not verify_password(password, user.password_hash) or not user.is_active:
        raise NotAuthenticated("wrong e-mail or password", code="invalid_credentials")
    return user


def change_password(
    session: Session, *, user: User, current_password: str, new_password: str, now: datetime
) -> None:
    read_afresh(session, user)
    if not verify_password(current_password, user.password_hash):
        raise RuleViolation("the current password is wrong", code="wrong_password", field="current_password")
    if current_password == new_password:
        raise RuleViolation(
            "the new password must differ from the current one", code="same_password", field="new_password"
        )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.version += 1
    revoke_all_refresh_tokens(session, user_id=user.id, now=now)
    session.flush()


def issue_tokens(
    session: Session, *, user: User, config: TokenConfig, refresh_lifetime: timedelta, now: datetime
) -> IssuedTokens:
    issued_at = first_issue_time(now=now, tokens_ended_at=user.access_tokens_ended_at)
    access, access_expires_at = issue_access_token(config=config, user_id=user.id, now=issued_at)
    refresh = secrets.token_urlsafe(32)
    row = RefreshToken(
        user_id=user.id, token_hash=_digest(refresh), issued_at=now, expires_at=now + refresh_lifetime
    )
    session.add(row)
    session.flush()
    return IssuedTokens(access_token=access, access_expires_at=access_expires_at, refresh_token=refresh)


def refresh_tokens(
    session: Session, *, refresh_token: str, config: TokenConfig, refresh_lifetime: timedelta, now: datetime
) -> IssuedTokens:
    """Rotate a refresh token. Presenting a revoked one revokes the whole family: it may have been stolen."""
    # The row lock makes a second, concurrent refresh of the same token wait for the first to commit and
    # then see it revoked (PostgreSQL; SQLite already has one writer at a time).
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(refresh_token)).with_for_update()
    )
    if row is None or row.expires_at <= now:
        raise NotAuthenticated("the refresh token is unknown or expired", code="invalid_refresh_token")
    if row.revoked_at is not None:
        revoke_all_refresh_tokens(session, user_id=row.user_id, now=now)
        raise RefreshTokenReused(
            "the refresh token was already used or revoked", code="invalid_refresh_token"
        )
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("this account is disabled", code="account_disabled")
    issued = issue_tokens(session, user=user, config=config, refresh_lifetime=refresh_lifetime, now=now)
    row.revoked_at = now
    row.replaced_by_id = session.scalar(
        select(RefreshToken.id).where(RefreshToken.token_hash == _digest(issued.refresh_token))
    )
    session.flush()
    return issued


def revoke_refresh_token(session: Session, *, refresh_token: str, user: User, now: datetime) -> None:
    row = session.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == _digest(refresh_token), RefreshToken.user_id == user.id
        )
    )
    if row is None:
        raise NotFound("no such refresh token for this user", code="unknown_refresh_token")
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()


def end_all_sign_ins(session: Session, *, user_id: int, now: datetime) -> None:
    """End every way the user is signed in, for good: access tokens, refresh tokens and browser sessions. A
    disabled account's sign-ins are only refused while it is disabled; ended, they stay dead when it is
    enabled again (after a stolen cookie or token, say). Access tokens cannot be revoked one by one, so the
    moment is kept on the user, and every access token issued in or before its second is refused."""
    from kooperativet.auth.account_links import end_all_web_sessions  # account_links imports this module

    session.get_one(User, user_id).sign_ins_ended_at = now
    revoke_all_refresh_tokens(session, user_id=user_id, now=now)
    end_all_web_sessions(session, user_id=user_id, now=now)


def revoke_all_refresh_tokens(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

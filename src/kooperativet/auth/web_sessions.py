"""Signed-in browsers: the web interface's counterpart of the API's tokens, for the same users and roles.

The cookie carries a random token that is stored only as its SHA-256. A session ends when the user signs out,
when it expires, when the account is disabled, or when the password changes after it began (as access
tokens do), so that a stolen cookie dies with a password change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kooperativet.auth.models import User, WebSession
from kooperativet.errors import NotAuthenticated


@dataclass(frozen=True, slots=True)
class StartedSession:
    token: str
    expires_at: datetime


def start_web_session(session: Session, *, user: User, now: datetime, lifetime: timedelta) -> StartedSession:
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(user_id=user.id, token_hash=_digest(token), started_at=now, expires_at=now + lifetime)
    )
    session.flush()
    return StartedSession(token=token, expires_at=now + lifetime)


def web_session_user(session: Session, *, token: str, now: datetime) -> User:
    """The active user behind a session cookie, or ``NotAuthenticated``."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        raise NotAuthenticated("please sign in", code="session_ended")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("this account is disabled", code="account_disabled")
    if user.password_changed_at is not None and row.started_at < user.password_changed_at:
        raise NotAuthenticated("the password has changed since you signed in", code="session_ended")
    return user


def end_web_session(session: Session, *, token: str, now: datetime) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == _digest(token), WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def csrf_token(*, key: bytes, session_token: str) -> str:
    """The form token of a session: an HMAC of the session token, so nothing more needs storing and a token
    taken from one session is worthless in another."""
    return hmac.new(key, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_token_matches(*, key: bytes, session_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(key=key, session_token=session_token), given)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

"""One-time links to set a password: an invitation for a new login, a reset for a forgotten password.

The link carries a random token (``secrets.token_urlsafe(32)``); only its SHA-256 is stored, so a copy of the
database cannot be turned into working links. A user has at most one open link: making a new one supersedes
the others, and using one ends them all. Using a link sets the password the way a password change does, so
every browser session, refresh token and access token from before it stops working.

Services flush; the caller's transaction commits (and records the audit event, which lives above auth).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kooperativet.auth.models import AccountLink, LinkPurpose, User, WebSession
from kooperativet.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from kooperativet.auth.service import revoke_all_refresh_tokens
from kooperativet.errors import DomainError, RuleViolation

MAX_PASSWORD_LENGTH = 256


class LinkUnknown(DomainError):
    """No link has this token (mistyped, cut off, or never made)."""

    status = 400
    title = "Unknown link"
    default_code = "link_unknown"


class LinkGone(DomainError):
    """The link existed but no longer works: ``link_expired``, ``link_used``, ``link_superseded`` or
    ``account_disabled``. The person asks for a new one."""

    status = 410
    title = "Link no longer valid"
    default_code = "link_expired"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """The token goes into the e-mail and nowhere else; the row keeps its hash."""

    token: str
    link: AccountLink


@dataclass(frozen=True, slots=True)
class UsedLink:
    user: User
    purpose: LinkPurpose
    link_id: int


def issue_link(
    session: Session, *, user: User, purpose: LinkPurpose, now: datetime, lifetime: timedelta
) -> IssuedLink:
    """A new link for ``user``; her earlier open links stop working."""
    _supersede_open_links(session, user_id=user.id, now=now)
    token = secrets.token_urlsafe(32)
    link = AccountLink(
        user_id=user.id, purpose=purpose, token_hash=_digest(token), created_at=now, expires_at=now + lifetime
    )
    session.add(link)
    session.flush()
    return IssuedLink(token=token, link=link)


def open_link(session: Session, *, token: str, now: datetime, lock: bool = False) -> AccountLink:
    """The link behind ``token`` if it still works, else ``LinkUnknown`` or ``LinkGone`` saying why."""
    query = select(AccountLink).where(AccountLink.token_hash == _digest(token))
    # The row lock makes a second, concurrent use of the same link wait and then find it used.
    link = session.scalar(query.with_for_update() if lock else query)
    if link is None:
        raise LinkUnknown("this link is not known; check that the whole link was copied", field="token")
    if link.used_at is not None:
        raise LinkGone("this link has been used already; ask for a new one", code="link_used", field="token")
    if link.superseded_at is not None:
        raise LinkGone(
            "a newer link has been sent; use the latest one", code="link_superseded", field="token"
        )
    if link.expires_at <= now:
        raise LinkGone("this link has expired; ask for a new one", code="link_expired", field="token")
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise LinkGone("this account is disabled", code="account_disabled", field="token")
    return link


def use_link(session: Session, *, token: str, password: str, now: datetime) -> UsedLink:
    """Set the password through a link: the link is used, the user's other links, sessions and tokens end."""
    check_new_password(password)
    link = open_link(session, token=token, now=now, lock=True)
    user = session.get_one(User, link.user_id)
    user.password_hash = hash_password(password)
    user.password_changed_at = now  # ends access tokens issued before it (auth.tokens)
    user.version += 1
    link.used_at = now
    session.flush()  # written before the others are superseded, so that this one reads "used"
    _supersede_open_links(session, user_id=user.id, now=now)
    revoke_all_refresh_tokens(session, user_id=user.id, now=now)
    end_all_web_sessions(session, user_id=user.id, now=now)
    session.flush()
    return UsedLink(user=user, purpose=link.purpose, link_id=link.id)


def check_new_password(password: str) -> None:
    """The same policy as everywhere else a password is chosen (``auth.schemas``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
            code="password_too_short",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RuleViolation(
            f"the password may have at most {MAX_PASSWORD_LENGTH} characters",
            code="password_too_long",
            field="password",
        )


def end_all_web_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    """Sign every browser out. The password change alone would refuse them; this also says when they ended."""
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def _supersede_open_links(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user_id,
            AccountLink.used_at.is_(None),
            AccountLink.superseded_at.is_(None),
        )
        .values(superseded_at=now)
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

"""What the account links need from beyond auth: the member whose login it is and her language, the
cooperative's name for the e-mail, the link's address, and the audit event when a link is used
(docs/accounts.md).

Auth knows users and their links (``auth.account_links``) but no members and no audit log, which sit above
it; this module joins them, as the rest of ``workflows`` does for other domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.account_links import UsedLink, use_link
from kooperativet.auth.models import User
from kooperativet.config import Settings
from kooperativet.mail import greeting_name
from kooperativet.mail.formatting import moment as mail_moment
from kooperativet.parties.models import Cooperative, Language, Member

SET_PASSWORD_PATH = "/password/set"  # noqa: S105 - a page's path, not a password


@dataclass(frozen=True, slots=True)
class LoginOwner:
    """The member record linked to a login, as its e-mail needs her: whom the message is recorded as
    addressed to (``None`` for a login of nobody's), and her language (Swedish without a record)."""

    member_id: int | None
    language: str
    #: What the e-mail greets her by (``mail.greeting_name``): her record's first name, else the login's.
    greeting: str


def login_owner(session: Session, *, user: User) -> LoginOwner:
    """The member record linked to the login, in one query."""
    row = session.execute(
        select(Member.id, Member.language, Member.first_name).where(Member.user_id == user.id)
    ).first()
    greeting = greeting_name(first_name=row.first_name if row else None, full_name=user.full_name)
    if row is None:
        return LoginOwner(member_id=None, language=str(Language.sv), greeting=greeting)
    return LoginOwner(member_id=row.id, language=str(row.language or Language.sv), greeting=greeting)


def cooperative_name(session: Session, settings: Settings) -> str:
    name = session.scalar(select(Cooperative.name).order_by(Cooperative.id).limit(1))
    return name or settings.cooperative_name


def link_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}{SET_PASSWORD_PATH}?{urlencode({'token': token})}"


def valid_until(moment: datetime, language: str) -> str:
    """When a link stops working, in Swedish time, as every e-mail writes a moment (``mail.formatting``):
    ``23 november 2026 kl. 13.00``, ``23 November 2026, 13:00``. A pattern of its own wrote the English
    "at 13:00", which no other e-mail does."""
    return mail_moment(moment, language)


def set_password_by_link(session: Session, *, token: str, password: str, now: datetime) -> UsedLink:
    """Use a link (``auth.account_links.use_link``) and record it in the audit log, in one transaction."""
    used = use_link(session, token=token, password=password, now=now)
    append_event(
        session,
        kind="password_set_by_link",
        payload={"user_id": used.user.id, "purpose": str(used.purpose), "link_id": used.link_id},
        now=now,
    )
    return used

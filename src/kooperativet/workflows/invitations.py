"""Inviting a member: her record, her login and the one-time link to choose a password, made in one
transaction, with the invitation e-mail queued in it too (docs/accounts.md).

Either all of it is saved or none of it: a refused record, an address that already has a login or an
e-mail that cannot be composed leaves no login behind without a member, and no member without a login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import service as users
from kooperativet.auth.account_links import issue_link
from kooperativet.auth.models import AccountLink, LinkPurpose, Role, User
from kooperativet.config import Settings
from kooperativet.errors import Conflict
from kooperativet.mail import queue_mail
from kooperativet.parties import service as parties
from kooperativet.parties.models import Member
from kooperativet.parties.schemas import MemberCreate
from kooperativet.workflows.accounts import (
    cooperative_name,
    link_url,
    login_owner,
    valid_until,
)

INVITATION_TEMPLATE = "invitation"


@dataclass(frozen=True, slots=True)
class Invited:
    member: Member
    user: User
    invitation: AccountLink


def invite_member(
    session: Session, *, data: MemberCreate, email: str, actor: User, now: datetime, settings: Settings
) -> Invited:
    """Register a member with a login (role member) that has no password yet, and e-mail her the link."""
    user = create_invited_login(session, email=email, first_name=data.first_name, last_name=data.last_name)
    member = parties.create_member(session, data=data.model_copy(update={"user_id": user.id, "email": email}))
    invitation = send_invitation(session, user=user, actor=actor, now=now, settings=settings)
    return Invited(member=member, user=user, invitation=invitation)


def create_invited_login(session: Session, *, email: str, first_name: str, last_name: str) -> User:
    """A member's login without a password: nobody can sign in with it until the invitation is used."""
    full_name = f"{first_name.strip()} {last_name.strip()}".strip() or email
    return users.create_user(session, email=email, full_name=full_name, password=None, roles=[Role.member])


def send_invitation(
    session: Session, *, user: User, actor: User, now: datetime, settings: Settings
) -> AccountLink:
    """A new invitation link for ``user`` (her earlier links stop working), e-mailed in her language."""
    if not user.is_active:
        raise Conflict("this login is disabled; enable it before inviting", code="account_disabled")
    lifetime = timedelta(hours=settings.invitation_valid_hours)
    issued = issue_link(session, user=user, purpose=LinkPurpose.invite, now=now, lifetime=lifetime)
    owner = login_owner(session, user=user)
    language = owner.language
    queue_mail(
        session,
        to=user.email,
        template=INVITATION_TEMPLATE,
        language=language,
        context={
            "name": owner.greeting,
            "email": user.email,
            "cooperative": cooperative_name(session, settings),
            "link": link_url(settings, issued.token),
            "valid_until": valid_until(issued.link.expires_at, language),
            "hours": settings.invitation_valid_hours,
        },
        secrets=[issued.token],
        member_id=owner.member_id,
    )
    append_event(
        session,
        kind="account_invited",
        payload={"user_id": user.id, "link_id": issued.link.id, "by_user_id": actor.id},
        now=now,
    )
    return issued.link

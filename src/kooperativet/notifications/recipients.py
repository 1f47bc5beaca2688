"""Who a message goes to: a member (her record's e-mail and language) or the treasurers (their login's
e-mail; the language of their member record if they have one, else Swedish). Many at once in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from kooperativet.auth.models import Role, User, UserRole
from kooperativet.mail import greeting_name
from kooperativet.parties.models import Member

DEFAULT_LANGUAGE = "sv"


@dataclass(frozen=True)
class Recipient:
    #: Whose preferences apply; ``None`` for a member without a login (she gets what is on by default).
    user_id: int | None
    email: str
    language: str
    #: The name the message greets her by (``mail.greeting_name``): her first name.
    name: str
    #: Her member record, when she has one: the message records it, so the purge finds it (``mail.Message``).
    member_id: int | None = None


def _member_recipient(member: Member, login_email: str | None) -> Recipient | None:
    email = member.email or login_email
    if not email:
        return None
    return Recipient(
        user_id=member.user_id,
        email=email,
        language=str(member.language or DEFAULT_LANGUAGE),
        name=greeting_name(first_name=member.first_name, full_name=member.full_name),
        member_id=member.id,
    )


def member_recipient(session: Session, member: Member) -> Recipient | None:
    """``member`` as a recipient; ``None`` when neither her record nor her login has an e-mail address."""
    login_email = None
    if not member.email and member.user_id is not None:
        login_email = session.scalar(select(User.email).where(User.id == member.user_id))
    return _member_recipient(member, login_email)


def member_recipients(session: Session, member_ids: Iterable[int]) -> dict[int, Recipient]:
    """Members by id, in one query; those without any e-mail address are left out."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Member, User.email)
        .outerjoin(User, User.id == Member.user_id)
        .where(Member.id.in_(ids))
        .options(lazyload(Member.tax_settings))  # not needed here: no second query
    ).all()
    found = (_member_recipient(member, login_email) for member, login_email in rows)
    return {r.member_id: r for r in found if r is not None and r.member_id is not None}


def treasurer_recipients(session: Session) -> list[Recipient]:
    """Every active treasurer, in one query; one who is a member too with her member record."""
    rows = session.execute(
        select(User.id, User.email, User.full_name, Member.language, Member.first_name, Member.id)
        .join(UserRole, UserRole.user_id == User.id)
        .outerjoin(Member, Member.user_id == User.id)
        .where(UserRole.role == Role.treasurer, User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    return [
        Recipient(
            user_id=user_id,
            email=email,
            language=str(language or DEFAULT_LANGUAGE),
            name=greeting_name(first_name=first_name, full_name=full_name),
            member_id=member_id,
        )
        for user_id, email, full_name, language, first_name, member_id in rows
    ]


def language_of_user(session: Session, user_id: int) -> str:
    """The language of ``user_id``'s member record, else Swedish."""
    language = session.scalar(select(Member.language).where(Member.user_id == user_id))
    return str(language or DEFAULT_LANGUAGE)

"""Reads for the member register: bank accounts waiting for confirmation, logins without a member record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import User
from kooperativet.parties.models import Member


@dataclass(frozen=True, slots=True)
class PendingAccount:
    member: Member
    entered_by_id: int | None
    entered_by: str | None
    entered_at: datetime | None


def pending_accounts(session: Session) -> list[PendingAccount]:
    rows = session.execute(
        select(Member, User.full_name)
        .outerjoin(User, User.id == Member.bank_account_changed_by_id)
        .where(
            or_(
                Member.pending_account_number.is_not(None),
                Member.pending_iban.is_not(None),
                Member.bank_account_removal_pending.is_(True),
            )
        )
        .order_by(Member.bank_account_changed_at, Member.id)
    )
    return [
        PendingAccount(
            member=member,
            entered_by_id=member.bank_account_changed_by_id,
            entered_by=name,
            entered_at=member.bank_account_changed_at,
        )
        for member, name in rows
    ]


#: Enough for any cooperative's logins waiting for a record; the office searches the register beyond that.
LOGINS_SHOWN = 500


def logins_without_member(session: Session) -> list[User]:
    """Active logins that no member record is linked to, to link a new member to (one statement)."""
    return list(
        session.scalars(
            select(User)
            .where(User.is_active.is_(True), ~select(Member.id).where(Member.user_id == User.id).exists())
            .order_by(User.full_name, User.id)
            .limit(LOGINS_SHOWN)
        )
    )

"""Bank accounts waiting for a second person's confirmation, with who entered each (one statement)."""

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
        .where(or_(Member.pending_account_number.is_not(None), Member.pending_iban.is_not(None)))
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

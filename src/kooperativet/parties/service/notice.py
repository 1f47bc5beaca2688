"""What a member is told when the office changed their identity or bank account."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import User
from kooperativet.mail import greeting_name, queue_mail
from kooperativet.parties.models import Cooperative, Member


@dataclass(frozen=True)
class MemberChange:
    """What an update changed that the member must be told about (identity fields, a new bank account)."""

    member: Member
    identity_fields: tuple[str, ...]
    bank_account_changed: bool

    @property
    def tells_the_member(self) -> bool:
        return bool(self.identity_fields) or self.bank_account_changed


MEMBER_DETAILS_CHANGED = "member_details_changed"  # notifications.topics: required, a security notice


def queue_change_notice(session: Session, change: MemberChange) -> None:
    """Queue, in the change's own transaction, the e-mail telling the member what was changed.

    It is always sent (nobody can turn it off): a changed bank account she does not know of may be
    someone trying to divert her salary. Parties sit under ``notifications``, so the message is queued
    here directly; the topic is listed with the others in ``notifications.topics``."""
    member = change.member
    if not change.tells_the_member:
        return
    # Her record's address, else her login's, as every other notice to a member (notifications.recipients):
    # the security notice must not be the one message dropped because her address is on her login only.
    address = member.email
    if not address and member.user_id is not None:
        address = session.scalar(select(User.email).where(User.id == member.user_id))
    if not address:
        return
    queue_mail(
        session,
        to=address,
        template=MEMBER_DETAILS_CHANGED,
        language=str(member.language),
        context={
            "name": greeting_name(first_name=member.first_name, full_name=member.full_name),
            # Signed with the cooperative's name, as every other notice is (empty before it is registered).
            "cooperative": session.scalar(select(Cooperative.name).order_by(Cooperative.id).limit(1)) or "",
            "fields": list(change.identity_fields),
            "bank_account": change.bank_account_changed,
            "pending": member.has_pending_bank_account,
            # A removal waits as a new account does; the message says salary stops only once it is confirmed.
            "removal": member.bank_account_removal_pending,
        },
        member_id=member.id,
    )

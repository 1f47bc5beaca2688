"""What a member is told when the office changed their identity or bank account."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kooperativet.mail import queue_mail
from kooperativet.parties.models import Member


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
    if not change.tells_the_member or not member.email:
        return
    queue_mail(
        session,
        to=member.email,
        template=MEMBER_DETAILS_CHANGED,
        language=str(member.language),
        context={
            "name": member.first_name,
            "fields": list(change.identity_fields),
            "bank_account": change.bank_account_changed,
            "pending": member.has_pending_bank_account,
            # A removal waits as a new account does; the message says salary stops only once it is confirmed.
            "removal": member.bank_account_removal_pending,
        },
        member_id=member.id,
    )

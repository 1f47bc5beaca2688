"""Members as the meeting's e-mails are addressed to them, for the tests that build their members rather than
find them with ``governance.meetings.notice_recipients``."""

from __future__ import annotations

from kooperativet.governance.meetings import NoticeRecipient
from kooperativet.mail import greeting_name
from kooperativet.notifications import Recipient
from kooperativet.parties.models import Member


def addressed(*members: Member) -> list[NoticeRecipient]:
    """Each of ``members`` at the address on her record, in her language, greeted by her first name."""
    return [
        NoticeRecipient(
            full_name=member.full_name,
            to=Recipient(
                user_id=member.user_id,
                email=member.email or "",
                language=str(member.language or "sv"),
                name=greeting_name(first_name=member.first_name, full_name=member.full_name),
                member_id=member.id,
            ),
        )
        for member in members
    ]

"""The meeting notice (kallelse) by e-mail: queued in the meeting's transaction, sent by the mail worker.

One message per member rather than one with every member in Bcc: each is in the member's own language,
addressed to her by name, and recorded on its own, so the office sees who has not got it; and a server that
refuses one address does not hold back, or on retry repeat, the notice to everyone else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.config import Settings
from kooperativet.governance import meetings, statute_readings
from kooperativet.governance.meetings import NoticeReach, NoticeRecipient
from kooperativet.governance.models import Meeting
from kooperativet.governance.rules.procedure import NoticeCheck
from kooperativet.mail import Message, queue_many, recipient
from kooperativet.mail.addresses import domain_of
from kooperativet.parties.models import Cooperative

NOTICE_TEMPLATE = "meeting_notice"
TIME_CHANGED_TEMPLATE = "meeting_time_changed"
QUEUED = "queued"
NO_RECIPIENTS = "no_recipients"
#: No SMTP server is set (``KOOPERATIVET_SMTP_HOST``): nothing is queued, and the board is told to call the
#: members another way. A notice queued then would wait in the outbox and go out whenever a server is set,
#: weeks later or after the meeting, to members the board has called another way meanwhile.
NOT_CONFIGURED = "not_configured"
NOT_CONFIGURED_DETAIL = "no SMTP server is configured; nothing was queued: {}"


def notice_agenda(session: Session, meeting: Meeting) -> list[dict[str, object]]:
    """The agenda the notice lists, numbered in its order; a statute change is marked and carries its
    proposal, since the notice must give the change's essential content (SFS 2018:672 6 kap. 22 §). A
    second reading also says when its first adoption was (``first_adopted_on``)."""
    return [
        {
            "number": number,
            "title": item.title,
            "statute_change": item.statute_change,
            "text": item.text if item.statute_change else None,
            "first_adopted_on": statute_readings.first_adoption_day(session, item),
        }
        for number, item in enumerate(meeting.items, start=1)
    ]


def queue_notice(
    session: Session,
    *,
    meeting: Meeting,
    members: list[NoticeRecipient],
    text: str,
    settings: Settings,
    without_address: int = 0,
) -> tuple[str, str]:
    """Queue the notice for each of ``members``; the status and detail to record on the meeting. The detail
    also says how many entitled members were left out for having no e-mail address anywhere
    (``without_address``), since the board must call them another way. With no mail server set, nothing is
    queued (``not_configured``)."""
    if settings.smtp_host is None:
        return NOT_CONFIGURED, NOT_CONFIGURED_DETAIL.format("send the notice another way")
    if not members:
        if without_address:
            return NO_RECIPIENTS, (
                f"nobody entitled has an e-mail address ({without_address} without an e-mail address); "
                "send the notice another way"
            )
        return NO_RECIPIENTS, "nobody entitled has an e-mail address; send the notice another way"
    extra = {"text": text, "agenda": notice_agenda(session, meeting)}
    status, detail = _queue(
        session, NOTICE_TEMPLATE, meeting=meeting, members=members, extra=extra, settings=settings
    )
    if without_address:
        detail += f"; {without_address} without an e-mail address, to be called another way"
    return status, detail


def queue_time_change(
    session: Session,
    *,
    meeting: Meeting,
    members: list[NoticeRecipient],
    before: time | None,
    settings: Settings,
) -> tuple[str, str]:
    """Queue, for each of ``members``, the e-mail saying the meeting's new start time (``meeting.starts_at``,
    None: no time for now) and the one it replaces (``before``); the status and detail to record. With no
    mail server set, nothing is queued (``not_configured``)."""
    if settings.smtp_host is None:
        return NOT_CONFIGURED, NOT_CONFIGURED_DETAIL.format("tell them the new time another way")
    if not members:
        return NO_RECIPIENTS, "nobody the notice goes to has an e-mail address; tell them another way"
    extra = {"before": before}
    return _queue(
        session, TIME_CHANGED_TEMPLATE, meeting=meeting, members=members, extra=extra, settings=settings
    )


def send_notice(
    session: Session, *, meeting: Meeting, text: str, settings: Settings, today: date
) -> tuple[NoticeCheck, str, str, NoticeReach]:
    """Give the notice today and queue its e-mail, as the API and the web both do: the check of its day,
    the e-mail's status and detail as recorded on the meeting, and whom it reaches. A notice too early is
    refused by ``meetings.give_notice`` before anything is recorded or queued."""
    check = meetings.give_notice(session, meeting=meeting, text=text, today=today)
    reach = meetings.notice_reach(session, meeting=meeting, today=today)
    status, detail = queue_notice(
        session,
        meeting=meeting,
        members=reach.recipients,
        text=text,
        settings=settings,
        without_address=len(reach.unreached),
    )
    # Nobody is counted when no e-mail was made: the board calls every member another way.
    counted = None if status == NOT_CONFIGURED else reach
    meetings.record_notice_mail(session, meeting=meeting, status=status, detail=detail, reach=counted)
    return check, status, detail, reach


def _queue(
    session: Session,
    template: str,
    *,
    meeting: Meeting,
    members: list[NoticeRecipient],
    extra: Mapping[str, object],
    settings: Settings,
) -> tuple[str, str]:
    """One message of ``template`` per member, about ``meeting``, with ``extra`` in its context."""
    cooperative = session.scalar(select(Cooperative.name).order_by(Cooperative.id).limit(1))
    messages = []
    for member in members:
        messages.append(
            Message(
                to=recipient(member.full_name, member.to.email),
                language=member.to.language,
                context={
                    "cooperative": cooperative or "",
                    "name": member.to.name,
                    "title": meeting.title,
                    # The meeting's page, linked as every other notice links the page it is about.
                    "meeting_id": meeting.id,
                    "held_on": meeting.held_on,
                    "starts_at": meeting.starts_at,
                    "location": meeting.location,
                    **extra,
                },
                member_id=member.to.member_id,
            )
        )
    # All of them in a constant number of statements, however many members the cooperative has.
    queue_many(session, template=template, messages=messages, domain=domain_of(settings.smtp_from))
    return QUEUED, f"queued for {len(members)} member(s)"

"""The meeting notice by e-mail to every member entitled to it, in a constant number of SQL statements: a
cooperative of ten thousand members calls its annual meeting in one request."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kooperativet.config import Settings
from kooperativet.governance.mail import queue_notice
from kooperativet.governance.models import Meeting, MeetingKind
from kooperativet.jobs.models import Job
from kooperativet.mail import recipient
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Language, Member
from tests.governance.addressed import addressed
from tests.statement_count import counted

MEETING = Meeting(
    kind=MeetingKind.ANNUAL, title="Årsmöte 2027", held_on=date(2027, 3, 20), location="Kulturhuset"
)


def _members(count: int) -> list[Member]:
    """Members as the notice reads them (name, address, language); every third writes in English."""
    return [
        Member(
            first_name="Mia",
            last_name=f"Medlem {count}-{index}",
            email=f"mia.{count}.{index}@example.se",
            language=Language.en if index % 3 == 0 else Language.sv,
        )
        for index in range(count)
    ]


def test_the_notice_to_thirty_members_takes_the_statements_of_the_notice_to_three(
    session: Session, connection: Connection, settings: Settings
) -> None:
    session.scalar(select(Member.id).limit(1))  # the session's own first statements are not the notice's
    counts = []
    for count in (3, 30):
        with counted(connection) as statements:
            status = queue_notice(
                session,
                meeting=MEETING,
                members=addressed(*_members(count)),
                text="Välkomna!",
                settings=settings,
            )
        assert status == ("queued", f"queued for {count} member(s)")
        counts.append(statements.count)

    assert counts[0] == counts[1]
    thirty = _members(30)
    mails = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()[-30:]
    assert [mail.to_addresses for mail in mails] == [[recipient(m.full_name, m.email or "")] for m in thirty]
    assert [mail.language for mail in mails] == [m.language for m in thirty]
    assert all("Årsmöte 2027" in mail.subject and "Välkomna!" in mail.text_body for mail in mails)
    assert len({mail.message_id for mail in mails}) == 30
    jobs = session.scalars(select(Job.key).where(Job.key.in_([f"mail:{mail.id}" for mail in mails]))).all()
    assert sorted(jobs) == sorted(f"mail:{mail.id}" for mail in mails)


def test_no_member_with_an_address_queues_nothing_and_says_so(
    session: Session, connection: Connection, settings: Settings
) -> None:
    with counted(connection) as statements:
        status, detail = queue_notice(
            session, meeting=MEETING, members=[], text="Välkomna!", settings=settings
        )
    assert (status, statements.sql) == ("no_recipients", [])
    assert "send the notice another way" in detail

"""The meeting notice greets each member by her first name, as every message to a person does (docs/mail.md,
"Greeting"), before the board's own text: in her language, in the plain text and in the HTML."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.config import Settings
from kooperativet.governance.mail import queue_notice
from kooperativet.governance.models import Meeting, MeetingKind
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Language, Member
from tests.governance.addressed import addressed
from tests.governance.mail_server import set_a_mail_server

MEETING = Meeting(
    kind=MeetingKind.ANNUAL, title="Årsmöte 2027", held_on=date(2027, 3, 20), location="Kulturhuset"
)


def test_the_notice_greets_each_member_by_her_first_name_in_her_language(
    session: Session, settings: Settings
) -> None:
    members = [
        Member(first_name="Alva", last_name="Lindqvist", email="alva@example.se", language=Language.sv),
        Member(first_name="Cleo", last_name="Nilsson", email="cleo@example.se", language=Language.en),
    ]

    set_a_mail_server(settings)  # with none, the notice queues nothing (governance.mail.NOT_CONFIGURED)
    queue_notice(session, meeting=MEETING, members=addressed(*members), text="Välkomna!", settings=settings)

    alva, cleo = session.scalars(
        select(OutgoingMail).where(OutgoingMail.template == "meeting_notice").order_by(OutgoingMail.id)
    ).all()[-2:]
    assert alva.text_body.startswith("Hej Alva!\n\nKallelse till Årsmöte 2027 den 20 mars 2027")
    assert cleo.text_body.startswith("Hello Cleo,\n\nNotice of Årsmöte 2027 on 20 March 2027")
    assert alva.html_body is not None
    assert cleo.html_body is not None
    # The greeting opens the message itself, after the heading and before the board's text.
    assert alva.html_body.index("Kallelse: Årsmöte 2027") < alva.html_body.index("Hej Alva!")
    assert alva.html_body.index("Hej Alva!") < alva.html_body.index("Välkomna!")
    assert cleo.html_body.index("Hello Cleo,") < cleo.html_body.index("as the board wrote it")
    assert cleo.html_body.index("as the board wrote it") < cleo.html_body.index("Välkomna!")
    # The full name stays in the To header.
    assert alva.to_addresses == ["Alva Lindqvist <alva@example.se>"]

"""What arrives: headers with Swedish names encoded and decoding back (also in an address's local part, and
names with quotes, commas or angle brackets), no header injected by a line break, text and HTML as
alternatives, attachments byte for byte, and amounts and dates written the Swedish way."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

import pytest
from pydantic import EmailStr, TypeAdapter
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings
from kooperativet.db import transaction
from kooperativet.governance.mail import queue_notice
from kooperativet.governance.models import Meeting, MeetingKind
from kooperativet.jobs.runner import run_due
from kooperativet.mail import AttachmentFile, attachment, attachment_source, queue_mail, recipient
from kooperativet.mail.formatting import kronor, long_day, moment
from kooperativet.mail.models import OutgoingMail
from kooperativet.mail.outbox import compose
from kooperativet.parties.models import Language, Member
from tests.governance.addressed import addressed
from tests.mailbox import Mailbox

NBSP = "\N{NO-BREAK SPACE}"
#: Bytes that would not survive a careless encoding: every byte value, a PDF header and a CRLF.
BLOB = b"%PDF-1.7\r\n" + bytes(range(256)) * 40


@attachment_source("test_blob")
def _blob(session: Session, row_id: int) -> AttachmentFile:
    return AttachmentFile(f"faktura-{row_id}-översikt.pdf", "application/pdf", BLOB)


def _queue_and_send(factory: sessionmaker[Session], settings: Settings, **kwargs: object) -> int:
    with transaction(factory) as session:
        mail_id = queue_mail(session, **kwargs).id  # type: ignore[arg-type]
    with factory() as session:
        assert run_due(session, settings, "test") == 1
    return mail_id


def test_headers_with_swedish_names_arrive_and_decode_back(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    settings.smtp_from = '"Interim kultur, Malmö" <kansliet@example.org>'
    settings.smtp_reply_to = "Kassören Åke <kassa@example.org>"
    mail_id = _queue_and_send(
        session_factory,
        settings,
        to=recipient("Åsa Öberg", "asa@example.org"),
        template="test_message",
        language="sv",
        context={"name": "Åsa Öberg", "cooperative": "Interim kultur, Malmö"},
    )
    [arrived] = mailbox.messages
    assert mailbox.recipients == [["asa@example.org"]]
    [sender] = arrived["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Interim kultur, Malmö", "kansliet@example.org")
    [to] = arrived["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Åsa Öberg", "asa@example.org")
    assert arrived["Reply-To"].addresses[0].display_name == "Kassören Åke"
    assert arrived["Subject"] == "Provmeddelande från Interim kultur, Malmö"
    raw = arrived.as_string()
    assert "=?utf-8?" in raw
    assert "Malmö" not in raw.split("\n\n", 1)[0]
    with session_factory() as session:
        stored = session.get(OutgoingMail, mail_id)
        assert stored is not None
        assert arrived["Message-ID"] == stored.message_id
        assert stored.message_id.endswith("@example.org>")
        sent_date = parsedate_to_datetime(arrived["Date"])
        queued = stored.queued_at if stored.queued_at.tzinfo else stored.queued_at.replace(tzinfo=UTC)
        assert abs((sent_date - queued).total_seconds()) < 1


def test_text_and_html_arrive_as_alternatives_with_the_attachment_byte_for_byte(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    _queue_and_send(
        session_factory,
        settings,
        to="asa@example.org",
        template="test_message",
        language="sv",
        context={
            "name": "Åsa",
            "cooperative": "Interim kultur",
            "amount": Decimal("1234.50"),
            "due": date(2026, 12, 1),
        },
        attachments=[attachment("test_blob", 42)],
    )
    [arrived] = mailbox.messages
    assert arrived.get_content_type() == "multipart/mixed"
    [alternative, attached] = arrived.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert f"Belopp: 1{NBSP}234,50{NBSP}kr, förfaller 1 december 2026." in plain.get_content()
    assert "Interim kultur" in html.get_content()
    assert "max-width:600px" in html.get_content()
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "faktura-42-översikt.pdf"
    content = attached.get_content()
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(BLOB).hexdigest()


def test_a_member_whose_address_has_a_swedish_local_part_gets_her_notice(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    """The API accepts åsa@exempel.se; one such address must not stop the meeting notice to everyone."""
    assert TypeAdapter(EmailStr).validate_python("åsa@exempel.se") == "åsa@exempel.se"
    meeting = Meeting(kind=MeetingKind.ANNUAL, title="Årsmöte", held_on=date(2027, 3, 20), location="Hus")
    members = [
        Member(first_name="Åsa", last_name="Öberg", email="åsa@exempel.se", language=Language.sv),
        Member(first_name="Mia", last_name="Medlem", email="mia@example.se", language=Language.sv),
    ]
    with transaction(session_factory) as session:
        status, _detail = queue_notice(
            session, meeting=meeting, members=addressed(*members), text="Välkomna!", settings=settings
        )
    assert status == "queued"
    assert recipient("Åsa Öberg", "åsa@exempel.se") == "Åsa Öberg <åsa@exempel.se>"
    with session_factory() as session:
        assert run_due(session, settings, "test") == 2
    assert sorted(mailbox.recipients) == [["mia@example.se"], ["åsa@exempel.se"]]


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ('Anna "Nanna" Berg', "anna@example.org"),
        ("O'Brien, Seán", "sean+kultur@example.org"),
        ("Berg (kassör)", "berg@example.org"),
        ("Åsa <mallory@evil.example>", "asa@example.org"),
        ("=?utf-8?q?Fake?=", "fake@example.org"),
    ],
)
def test_a_name_with_specials_reaches_only_its_address_and_decodes_back(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox, name: str, address: str
) -> None:
    context = {"name": name, "cooperative": "Interim kultur"}
    to = recipient(name, address)
    _queue_and_send(session_factory, settings, to=to, template="test_message", language="sv", context=context)
    assert mailbox.recipients == [[address]]
    [to_header] = mailbox.messages[0]["To"].addresses
    assert to_header.addr_spec == address
    if not name.startswith("=?"):  # an encoded word as a name is decoded by the reader, as any would be
        assert to_header.display_name == name


def test_a_line_break_in_a_subject_value_adds_no_header(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    evil = "Kultur\r\nBcc: mallory@evil.example\r\nX-Injected: yes"
    context = {"name": "Åsa", "cooperative": evil}
    _queue_and_send(
        session_factory,
        settings,
        to="asa@example.org",
        template="test_message",
        language="sv",
        context=context,
    )
    assert mailbox.recipients == [["asa@example.org"]]
    [arrived] = mailbox.messages
    assert arrived["Bcc"] is None
    assert arrived["X-Injected"] is None
    assert "\n" not in arrived["Subject"]


def test_a_line_break_in_a_recipients_name_is_refused_when_queued() -> None:
    with pytest.raises(ValueError, match="CR or LF"):
        recipient("Eve\r\nBcc: mallory@evil.example", "eve@example.org")


def test_the_english_version_is_chosen_by_language() -> None:
    subject, text, html = compose(
        "test_message",
        "en",
        {
            "name": "Ann",
            "cooperative": "Interim kultur",
            "amount": Decimal("1234.5"),
            "due": date(2026, 12, 1),
        },
    )
    assert subject == "Test message from Interim kultur"
    assert f"Amount: SEK{NBSP}1,234.50, due 1 December 2026." in text
    assert html is not None
    assert '<html lang="en">' in html


def test_the_html_escapes_what_the_caller_gave() -> None:
    _subject, _text, html = compose(
        "meeting_notice",
        "sv",
        {
            "cooperative": "A & B",
            "name": "x",
            "title": "<script>",
            "held_on": date(2026, 12, 20),
            "location": None,
            "text": "Rad ett\nrad <två>\n\nStycke två",
        },
    )
    assert html is not None
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Rad ett<br>rad &lt;två&gt;</p>" in html
    assert ">Stycke två</p>" in html


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (Decimal("1234.5"), "sv", f"1{NBSP}234,50{NBSP}kr"),
        (Decimal("-1234567.891"), "sv", f"-1{NBSP}234{NBSP}567,89{NBSP}kr"),
        (Decimal("0"), "sv", f"0,00{NBSP}kr"),
        (Decimal("1234.5"), "en", f"SEK{NBSP}1,234.50"),
    ],
)
def test_kronor(value: Decimal, language: str, expected: str) -> None:
    assert kronor(value, language) == expected


def test_days_and_moments_in_swedish_time() -> None:
    assert long_day(date(2026, 12, 1)) == "1 december 2026"
    assert long_day(date(2026, 12, 1), "en") == "1 December 2026"
    # 23.30 UTC on 31 December is already New Year's Day in Sweden.
    assert moment(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 januari 2027 kl. 00.30"
    assert moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "en") == "1 July 2026, 14:00"

"""A queued message is sent after the commit by the job runner and arrives at a real SMTP server."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from kooperativet.config import Settings
from kooperativet.db import transaction
from kooperativet.jobs.models import Job, JobState
from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from tests.mailbox import Mailbox


def test_a_queued_message_arrives_after_the_commit(
    session_factory: sessionmaker[Session], settings: Settings, mailbox: Mailbox
) -> None:
    from kooperativet.jobs.runner import run_inline

    run_inline(session_factory, settings)
    with transaction(session_factory) as session:
        queued = queue_mail(
            session,
            to="åsa.öberg@example.org",
            template="test_message",
            language="sv",
            context={"name": "Åsa Öberg", "cooperative": "Interim kultur"},
        )
        assert mailbox.messages == []  # nothing leaves before the commit
    [arrived] = mailbox.to("åsa.öberg@example.org")
    assert arrived["Subject"] == "Provmeddelande från Interim kultur"
    assert "Hej Åsa Öberg!" in arrived.get_body(("plain",)).get_content()
    with session_factory() as session:
        stored = session.get(OutgoingMail, queued.id)
        assert stored is not None
        assert stored.state == MailState.sent
        # Queued without a domain, the Message-ID got the From address's when the worker first took it.
        assert arrived["Message-ID"] == stored.message_id
        assert stored.message_id.endswith("@example.org>")
        [job] = session.query(Job).all()
        assert job.state == JobState.done


def test_a_notice_links_the_address_the_session_was_made_with(engine, settings: Settings) -> None:
    """``KOOPERATIVET_PUBLIC_URL`` reaches the links of a message queued deep in a service: the session
    factory carries it (``make_session_factory(public_url=…)``), with or without a trailing slash."""
    from kooperativet.db import make_session_factory

    factory = make_session_factory(
        engine, audit_key=settings.audit_signing_key, public_url="https://kansli.interimkultur.se/"
    )
    with transaction(factory) as session:
        queued = queue_mail(
            session,
            to="kassor@example.org",
            template="payment_unmatched",
            language="sv",
            context={"name": "Karin", "cooperative": "Interim kultur", "count": 1, "entries": []},
        )
    assert queued.text_body is not None
    assert queued.html_body is not None
    # One payment: the sentence speaks of it, not of them.
    assert (
        "Koppla den till rätt faktura, eller markera den som inte vår, här (du loggar in först):\n"
        "https://kansli.interimkultur.se/office/payments\n"
    ) in queued.text_body
    assert '<a href="https://kansli.interimkultur.se/office/payments"' in queued.html_body

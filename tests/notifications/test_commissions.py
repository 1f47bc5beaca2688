"""A commission's way: the treasurers hear it was submitted; the member hears it was approved (with her
anställningsbevis attached, the stored PDF) or rejected (with the reason). Each message links the page it is
about, at the web interface's address (``KOOPERATIVET_PUBLIC_URL``; the test app runs with the default)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.employments.models import Employment
from tests.assignments.factories import approve, assignment_body, register, submit
from tests.mailbox import Mailbox
from tests.notifications.conftest import html_of, pdf_attachments, text_of

SITE = "http://127.0.0.1:8000"


def _submitted(api: TestClient, member, client_record) -> dict:
    return submit(api, member.headers, register(api, member.headers, assignment_body(client_record.id)))


def test_the_treasurers_hear_of_a_submitted_commission(
    api: TestClient, session: Session, mailbox: Mailbox, make_member, make_user, cooperative, client_record
) -> None:
    first, second, mia = make_user(Role.treasurer), make_member(Role.treasurer), make_member()
    first.user.full_name = "Karin Kassör"  # a login no member record is linked to
    second.member.first_name = "Tove"  # a treasurer who is a member too
    session.flush()

    submitted = _submitted(api, mia, client_record)

    for treasurer, greeting in ((first, "Hej Karin!"), (second, "Hej Tove!")):
        [message] = mailbox.to(treasurer.user.email)
        name = mia.member.full_name
        assert message["Subject"] == f"Uppdrag att besluta: Skrivarverkstad för unga ({name})"
        text = text_of(message).replace("\r\n", "\n")  # as sent, lines end in CRLF
        # Greeted by the first name, as the members are ("Hej Alva!"), never "Hej Karin Kassör!".
        assert text.startswith(f"{greeting}\n"), text
        assert f"{name} har lämnat in uppdraget" in text
        assert "Malmö stad (5 oktober 2026 – 9 oktober 2026)" in text
        link = f"{SITE}/office/inbox/{submitted['id']}"
        assert f"Godkänn eller avslå det här (du loggar in först):\n{link}\n" in text
        assert f'<a href="{link}"' in html_of(message)
    assert mailbox.to(mia.user.email) == []


def test_the_member_gets_her_certificate_when_her_commission_is_approved(
    api: TestClient, session: Session, mailbox: Mailbox, make_member, make_user, cooperative, client_record
) -> None:
    mia = make_member()
    submitted = _submitted(api, mia, client_record)
    treasurer = make_user(Role.treasurer)

    approve(api, treasurer.headers, submitted)

    [message] = mailbox.to(mia.user.email)
    assert message["Subject"] == "Ditt uppdrag ”Skrivarverkstad för unga” är godkänt"
    text = text_of(message).replace("\r\n", "\n")  # as sent, lines end in CRLF
    assert "6 c § lagen (1982:80) om anställningsskydd" in text
    assert "från den 5 oktober 2026 till och med den 9 oktober 2026" in text
    assert f"Uppdraget: {SITE}/commissions/{submitted['id']}\n" in text
    assert "<strong>Skrivarverkstad för unga</strong>" in html_of(message)
    employment = session.query(Employment).filter_by(assignment_id=submitted["id"]).one()
    session.refresh(employment)
    assert employment.certificate_pdf is not None
    [(filename, content_type, content)] = pdf_attachments(message)
    assert filename == f"anstallningsbevis-{employment.id}.pdf"
    assert content_type == "application/pdf"
    assert content == employment.certificate_pdf


def test_a_rejected_commission_is_told_with_the_reason_in_her_language(
    api: TestClient, session: Session, mailbox: Mailbox, make_member, make_user, cooperative, client_record
) -> None:
    mia = make_member()
    mia.member.language = "en"
    session.flush()
    submitted = _submitted(api, mia, client_record)
    treasurer = make_user(Role.treasurer)

    answer = api.post(
        f"/api/v1/assignments/{submitted['id']}/reject",
        json={"version": submitted["version"], "reason": "The client is not a customer of ours."},
        headers=treasurer.headers,
    )

    assert answer.status_code == 200, answer.text
    [message] = mailbox.to(mia.user.email)
    assert message["Subject"] == "Your commission “Skrivarverkstad för unga” was not approved"
    text = text_of(message).replace("\r\n", "\n")  # as sent, lines end in CRLF
    assert "Reason: The client is not a customer of ours." in text
    assert f"or ask the treasurer if you have questions:\n{SITE}/commissions/{submitted['id']}\n" in text
    assert "(5 October 2026 – 9 October 2026)" in text


def test_a_topic_she_turned_off_sends_nothing(
    api: TestClient, mailbox: Mailbox, make_member, make_user, cooperative, client_record
) -> None:
    treasurer = make_user(Role.treasurer)
    answer = api.put(
        "/api/v1/me/notifications",
        json={"notifications": {"commission_submitted": False}},
        headers=treasurer.headers,
    )
    assert answer.status_code == 200, answer.text
    mia = make_member()
    submitted = _submitted(api, mia, client_record)
    api.put(
        "/api/v1/me/notifications",
        json={"notifications": {"commission_rejected": False}},
        headers=mia.headers,
    )

    api.post(
        f"/api/v1/assignments/{submitted['id']}/reject",
        json={"version": submitted["version"], "reason": "Fel kund"},
        headers=treasurer.headers,
    )

    assert mailbox.messages == []

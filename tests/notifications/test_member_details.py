"""A changed bank account (or name, or personnummer) is told to the member in the change's own transaction,
from the API and from the office's page alike; it is a security notice she cannot turn off."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.mail.models import OutgoingMail
from tests.mailbox import Mailbox
from tests.notifications.conftest import html_of, text_of
from tests.web.test_office_payroll import _member_form, _signed_in

MEMBERS = "/api/v1/members"


def test_a_changed_bank_account_is_told_even_to_one_who_wants_no_e_mail(
    api: TestClient, session: Session, mailbox: Mailbox, make_user, make_member, cooperative
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()
    off = {"notifications": {"member_details_changed": False}}
    refused = api.put("/api/v1/me/notifications", json=off, headers=mia.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "notification_required"
    version = api.get(f"{MEMBERS}/{mia.member.id}", headers=treasurer.headers).json()["version"]

    changed = api.patch(
        f"{MEMBERS}/{mia.member.id}",
        json={"version": version, "bank_clearing_number": "5000", "bank_account_number": "1234560"},
        headers=treasurer.headers,
    )

    assert changed.status_code == 200, changed.text
    [message] = mailbox.to(mia.user.email)
    assert message["Subject"] == "Ändrade uppgifter i medlemsregistret"
    text = text_of(message)
    assert "Följande av dina uppgifter i medlemsregistret har ändrats: bankkonto för lön." in text
    assert "först när du eller någon annan på kansliet har bekräftat det" in text
    # Signed with the cooperative's name, as every other notice is.
    assert text.endswith(f"Vänliga hälsningar\r\n{cooperative.name}\r\n")
    assert "1234560" not in text
    assert "1234560" not in html_of(message)


def test_the_office_page_queues_the_notice_in_english_for_an_english_member(
    browser_client: TestClient, session: Session, mailbox: Mailbox, make_user, make_member
) -> None:
    alva = make_member()
    alva.member.language = "en"
    session.flush()
    client = _signed_in(browser_client, make_user(Role.treasurer))
    data = _member_form(client, alva.member.id, first_name="Alvina", language="en")

    answer = client.post(f"/office/members/{alva.member.id}", data=data)

    assert answer.status_code == 303, answer.text
    [message] = mailbox.to(alva.user.email)
    assert message["Subject"] == "Your details in the member register were changed"
    assert "These details in your member record were changed: first name." in text_of(message)
    [stored] = session.scalars(select(OutgoingMail).where(OutgoingMail.template == "member_details_changed"))
    assert stored.language == "en"


def test_a_refused_change_queues_no_notice(
    api: TestClient, session: Session, mailbox: Mailbox, make_user, make_member
) -> None:
    treasurer, mia = make_user(Role.treasurer), make_member()

    refused = api.patch(
        f"{MEMBERS}/{mia.member.id}",
        json={"version": 999, "bank_clearing_number": "5000", "bank_account_number": "1234560"},
        headers=treasurer.headers,
    )

    assert refused.status_code == 409
    assert mailbox.messages == []
    assert session.scalars(select(OutgoingMail)).all() == []


def test_a_member_whose_address_is_on_her_login_only_is_told_there(
    api: TestClient, session: Session, mailbox: Mailbox, make_user, make_member
) -> None:
    """Every other notice to a member falls back to her login's address (``notifications.recipients``); the
    security notice, the one she most needs, must not be the one that is dropped."""
    treasurer, mia = make_user(Role.treasurer), make_member()
    mia.member.email = None
    session.flush()
    version = api.get(f"{MEMBERS}/{mia.member.id}", headers=treasurer.headers).json()["version"]

    changed = api.patch(
        f"{MEMBERS}/{mia.member.id}",
        json={"version": version, "bank_clearing_number": "5000", "bank_account_number": "1234560"},
        headers=treasurer.headers,
    )

    assert changed.status_code == 200, changed.text
    [message] = mailbox.to(mia.user.email)
    assert message["Subject"] == "Ändrade uppgifter i medlemsregistret"
    assert text_of(message).startswith("Hej Mia!")

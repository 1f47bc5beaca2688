"""The new-member page invites by e-mail unless the office chooses otherwise; the invitation needs the e-mail
address, and a refused form sends nothing and saves nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import AccountLink, Role, User
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Member
from tests.mailbox import Mailbox
from tests.web.conftest import form_token, sign_in
from tests.web.test_office_members_new import _form


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count(model.id))) or 0
        for model in (Member, User, AccountLink, OutgoingMail)
    )


def test_the_form_invites_by_default(browser_client: TestClient, make_user) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    page = browser_client.get("/office/members/new").text
    assert '<option value="invite" selected>' in page
    assert "Mejla henne en inbjudan att välja sitt eget lösenord" in page
    assert form_token(page)


def test_an_invitation_needs_the_email_and_a_refusal_sends_nothing(
    browser_client: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    make_user(Role.member, email="taken@example.se")
    before = _counts(session)
    no_email = browser_client.post(
        "/office/members/new", data=_form(browser_client, login="invite", email="")
    )
    assert no_email.status_code == 422
    assert 'id="e-email"' in no_email.text
    taken = browser_client.post(
        "/office/members/new", data=_form(browser_client, login="invite", email="taken@example.se")
    )
    assert taken.status_code == 422
    assert "En inloggning med den här e-postadressen finns redan" in taken.text
    bad_record = browser_client.post(
        "/office/members/new",
        data=_form(browser_client, login="invite", personal_identity_number="19910704-2386"),
    )
    assert bad_record.status_code == 422
    assert 'id="e-personal_identity_number"' in bad_record.text
    assert _counts(session) == before
    assert mailbox.messages == []


def test_an_invitation_from_the_form_arrives_in_the_members_language(
    browser_client: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    sign_in(browser_client, make_user(Role.admin).user.email)
    answer = browser_client.post(
        "/office/members/new", data=_form(browser_client, login="invite", language="en", password="")
    )
    assert answer.status_code == 303, answer.text
    [message] = mailbox.to("siv.nyberg@example.se")
    assert message["Subject"].startswith("Welcome to")
    member = session.scalars(select(Member).where(Member.email == "siv.nyberg@example.se")).one()
    assert member.user_id is not None
    assert session.get_one(User, member.user_id).password_hash.startswith("!")

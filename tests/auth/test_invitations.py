"""Inviting a member: record, login and link in one transaction; the e-mailed link sets the password once,
for 72 hours, and a newer invitation replaces it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import AccountLink, Role, User
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Member
from tests.auth.conftest import html_text, plain_text, token_in
from tests.mailbox import Mailbox

PERSON = "19910704-2385"
EMAIL = "siv.nyberg@example.se"
NEW_PASSWORD = "siv väljer ett eget lösenord"


def invitation(**changes: object) -> dict[str, object]:
    return {
        "first_name": "Siv",
        "last_name": "Nyberg",
        "personal_identity_number": PERSON,
        "email": EMAIL,
        "joined_on": "2026-03-01",
        **changes,
    }


def counts(session: Session) -> tuple[int, int, int, int]:
    return (
        session.scalar(select(func.count(Member.id))) or 0,
        session.scalar(select(func.count(User.id))) or 0,
        session.scalar(select(func.count(AccountLink.id))) or 0,
        session.scalar(select(func.count(OutgoingMail.id))) or 0,
    )


def invite(api: TestClient, headers: dict[str, str], **changes: object) -> dict:
    answer = api.post("/api/v1/members/invitations", json=invitation(**changes), headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def login(api: TestClient, password: str, email: str = EMAIL) -> int:
    return api.post("/api/v1/auth/token", data={"username": email, "password": password}).status_code


def complete(api: TestClient, token: str, password: str = NEW_PASSWORD):
    return api.post("/api/v1/auth/password-reset/complete", json={"token": token, "password": password})


def test_an_invitation_makes_the_member_her_login_and_a_link_and_mails_it(
    api: TestClient, make_user, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    office = make_user(Role.treasurer)
    invited = invite(api, office.headers)
    member = session.get_one(Member, invited["member"]["id"])
    user = session.get_one(User, invited["user"]["id"])
    assert member.user_id == user.id
    assert (user.email, user.full_name, user.roles) == (EMAIL, "Siv Nyberg", {Role.member})
    assert invited["invitation"]["purpose"] == "invite"
    [link] = session.scalars(select(AccountLink).where(AccountLink.user_id == user.id))
    assert link.expires_at - link.created_at == timedelta(hours=72)
    [message] = mailbox.to(EMAIL)
    assert message["Subject"] == "Välkommen till Interim kultur ekonomisk förening – välj ditt lösenord"
    assert "Länken gäller i 72 timmar" in plain_text(message)
    assert plain_text(message).startswith("Hej Siv!")  # her first name, not "Hej Siv Nyberg!"
    assert "Välj ditt lösenord" in html_text(message)
    token = token_in(message)
    assert token not in str(link.token_hash)
    assert len(link.token_hash) == 64
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "account_invited")).one()
    assert json.loads(event.payload) == {"user_id": user.id, "link_id": link.id, "by_user_id": office.user.id}


def test_the_invitation_is_in_the_members_language(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    invite(api, make_user(Role.admin).headers, language="en")
    [message] = mailbox.to(EMAIL)
    assert message["Subject"] == "Welcome to Interim kultur ekonomisk förening – choose your password"
    assert "The link works for 72 hours" in plain_text(message)


@pytest.mark.parametrize(
    ("language", "until"),
    [
        ("en", r"until \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d \(Swedish time\)"),
        ("sv", r"till \d{1,2} [a-zå]+ \d{4} kl\. \d\d\.\d\d,"),
    ],
)
def test_the_link_says_when_it_stops_working_as_every_e_mail_writes_a_moment(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime], language: str, until: str
) -> None:
    """The English invitation said "until 23 November 2026 at 13:00", where every other e-mail writes
    "23 November 2026, 13:00" (docs/web.md, the e-mails' style); the Swedish is as it was."""
    invite(api, make_user(Role.admin).headers, language=language)
    [message] = mailbox.to(EMAIL)
    text = " ".join(plain_text(message).split())
    assert re.search(until, text), text


def test_an_invited_member_cannot_log_in_before_she_chooses_a_password(
    api: TestClient, make_user, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    invited = invite(api, make_user(Role.treasurer).headers)
    user = session.get_one(User, invited["user"]["id"])
    assert user.password_hash.startswith("!")
    for guess in ("", user.password_hash, user.password_hash[1:], NEW_PASSWORD):
        assert login(api, guess) in (401, 422)
    answer = api.post("/api/v1/auth/token", data={"username": EMAIL, "password": "anything at all"})
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_credentials")


def test_the_link_sets_the_password_once(
    api: TestClient, make_user, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    invited = invite(api, make_user(Role.treasurer).headers)
    token = token_in(mailbox.to(EMAIL)[0])
    assert complete(api, token).status_code == 204
    assert login(api, NEW_PASSWORD) == 200
    again = complete(api, token, "ett annat lösenord igen")
    assert (again.status_code, again.json()["code"]) == (410, "link_used")
    assert login(api, NEW_PASSWORD) == 200  # the second try changed nothing
    used = session.scalars(select(AccountLink).where(AccountLink.user_id == invited["user"]["id"])).one()
    assert used.used_at is not None
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "password_set_by_link")).one()
    assert json.loads(event.payload) == {
        "user_id": invited["user"]["id"],
        "purpose": "invite",
        "link_id": used.id,
    }


def test_the_link_works_for_72_hours_and_not_after(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    invite(api, make_user(Role.treasurer).headers)
    token = token_in(mailbox.to(EMAIL)[0])
    issued = clock["now"]
    clock["now"] = issued + timedelta(hours=72)
    late = complete(api, token)
    assert (late.status_code, late.json()["code"]) == (410, "link_expired")
    clock["now"] = issued + timedelta(hours=71, minutes=59)
    assert complete(api, token).status_code == 204


def test_a_new_invitation_makes_the_old_link_fail(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    office = make_user(Role.treasurer)
    invited = invite(api, office.headers)
    old = token_in(mailbox.to(EMAIL)[0])
    again = api.post(f"/api/v1/users/{invited['user']['id']}/invitation", headers=office.headers)
    assert again.status_code == 201, again.text
    assert again.json()["user_id"] == invited["user"]["id"]
    new = token_in(mailbox.to(EMAIL)[1])
    refused = complete(api, old)
    assert (refused.status_code, refused.json()["code"]) == (410, "link_superseded")
    assert complete(api, new).status_code == 204


def test_nothing_is_left_behind_when_the_mail_cannot_be_composed(
    api: TestClient, make_user, session: Session, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = make_user(Role.treasurer)
    before = counts(session)
    monkeypatch.setattr("kooperativet.workflows.invitations.INVITATION_TEMPLATE", "no_such_template")
    answer = api.post("/api/v1/members/invitations", json=invitation(), headers=office.headers)
    assert answer.status_code == 500
    assert counts(session) == before
    assert mailbox.messages == []


def test_an_address_that_has_a_login_is_refused_and_no_member_is_made(
    api: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    office = make_user(Role.treasurer)
    make_user(Role.member, email=EMAIL)
    before = counts(session)
    answer = api.post("/api/v1/members/invitations", json=invitation(), headers=office.headers)
    assert (answer.status_code, answer.json()["code"]) == (409, "duplicate_email")
    assert counts(session) == before
    assert mailbox.messages == []


def test_a_refused_record_leaves_no_login(
    api: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    office = make_user(Role.treasurer)
    before = counts(session)
    answer = api.post(
        "/api/v1/members/invitations",
        json=invitation(personal_identity_number="19910704-2386"),
        headers=office.headers,
    )
    assert answer.status_code == 422, answer.text
    assert counts(session) == before
    assert mailbox.messages == []


def test_an_invitation_needs_an_email_and_no_existing_login(api: TestClient, make_user) -> None:
    office = make_user(Role.treasurer)
    body = invitation()
    del body["email"]
    assert api.post("/api/v1/members/invitations", json=body, headers=office.headers).status_code == 422
    linked = api.post(
        "/api/v1/members/invitations", json=invitation(user_id=office.user.id), headers=office.headers
    )
    assert linked.status_code == 422


def test_only_the_office_invites(api: TestClient, make_member, session: Session, mailbox: Mailbox) -> None:
    member = make_member()
    before = counts(session)
    assert (
        api.post("/api/v1/members/invitations", json=invitation(), headers=member.headers).status_code == 403
    )
    again = api.post(f"/api/v1/users/{member.user.id}/invitation", headers=member.headers)
    assert again.status_code == 403
    assert counts(session) == before
    assert mailbox.messages == []


def test_a_retry_with_the_same_key_invites_once(
    api: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    office = make_user(Role.treasurer)
    headers = {**office.headers, "Idempotency-Key": "invite-siv-2026-03-01"}
    first = invite(api, headers)
    second = invite(api, headers)
    assert first == second
    assert len(mailbox.to(EMAIL)) == 1
    assert session.scalar(select(func.count(AccountLink.id))) == 1


def test_a_disabled_login_is_not_invited(api: TestClient, make_user, mailbox: Mailbox) -> None:
    office = make_user(Role.admin)
    gone = make_user(Role.member, active=False)
    answer = api.post(f"/api/v1/users/{gone.user.id}/invitation", headers=office.headers)
    assert (answer.status_code, answer.json()["code"]) == (409, "account_disabled")
    missing = api.post("/api/v1/users/999999/invitation", headers=office.headers)
    assert missing.status_code == 404
    assert mailbox.messages == []


def test_a_link_of_a_login_disabled_since_no_longer_works(
    api: TestClient, make_user, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    invited = invite(api, make_user(Role.treasurer).headers)
    token = token_in(mailbox.to(EMAIL)[0])
    session.get_one(User, invited["user"]["id"]).is_active = False
    session.flush()
    answer = complete(api, token)
    assert (answer.status_code, answer.json()["code"]) == (410, "account_disabled")

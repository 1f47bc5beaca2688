"""A forgotten password: the same answer for every address, a link for an active account only, valid one
hour and once, and the newest link the only one that works."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import AccountLink, Role, WebSession
from kooperativet.auth.passwords import has_usable_password, unusable_password_hash, verify_password
from kooperativet.mail.models import OutgoingMail
from tests.auth.conftest import LINK, plain_text, token_in
from tests.conftest import PASSWORD
from tests.mailbox import Mailbox
from tests.web.conftest import sign_in

EMAIL = "anna@example.se"
NEW_PASSWORD = "ett nytt och längre lösenord"


def ask(api: TestClient, email: str = EMAIL):
    return api.post("/api/v1/auth/password-reset", json={"email": email})


def complete(api: TestClient, token: str, password: str = NEW_PASSWORD):
    return api.post("/api/v1/auth/password-reset/complete", json={"token": token, "password": password})


def login(api: TestClient, password: str, email: str = EMAIL):
    return api.post("/api/v1/auth/token", data={"username": email, "password": password})


def test_a_reset_link_arrives_and_sets_a_new_password(
    api: TestClient, make_member, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    member = make_member()
    member.user.email = EMAIL
    session.flush()
    answer = ask(api, " Anna@Example.se ")
    assert answer.status_code == 202
    [message] = mailbox.to(EMAIL)
    assert message["Subject"] == "Nytt lösenord för Interim kultur ekonomisk förening"
    assert "Länken gäller i 60 minuter" in plain_text(message)
    assert plain_text(message).startswith("Hej Mia!")  # her member record's first name
    [link] = session.scalars(select(AccountLink))
    assert (link.purpose, link.expires_at - link.created_at) == ("reset", timedelta(hours=1))
    assert complete(api, token_in(message)).status_code == 204
    assert login(api, NEW_PASSWORD).status_code == 200
    assert login(api, PASSWORD).status_code == 401


def test_a_login_no_member_record_is_linked_to_is_greeted_by_the_first_word_of_its_name(
    api: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    office = make_user(Role.treasurer, email=EMAIL)
    office.user.full_name = "Karin Kassör"
    session.flush()
    assert ask(api).status_code == 202
    [message] = mailbox.to(EMAIL)
    assert plain_text(message).startswith("Hej Karin!")


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(
    api: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    make_user(Role.member, email=EMAIL)
    known = ask(api)
    mailbox.clear()
    unknown = ask(api, "nobody@example.se")
    assert (unknown.status_code, unknown.content, unknown.headers["content-type"]) == (
        known.status_code,
        known.content,
        known.headers["content-type"],
    )
    assert mailbox.messages == []
    assert session.scalar(select(func.count(OutgoingMail.id))) == 1  # the known address's only


def test_a_disabled_account_gets_the_same_answer_and_nothing_is_sent(
    api: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    make_user(Role.member, email=EMAIL, active=False)
    disabled = ask(api)
    unknown = ask(api, "nobody@example.se")
    assert disabled.status_code == unknown.status_code == 202
    assert disabled.content == unknown.content
    assert mailbox.messages == []
    assert session.scalar(select(func.count(AccountLink.id))) == 0


def test_an_account_enabled_again_gets_its_link(api: TestClient, make_user, mailbox: Mailbox) -> None:
    admin = make_user(Role.admin)
    member = make_user(Role.member, email=EMAIL, active=False)
    assert ask(api).status_code == 202
    assert mailbox.to(EMAIL) == []
    enabled = api.patch(
        f"/api/v1/users/{member.user.id}", json={"version": 1, "is_active": True}, headers=admin.headers
    )
    assert enabled.status_code == 200, enabled.text
    assert ask(api).status_code == 202
    assert len(mailbox.to(EMAIL)) == 1


def test_the_link_works_for_an_hour_and_not_after(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    make_user(Role.member, email=EMAIL)
    asked = datetime.now(clock["now"].tzinfo)
    ask(api)
    token = token_in(mailbox.to(EMAIL)[0])
    clock["now"] = asked + timedelta(hours=1, seconds=1)
    late = complete(api, token)
    assert (late.status_code, late.json()["code"]) == (410, "link_expired")
    assert login(api, PASSWORD).status_code == 200
    clock["now"] = asked + timedelta(minutes=59)
    assert complete(api, token).status_code == 204


def test_a_newer_link_makes_the_older_fail_and_a_link_works_once(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    make_user(Role.member, email=EMAIL)
    ask(api)
    ask(api)
    older, newer = (token_in(message) for message in mailbox.to(EMAIL))
    superseded = complete(api, older)
    assert (superseded.status_code, superseded.json()["code"]) == (410, "link_superseded")
    assert complete(api, newer).status_code == 204
    used = complete(api, newer, "ett tredje lösenord här")
    assert (used.status_code, used.json()["code"]) == (410, "link_used")
    assert login(api, NEW_PASSWORD).status_code == 200


def test_an_unknown_token_is_a_400_and_a_short_password_keeps_the_link(
    api: TestClient, make_user, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    make_user(Role.member, email=EMAIL)
    unknown = complete(api, "not-a-token-anyone-was-sent")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "link_unknown")
    ask(api)
    token = token_in(mailbox.to(EMAIL)[0])
    assert complete(api, token, "kort").status_code == 422
    assert complete(api, token).status_code == 204


def test_setting_the_password_ends_every_session_and_token(
    api: TestClient, make_user, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    user = make_user(Role.member, email=EMAIL).user
    pair = login(api, PASSWORD).json()
    browser = TestClient(api.app)
    token = browser.get("/signin").text.split('name="csrf_token" value="')[1].split('"')[0]
    signed_in = browser.post(
        "/signin", data={"email": EMAIL, "password": PASSWORD, "next": "/", "csrf_token": token}
    )
    assert signed_in.status_code == 200
    ask(api)
    clock["now"] = clock["now"] + timedelta(seconds=2)
    assert complete(api, token_in(mailbox.to(EMAIL)[0])).status_code == 204
    refreshed = api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 401
    sessions = session.scalars(select(WebSession).where(WebSession.user_id == user.id)).all()
    assert sessions
    assert all(row.ended_at is not None for row in sessions)
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_reset_requests_are_throttled_per_address_whether_or_not_it_exists(
    api: TestClient, make_user, mailbox: Mailbox
) -> None:
    make_user(Role.member, email=EMAIL)
    for address in (EMAIL, "nobody@example.se"):
        answers = [ask(api, address).status_code for _ in range(4)]
        assert answers == [202, 202, 202, 429]
    assert len(mailbox.to(EMAIL)) == 3


def test_an_unusable_password_never_matches() -> None:
    stored = unusable_password_hash()
    assert not has_usable_password(stored)
    assert stored != unusable_password_hash()
    for guess in ("", stored, stored[1:], "!"):
        assert verify_password(guess, stored) is False


def test_the_stored_copy_of_a_sent_reset_mail_holds_no_working_link(
    api: TestClient, make_member, session: Session, mailbox: Mailbox, clock: dict[str, datetime]
) -> None:
    member = make_member()
    member.user.email = EMAIL
    session.flush()
    assert ask(api).status_code == 202
    [message] = mailbox.to(EMAIL)
    token = token_in(message)
    [stored] = session.scalars(select(OutgoingMail).where(OutgoingMail.template == "password_reset"))
    session.refresh(stored)
    assert token in plain_text(message)  # she got the link …
    assert token not in stored.text_body  # … the database's copy did not keep it
    assert stored.html_body is not None
    assert token not in stored.html_body
    assert "[…]" in stored.text_body
    assert stored.redact_after_sending == []
    assert complete(api, token).status_code == 204  # and the link she got still works


def test_the_office_cannot_read_a_link_waiting_to_be_sent(api: TestClient, make_user) -> None:
    """Without a mail server (the embedded default) or during an outage the reset mail waits in the outbox
    with its working link. A treasurer who asks a reset for the admin's address must not read that link in
    the outbox and take the admin's account: every read of the message shows it as […]."""
    make_user(Role.admin, email="admin@example.se")
    treasurer = make_user(Role.treasurer, email="kassor@example.se")
    assert ask(api, "admin@example.se").status_code == 202
    queued = api.get("/api/v1/mail", params={"state": "queued"}, headers=treasurer.headers).json()["items"]
    [reset] = [message for message in queued if message["template"] == "password_reset"]
    read = api.get(f"/api/v1/mail/{reset['id']}", headers=treasurer.headers).json()
    page = TestClient(api.app, follow_redirects=False)
    sign_in(page, "kassor@example.se", PASSWORD)
    shown = page.get(f"/office/mail/{reset['id']}").text
    for text in (read["text_body"], read["html_body"], shown):
        assert "password/set?token=[…]" in text
        assert LINK.search(text) is None

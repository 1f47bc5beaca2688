"""The password pages: "Forgot your password?" from the sign-in form, the same answer for every address,
choosing a password with an e-mailed link (errors by their fields), and a clear page for a dead link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import now
from kooperativet.auth.models import AccountLink, Role, User
from kooperativet.mail.models import OutgoingMail
from tests.auth.conftest import token_in
from tests.conftest import PASSWORD
from tests.mailbox import Mailbox
from tests.web.conftest import form_token, sign_in

EMAIL = "anna@example.se"
NEW_PASSWORD = "ett nytt och längre lösenord"


def ask(client: TestClient, email: str):
    token = form_token(client.get("/password/forgot").text)
    return client.post("/password/forgot", data={"email": email, "csrf_token": token})


def choose(client: TestClient, link_token: str, password: str = NEW_PASSWORD, again: str | None = None):
    page = client.get(f"/password/set?token={link_token}")
    assert page.status_code == 200, page.text
    data = {
        "csrf_token": form_token(page.text),
        "token": link_token,
        "password": password,
        "password_again": password if again is None else again,
    }
    return client.post("/password/set", data=data)


def test_the_sign_in_page_offers_a_forgotten_password(browser_client: TestClient) -> None:
    page = browser_client.get("/signin")
    assert 'href="/password/forgot"' in page.text
    assert "Glömt lösenordet?" in page.text
    forgot = browser_client.get("/password/forgot")
    assert forgot.status_code == 200
    assert "Skicka en länk till mig" in forgot.text


def test_every_address_gets_the_same_answer_and_only_a_known_one_a_link(
    browser_client: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    make_user(Role.member, email=EMAIL)
    make_user(Role.member, email="gone@example.se", active=False)
    answers = [ask(browser_client, email) for email in (EMAIL, "nobody@example.se", "gone@example.se")]
    assert {answer.status_code for answer in answers} == {200}
    notices = {answer.text.split('role="status"')[1].split("</div>")[0] for answer in answers}
    assert len(notices) == 1
    assert "Om ett aktivt konto har den här e-postadressen har vi skickat en länk" in answers[0].text
    assert [m["To"] for m in mailbox.messages] == [EMAIL]
    assert len(session.scalars(select(OutgoingMail)).all()) == 1


def test_an_empty_address_is_asked_for_by_its_field(browser_client: TestClient, mailbox: Mailbox) -> None:
    answer = ask(browser_client, "  ")
    assert answer.status_code == 422
    assert 'id="e-email"' in answer.text
    assert "Skriv e-postadressen som du loggar in med." in answer.text
    assert mailbox.messages == []


def test_the_link_sets_the_password_signs_her_in_and_works_once(
    browser_client: TestClient, make_user, mailbox: Mailbox
) -> None:
    make_user(Role.member, email=EMAIL)
    ask(browser_client, EMAIL)
    link = token_in(mailbox.to(EMAIL)[0])
    page = browser_client.get(f"/password/set?token={link}")
    assert "Välj ett nytt lösenord" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    short = choose(browser_client, link, "kort")
    assert short.status_code == 422
    assert 'id="e-password"' in short.text
    differ = choose(browser_client, link, NEW_PASSWORD, "ett annat lösenord")
    assert differ.status_code == 422
    assert 'id="e-password_again"' in differ.text
    assert "Lösenorden är olika." in differ.text
    done = choose(browser_client, link)
    assert (done.status_code, done.headers["location"]) == (303, "/")
    assert browser_client.get("/").status_code == 200  # signed in
    used = browser_client.get(f"/password/set?token={link}")
    assert used.status_code == 410
    assert "Länken har redan använts." in used.text
    assert 'href="/password/forgot"' in used.text
    stranger = TestClient(browser_client.app, follow_redirects=False)
    sign_in(stranger, EMAIL, NEW_PASSWORD)


def test_an_expired_link_gets_a_page_with_a_way_to_a_new_one(
    browser_client: TestClient, make_user, mailbox: Mailbox
) -> None:
    make_user(Role.member, email=EMAIL)
    ask(browser_client, EMAIL)
    link = token_in(mailbox.to(EMAIL)[0])
    later = datetime.now(UTC) + timedelta(hours=1, seconds=1)
    browser_client.app.dependency_overrides[now] = lambda: later
    page = browser_client.get(f"/password/set?token={link}")
    assert page.status_code == 410
    assert "Länken har slutat gälla." in page.text
    assert "Skicka en ny länk till mig" in page.text
    unknown = browser_client.get("/password/set?token=nothing-like-it")
    assert unknown.status_code == 400
    assert "Länken är okänd." in unknown.text


def test_the_pages_speak_english_too(browser_client: TestClient, make_user, mailbox: Mailbox) -> None:
    browser_client.cookies.set("kooperativet_language", "en")
    assert "Forgot your password?" in browser_client.get("/signin").text
    make_user(Role.member, email=EMAIL)
    ask(browser_client, EMAIL)
    page = browser_client.get(f"/password/set?token={token_in(mailbox.to(EMAIL)[0])}")
    assert "Choose a new password" in page.text


def test_an_invited_member_cannot_sign_in_before_choosing_a_password(
    browser_client: TestClient, make_user, session: Session, mailbox: Mailbox
) -> None:
    sign_in(browser_client, make_user(Role.treasurer).user.email)
    token = form_token(browser_client.get("/office/members/new").text)
    form = {
        "csrf_token": token,
        "first_name": "Siv",
        "last_name": "Nyberg",
        "personal_identity_number": "19910704-2385",
        "email": "siv.nyberg@example.se",
        "country": "SE",
        "joined_on": "2026-03-01",
        "language": "sv",
        "tax_mode": "flat",
        "tax_percent": "30",
        "login": "invite",
    }
    registered = browser_client.post("/office/members/new", data=form)
    assert registered.status_code == 303, registered.text
    assert registered.headers["location"].endswith("?done=member_invited")
    detail = browser_client.get(registered.headers["location"])
    said = "En inbjudan skickas till henne per e-post: hon väljer sitt lösenord med länken i den."
    assert said in detail.text
    assert "har mejlats" not in detail.text  # queued for the mail worker, not sent yet
    login = session.scalars(select(User).where(User.email == "siv.nyberg@example.se")).one()
    assert login.roles == {Role.member}
    assert login.password_hash.startswith("!")
    [message] = mailbox.to("siv.nyberg@example.se")
    stranger = TestClient(browser_client.app, follow_redirects=False)
    for guess in (PASSWORD, login.password_hash, ""):
        form_token_value = form_token(stranger.get("/signin").text)
        refused = stranger.post(
            "/signin",
            data={"email": login.email, "password": guess, "next": "/", "csrf_token": form_token_value},
        )
        assert refused.status_code in (401, 422)
    page = stranger.get(f"/password/set?token={token_in(message)}")
    assert "Välj ditt lösenord" in page.text  # the invitation's words, not the reset's
    assert session.scalars(select(AccountLink)).one().purpose == "invite"

"""My details: contact fields she may change, the rest read-only and masked, her tax, her data export."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from tests.web.conftest import form_token, sign_in


def test_her_details_show_masked_what_she_cannot_change(browser_client: TestClient, make_member) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    html = browser_client.get("/me").text
    assert "19900514-****" in html
    assert "199005141230" not in html
    assert "6000-****6789" in html
    assert "123456789" not in html
    assert "Medlem sedan" in html
    assert "2025-01-01" in html
    assert "Fast 30\N{NO-BREAK SPACE}% av lönen" in html
    assert 'href="/me"' in html  # the header links here
    assert 'href="/me/data-export.json"' in html


def test_she_changes_her_contact_fields(browser_client: TestClient, session: Session, make_member) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    page = browser_client.get("/me").text
    answer = browser_client.post(
        "/me",
        data={
            "csrf_token": form_token(page),
            "version": str(mia.member.version),
            "street": "Storgatan 1",
            "postal_code": "111 22",
            "city": "Stockholm",
            "country": "se",
            "email": "mia@example.se",
            "phone": "+46 70 123 45 67",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/me?saved=true"
    session.refresh(mia.member)
    assert (mia.member.street, mia.member.city, mia.member.country) == ("Storgatan 1", "Stockholm", "SE")
    assert mia.member.email == "mia@example.se"
    assert "Dina uppgifter är sparade." in browser_client.get("/me?saved=true").text


def test_errors_stand_by_their_fields_and_nothing_is_saved(
    browser_client: TestClient, session: Session, make_member
) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    before = (mia.member.email, mia.member.country, mia.member.version)
    answer = browser_client.post(
        "/me",
        data={
            "csrf_token": form_token(browser_client.get("/me").text),
            "version": str(mia.member.version),
            "street": "Ny gata 2",
            "country": "Sverige",
            "email": "not an address",
        },
    )
    assert answer.status_code == 422
    html = answer.text
    # Each message says what the field takes, not "the value is not valid"
    email = "Det här är inte en e-postadress: skriv den som namn@example.se."
    assert f'<p class="error" id="e-email">{email}</p>' in html
    assert '<p class="error" id="e-country">Två bokstäver, till exempel SE för Sverige.</p>' in html
    assert 'value="Ny gata 2"' in html  # nothing typed is lost
    assert 'value="not an address"' in html
    session.refresh(mia.member)
    assert (mia.member.email, mia.member.country, mia.member.version) == before
    assert mia.member.street is None


def test_a_swedish_postal_code_that_is_not_five_digits_is_refused_by_its_field_and_kept(
    browser_client: TestClient, session: Session, make_member
) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    answer = browser_client.post(
        "/me",
        data={
            "csrf_token": form_token(browser_client.get("/me").text),
            "version": str(mia.member.version),
            "postal_code": "ABCDE",
            "country": "SE",
        },
    )
    assert answer.status_code == 422
    said = "Ett svenskt postnummer har fem siffror, t.ex. 123 45."
    assert f'<p class="error" id="e-postal_code">{said}</p>' in answer.text
    assert 'value="ABCDE"' in answer.text
    session.refresh(mia.member)
    assert mia.member.postal_code is None


def test_a_phone_number_without_digits_is_refused_by_its_field_and_one_written_as_people_do_is_kept(
    browser_client: TestClient, session: Session, make_member
) -> None:
    """ "ring mig inte" was saved as her number, where the office looks for one to call."""
    mia = make_member()
    sign_in(browser_client, mia.user.email)

    def sent(phone: str):
        page = browser_client.get("/me").text
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version is not None
        data = {"csrf_token": form_token(page), "version": version.group(1), "country": "SE", "phone": phone}
        return browser_client.post("/me", data=data)

    refused = sent("ring mig inte")
    assert refused.status_code == 422
    said = "Skriv ett telefonnummer med siffror, t.ex. 070-123 45 67."
    assert f'<p class="error" id="e-phone">{said}</p>' in refused.text
    assert 'value="ring mig inte"' in refused.text
    session.refresh(mia.member)
    assert mia.member.phone is None
    for phone in ("+46 70 123 45 67", "(08) 12 34 56", "070-123 45 67"):
        assert sent(phone).status_code == 303
        session.refresh(mia.member)
        assert mia.member.phone == phone
    assert sent("").status_code == 303  # an empty box clears it
    session.refresh(mia.member)
    assert mia.member.phone is None


@pytest.mark.parametrize(
    ("version", "said"),
    [
        (
            "stale",
            "Dina uppgifter ändrades efter att du öppnade sidan (kanske av dig själv, i ett annat fönster)",
        ),
        ("abc", "Adressen eller formuläret innehåller ett värde som vi inte kan läsa."),
        ("", "Adressen eller formuläret innehåller ett värde som vi inte kan läsa."),
    ],
)
def test_a_stale_or_tampered_form_is_refused_as_a_whole_in_swedish_and_the_typing_is_kept(
    browser_client: TestClient, session: Session, make_member, version: str, said: str
) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    answer = browser_client.post(
        "/me",
        data={
            "csrf_token": form_token(browser_client.get("/me").text),
            "version": str(mia.member.version + 5) if version == "stale" else version,
            "country": "SE",
            "city": "Lund",
        },
    )
    assert answer.status_code == 422
    assert f'role="alert">{said}' in answer.text
    assert "has changed since you read it" not in answer.text  # the service's English, with the member's id
    assert 'value="Lund"' in answer.text
    session.refresh(mia.member)
    assert mia.member.city is None


def test_a_form_read_before_another_window_saved_cannot_put_back_what_it_read(
    browser_client: TestClient, session: Session, make_member
) -> None:
    """Two windows of "Mina uppgifter": the first saves a new phone number, the second (read before) a new
    city. The second is refused; the page it gets back must not carry the version saved meanwhile, or saving
    it again would put the old phone number back over the new one without a word."""
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    page = browser_client.get("/me").text
    read_at = str(mia.member.version)

    def save(form: str, version: str, **typed: str):
        data = {"street": "", "postal_code": "", "city": "", "country": "SE", "email": "", "phone": ""}
        return browser_client.post(
            "/me", data={**data, **typed, "csrf_token": form_token(form), "version": version}
        )

    assert save(page, read_at, phone="070-111 22 33").status_code == 303
    refused = save(page, read_at, city="Göteborg")
    assert refused.status_code == 422
    assert "så ingenting sparades" in refused.text
    assert 'value="Göteborg"' in refused.text  # what she typed is kept
    assert f'name="version" value="{read_at}"' in refused.text
    again = save(refused.text, read_at, city="Göteborg")  # "Spara" pressed again on the page that came back
    assert again.status_code == 422
    session.refresh(mia.member)
    assert (mia.member.phone, mia.member.city) == ("070-111 22 33", None)


def test_her_data_export_is_the_privacy_services_json(browser_client: TestClient, make_member) -> None:
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    answer = browser_client.get("/me/data-export.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert "attachment" in answer.headers["content-disposition"]
    data = json.loads(answer.content)
    assert data["member"]["id"] == mia.member.id
    assert data["member"]["personal_identity_number"] == "199005141230"
    assert data["user"]["email"] == mia.user.email
    assert "password_hash" not in data["user"]


def test_a_user_without_a_member_record_has_no_details_page(browser_client: TestClient, make_user) -> None:
    admin = make_user(Role.admin)
    sign_in(browser_client, admin.user.email)
    page = browser_client.get("/me")  # said in words, as "My commissions" says it, not "not found"
    assert page.status_code == 200
    assert "inga medlemsuppgifter att visa" in page.text
    assert browser_client.get("/me/data-export.json").status_code == 404
    assert 'href="/me"' not in browser_client.get("/").text


@pytest.mark.parametrize("page", ["/me", "/account/password"])
def test_the_header_marks_her_own_page_as_the_one_she_is_on_not_start(
    browser_client: TestClient, make_member, page: str
) -> None:
    # Neither page is in the main menu; "Start" used to be marked as the current page on both, so a screen
    # reader said "Start, current page" while she read her details.
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    html = browser_client.get(page).text
    assert '<a href="/" aria-current="page">' not in html
    assert html.count('aria-current="page"') == 1
    assert f'<a href="{page}" aria-current="page">' in html
    assert '<a href="/" aria-current="page">' in browser_client.get("/").text


def test_a_form_sent_after_her_session_ended_says_she_is_signed_out_and_offers_to_come_back(
    browser_client: TestClient, session: Session, make_member
) -> None:
    """Her session cookie expired while she typed (or she signed out in another tab): what she sent is not
    saved, and the page says why in words and signs her in again back to the form, instead of "the form has
    expired, reload the page"."""
    mia = make_member()
    sign_in(browser_client, mia.user.email)
    token = form_token(browser_client.get("/me").text)
    browser_client.cookies.delete("kooperativet_session")

    answer = browser_client.post(
        "/me",
        data={"csrf_token": token, "version": str(mia.member.version), "city": "Malmö"},
        headers={"Referer": "http://testserver/me"},
    )

    assert answer.status_code == 403
    assert "Du är utloggad" in answer.text
    assert "Du är inte inloggad längre, så ingenting sparades." in answer.text
    assert 'href="/signin?next=%2Fme"' in answer.text
    session.refresh(mia.member)
    assert mia.member.city != "Malmö"

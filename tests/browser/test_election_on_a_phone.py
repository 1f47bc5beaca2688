"""An election's result on a phone, with the long names real candidates have (an audit firm's full name, a
double-barrelled surname): the table of votes fits the 390 px screen, so nobody scrolls sideways to see who
was elected."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_fits_the_screen, screenshot, sign_in
from tests.browser.test_meeting_conduct import open_meeting_with_its_agenda
from tests.browser.test_meetings import PASSPHRASE

CHAIR = "ordforande@interimkultur.example.se"
FIRM = "Revisionsbyrån Öst och Västs Gemensamma Auktoriserade Redovisningskonsulter Aktiebolag"
PERSON = "Anna-Karin Bergström-Lindqvist von Essen"


def test_an_elections_result_with_long_candidate_names_fits_a_phone(page: Page, phone: Page) -> None:
    sign_in(page, CHAIR)
    meeting_url = open_meeting_with_its_agenda(page)
    page.goto(f"{meeting_url}/votes/new")
    page.get_by_label("Hur mötet röstar").select_option(label="Val med slutna valsedlar")
    page.get_by_label("Fråga", exact=True).fill("Val av revisor")
    page.get_by_label("Platser").fill("1")
    page.get_by_label("Kandidater, en per rad").fill(f"{FIRM}\n{PERSON}")
    page.get_by_label("Rösträknarnas lösenfras").fill(PASSPHRASE)
    page.get_by_role("button", name="Starta omröstningen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Val av revisor")
    vote_url = page.url
    sign_in(phone, "alva@example.se")
    phone.goto(vote_url)
    phone.get_by_label(PERSON, exact=True).check()
    phone.get_by_role("button", name="Lägg min röst").click()
    expect(phone.get_by_role("heading", name="Din röst är lagd")).to_be_visible()
    page.goto(vote_url)
    page.get_by_label("Rösträknarnas lösenfras").fill(PASSPHRASE)
    page.get_by_role("button", name="Avsluta omröstningen och räkna").click()
    expect(page.get_by_text(f"Vald: {PERSON}")).to_be_visible()
    phone.goto(vote_url)
    result = phone.locator("table.result")
    expect(result.get_by_role("row", name=PERSON)).to_contain_text("Vald")
    screenshot(phone, "phones/phone-election-result-long-names")
    assert_fits_the_screen(phone)

"""The member register in a real browser: a second person confirms only the bank account she reviewed. The
treasurer enters a new account for Dagny, the admin opens the page to confirm it, the treasurer swaps the
account before the admin's click, and the click is refused with the account waiting now on the page; a
removal of the account waits for the same confirmation. The test leaves Dagny's confirmed account as it
found it: going back to it needs nobody's confirmation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, assert_accessible, screenshot, sign_in

TREASURER = "kassor@interimkultur.example.se"
ADMIN = "admin@interimkultur.example.se"
DAGNYS_ACCOUNT = ("3300", "3712014566")


@pytest.fixture
def treasurer(browser: Browser, live_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_url, viewport=DESKTOP, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, TREASURER)
    yield page
    context.close()


def _enter(page: Page, url: str, clearing: str, account: str) -> None:
    page.goto(url)
    page.locator("#f-bank_clearing_number").fill(clearing)
    page.locator("#f-bank_account_number").fill(account)
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_role("status")).to_have_text("Ändringarna är sparade.")


def test_a_second_person_confirms_only_the_account_she_reviewed(page: Page, treasurer: Page) -> None:
    treasurer.goto("/office/members")
    treasurer.locator("table a", has_text="Dagny").first.click()
    dagny = treasurer.url
    _enter(treasurer, dagny, "5000", "1234560")
    sign_in(page, ADMIN)
    page.goto(dagny)
    account = page.locator("#account")
    expect(account).to_contain_text("5000-****4560")
    expect(page.get_by_role("button", name="Bekräfta det nya bankkontot")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-member-confirm-account")

    _enter(treasurer, dagny, "5000", "7654324")  # swapped after the admin's review, before her click
    page.get_by_role("button", name="Bekräfta det nya bankkontot").click()

    expect(account.get_by_role("alert")).to_contain_text(
        "Kontouppgifterna har ändrats sedan du öppnade sidan, så ingenting bekräftades."
    )
    expect(account).to_contain_text("5000-****4324")
    expect(account).to_contain_text("3300-3712014566")  # still the account in use
    assert_accessible(page)
    screenshot(page, "office-member-confirm-account-refused")

    _enter(treasurer, dagny, "", "")
    page.goto(dagny)
    expect(account).to_contain_text("inget konto: kontot tas bort")
    expect(page.get_by_role("button", name="Bekräfta att bankkontot tas bort")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-member-confirm-removal")

    _enter(treasurer, dagny, *DAGNYS_ACCOUNT)
    page.goto(dagny)
    expect(account.get_by_role("button")).to_have_count(0)

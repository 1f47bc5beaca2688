"""The event log (Händelselogg) in Chromium, on a desk and on a 390 px phone: the demo's auditor Rut Revisor
finds it from the office's page, checks the chain with the button and reads that it is unbroken, and filters
the entries by a Swedish kind.

Pictures: ``audit-log.png`` (as opened), ``audit-log-checked.png``, ``audit-log-filtered.png`` (desktop) and
``phone-audit-log.png``, ``phone-audit-log-checked.png``."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, screenshot, sign_in

AUDITOR = "revisor@interimkultur.example.se"


def test_the_auditor_finds_the_log_checks_the_chain_and_filters_it(page: Page) -> None:
    sign_in(page, AUDITOR)
    page.goto("/office")
    page.get_by_role("link", name="Händelselogg").click()
    expect(page.get_by_role("heading", name="Händelselogg")).to_be_visible()
    expect(page.locator("main table.stack tbody tr").first).to_be_visible()
    expect(page.locator("#chain")).to_have_count(0)  # opening the page does not check the chain
    assert_accessible(page)
    screenshot(page, "audit-log")

    page.get_by_role("button", name="Kontrollera kedjan").click()
    expect(page.locator("#chain")).to_contain_text("Kedjan är obruten:")
    expect(page.locator("#chain")).to_contain_text("Kontrollerad ")
    expect(page.locator("main table.stack tbody tr").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "audit-log-checked")

    page.get_by_label("Slag av händelse").select_option(label="Betalning registrerad")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("main table.stack tbody tr").first).to_contain_text("Betalning registrerad")
    expect(page.locator("main table.stack tbody tr", has_text="Omröstning öppnad")).to_have_count(0)
    screenshot(page, "audit-log-filtered")


def test_the_log_fits_a_phone(phone: Page) -> None:
    sign_in(phone, AUDITOR)
    phone.goto("/office/audit")
    expect(phone.get_by_role("button", name="Kontrollera kedjan")).to_be_visible()
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-audit-log")
    phone.get_by_role("button", name="Kontrollera kedjan").click()
    expect(phone.locator("#chain")).to_contain_text("Kedjan är obruten:")
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-audit-log-checked")

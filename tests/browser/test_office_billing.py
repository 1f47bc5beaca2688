"""The treasurer at month end in a real browser: approves a member's commission, issues its invoice and
records the client's payment; axe on each page of the office's billing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kooperativet.assignments.schemas import FeeLineCreate
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DEMO_AUDIT_KEY
from kooperativet.demo.assignments import THEATRE
from tests.browser.conftest import assert_accessible, page_width, screenshot, sign_in
from tests.browser.invoiced_work import alvas_theatre_commission, submit_as_alva

TREASURER = "kassor@interimkultur.example.se"


@pytest.fixture
def submitted_commission(demo_database: str) -> str:
    """Alva hands in a new commission through the same services her pages call (its title is in no other
    commission of the demo; the README's screenshots show it)."""
    title = "Sagostund i Folkteatern"
    engine = make_engine(demo_database)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY)
    try:
        with transaction(factory) as session:
            assignment = alvas_theatre_commission(
                session,
                title=title,
                days=(date(2026, 11, 23), date(2026, 11, 24)),
                place="Folkteatern, lilla scenen",
                buyer_reference="FT-2026-11",
                line=FeeLineCreate(
                    description="Sagostund",
                    quantity=Decimal("2"),
                    unit="DAY",
                    unit_price=Decimal("4500.00"),
                    vat_rate=Decimal("25"),
                ),
            )
            submit_as_alva(session, assignment, now=datetime.now(UTC))
    finally:
        engine.dispose()
    return title


def test_the_treasurer_approves_invoices_and_records_the_payment(
    page: Page, submitted_commission: str
) -> None:
    sign_in(page, TREASURER)
    page.get_by_role("link", name="Kansliet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kansliet")
    assert_accessible(page)
    page.get_by_role("link", name="Inkorg").click()
    expect(page.get_by_role("link", name=submitted_commission)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-inbox")

    page.get_by_role("link", name=submitted_commission).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(submitted_commission)
    assert_accessible(page)
    confirm = page.get_by_label("Jag har läst varningarna ovan")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Godkänn uppdraget").click()
    expect(page.locator(".status").first).to_have_text("Godkänt, inte fakturerat än")

    page.get_by_role("link", name="Utfärda fakturan").click()
    expect(page.get_by_label("Antal att fakturera nu")).to_have_value("2")
    assert_accessible(page)
    page.get_by_role("button", name="Utfärda fakturan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Faktura 2026-")
    expect(page.get_by_text("11\N{NO-BREAK SPACE}250,00").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-invoice")

    expect(page.get_by_label("Belopp (kr)")).to_have_value("11\N{NO-BREAK SPACE}250,00")
    page.get_by_role("button", name="Registrera betalningen").click()
    expect(page.locator(".status").first).to_have_text("Betald")
    assert_accessible(page)

    page.get_by_role("link", name="Kansliet").click()
    page.get_by_role("link", name="Betalningar").click()
    expect(page.get_by_role("heading", name="Bankposter som inte matchats")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-payments")


def test_the_office_lists_fit_a_phone(phone: Page) -> None:
    sign_in(phone, TREASURER)
    for path in ("/office", "/office/invoices", "/office/payments", "/office/clients", "/office/inbox"):
        phone.goto(path)
        width = page_width(phone)
        assert width <= 390, f"{path} is {width}px wide on a 390px phone"
        assert_accessible(phone)
    phone.goto("/office/clients")
    phone.get_by_role("link", name="Folkteatern i Mellanstad AB").click()
    expect(phone.get_by_label("Namn", exact=True)).to_have_value(THEATRE)
    assert_accessible(phone)

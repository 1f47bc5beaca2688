"""The treasurer credits part of an invoice in a real browser: the form chooses nothing for her and says what
is missing, the confirmation shows the credit note before it is issued, and only its button issues it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kooperativet.assignments.schemas import AssignmentCreate, FeeLineCreate
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DEMO_AUDIT_KEY
from kooperativet.demo.assignments import THEATRE
from kooperativet.parties.models import Client
from tests.browser.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    screenshot,
    sign_in,
)
from tests.browser.invoiced_work import invoice_alvas_commission

TREASURER = "kassor@interimkultur.example.se"
NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture
def invoice_id(demo_database: str) -> int:
    """An invoice of its own for the test (3 days at 4 000.00 and 25 % VAT: 15 000.00), issued through the
    same services as the office's pages, so that crediting it touches no other test's invoice."""
    engine = make_engine(demo_database)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY)
    now = datetime.now(UTC)
    try:
        with transaction(factory) as session:
            theatre = session.scalars(select(Client).where(Client.name == THEATRE)).one()
            data = AssignmentCreate(
                client_id=theatre.id,
                title="Ljusdesign för Vinterresan",
                period_start=date(2026, 11, 23),
                period_end=date(2026, 11, 25),
                place="Folkteatern, stora scenen",
                extent_quantity=Decimal("3"),
                buyer_reference="FT-2026-12",
                lines=[
                    FeeLineCreate(
                        description="Ljusdesign",
                        quantity=Decimal("3"),
                        unit="DAY",
                        unit_price=Decimal("4000.00"),
                        vat_rate=Decimal("25"),
                    )
                ],
            )
            invoice = invoice_alvas_commission(session, data=data, now=now)
            return invoice.id
    finally:
        engine.dispose()


def test_the_treasurer_sees_the_credit_note_before_she_issues_it(page: Page, invoice_id: int) -> None:
    sign_in(page, TREASURER)
    page.goto(f"/office/invoices/{invoice_id}")
    page.get_by_role("link", name="Utfärda en kreditfaktura").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kreditera faktura")
    # Nothing is chosen for her.
    expect(page.get_by_label("Allt som inte har krediterats än")).not_to_be_checked()
    expect(page.get_by_label("Antal att kreditera")).to_have_value("")

    # Both lines filled in and everything ticked, without a reason: said by the fields, nothing lost.
    page.get_by_label("Allt som inte har krediterats än").check()
    page.get_by_label("Antal att kreditera").fill("1")
    page.get_by_role("button", name="Visa kreditfakturan").click()
    expect(page.locator("#e-everything")).to_contain_text("välj det ena")
    expect(page.locator("#e-reason")).to_have_text(
        "Skriv varför fakturan krediteras: skälet skrivs på kreditfakturan."
    )
    expect(page.get_by_label("Antal att kreditera")).to_have_value("1")
    assert_accessible(page)
    screenshot(page, "office-credit-note-refused")

    page.get_by_label("Allt som inte har krediterats än").uncheck()
    page.get_by_label("Skäl (skrivs på kreditfakturan)").fill("Ljusdesignen tog två dagar, inte tre.")
    page.get_by_role("button", name="Visa kreditfakturan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kreditfaktura för faktura")
    expect(page.locator("#credit-note-total")).to_have_text(f"5{NBSP}000,00")
    expect(page.locator("#credit-note-reason")).to_have_text("Ljusdesignen tog två dagar, inte tre.")
    expect(page.locator("#credit-note-after")).to_have_text(f"10{NBSP}000,00 kr")
    assert_accessible(page)
    screenshot(page, "office-credit-note-confirm")
    # At month end on her phone too: the lines are cards and nothing runs off the screen.
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    assert_fits_the_screen(page)
    screenshot(page, "phones/phone-kassor-credit-note-confirm")
    if desktop is not None:
        page.set_viewport_size(desktop)

    page.get_by_role("button", name="Utfärda kreditfakturan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kreditfaktura 2026-")
    expect(page.get_by_text(f"5{NBSP}000,00").first).to_be_visible()
    expect(page.locator("#credit-note-reason")).to_have_text("Ljusdesignen tog två dagar, inte tre.")
    assert_accessible(page)
    screenshot(page, "office-credit-note-issued")

"""An invoice's page in a real browser: its download buttons start at the content's edge like everything
else on the page, and the corrections card keeps its distance from the payments table above it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

TREASURER = "kassor@interimkultur.example.se"


def test_the_buttons_line_up_with_the_content_and_the_corrections_card_does_not_touch_the_payments(
    page: Page,
) -> None:
    sign_in(page, TREASURER)
    page.goto("/office/invoices")
    page.get_by_role("link", name="2026-0006", exact=True).click()  # paid, so it has a payment and credits
    expect(page.get_by_role("heading", name="Faktura 2026-0006")).to_be_visible()
    page.wait_for_load_state("load")

    heading = page.get_by_role("heading", name="Faktura 2026-0006").bounding_box()
    download = page.get_by_role("link", name="Hämta PDF").bounding_box()
    assert heading is not None
    assert download is not None
    assert abs(download["x"] - heading["x"]) <= 1, (download["x"], heading["x"])

    payments = page.get_by_role("heading", name="Betalningar").locator("xpath=following::table[1]")
    corrections = page.get_by_role("heading", name="Rättelser").locator("xpath=..")
    below, card = payments.bounding_box(), corrections.bounding_box()
    assert below is not None
    assert card is not None
    assert card["y"] - (below["y"] + below["height"]) >= 12, (below, card)

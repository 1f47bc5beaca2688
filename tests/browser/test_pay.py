"""Alva's pay in a real browser: her latest payslip, her SÄVA count and year, her details, the calculator."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import assert_accessible, page_width, screenshot, sign_in


def test_alva_opens_her_latest_payslip_and_sees_her_year_and_save_count(page: Page) -> None:
    sign_in(page, "alva@example.se")
    page.get_by_role("link", name="Lön", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lön")
    expect(page.get_by_role("img", name="Mitt år 2026, per månad")).to_be_visible()
    expect(page.get_by_role("img", name="Räknade dagar de senaste 5 åren")).to_be_visible()
    expect(page.get_by_text("De senaste fem åren:")).to_contain_text("räknade dagar")
    link = page.get_by_role("link", name="Lönespecifikation L2026-00001 (svenska)")
    href = link.get_attribute("href")
    assert href is not None
    answer = page.request.get(href)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    certificate = page.get_by_role("link", name="Anställningsbevis").first.get_attribute("href")
    assert certificate is not None
    assert page.request.get(certificate).body().startswith(b"%PDF")
    assert_accessible(page)
    screenshot(page, "pay-overview")


def test_alva_uses_the_calculator_both_ways_on_her_phone(phone: Page) -> None:
    sign_in(phone, "alva@example.se")
    phone.goto("/calculator")
    phone.get_by_label("Fakturerat belopp exklusive moms (kr)").fill("20 000")
    phone.get_by_role("button", name="Räkna ut min lön").click()
    expect(phone.get_by_role("heading", level=2, name="20 000,00 kr fakturerat ger dig")).to_be_visible()
    net = phone.locator("tr.total td").inner_text()
    assert net.replace("\N{NO-BREAK SPACE}", " ").strip()
    assert_accessible(phone)
    phone.get_by_label("Nettolön jag vill ha (kr)").fill(net)
    phone.get_by_role("button", name="Räkna ut vad jag ska fakturera").click()
    backwards = phone.get_by_role("heading", level=2, name="Fakturera 20 000,00 kr exklusive moms")
    expect(backwards).to_be_visible()
    width = page_width(phone)
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    assert_accessible(phone)
    screenshot(phone, "pay-calculator")


def test_alva_reads_her_details_and_is_told_what_is_wrong_by_the_field(page: Page) -> None:
    sign_in(page, "alva@example.se")
    page.get_by_role("link", name="Mina uppgifter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    expect(page.get_by_text("19900514-****")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "me")
    page.get_by_label("Land", exact=True).fill("Sverige")
    page.get_by_role("button", name="Spara mina uppgifter").click()
    expect(page.locator("#e-country")).to_be_visible()
    expect(page.get_by_label("Land", exact=True)).to_have_value("Sverige")
    assert_accessible(page)


def test_on_her_phone_alva_reaches_her_pdf_links_and_reads_whole_dates(phone: Page) -> None:
    """At 390 px the payslip and employment tables used to scroll sideways inside their frames: the PDF links
    stood outside the screen, and the period's dates broke at their hyphens ("2026-" over "10-24")."""
    sign_in(phone, "alva@example.se")
    # Other browser tests may pay her again meanwhile: whichever payslip is her latest.
    date_on_home = phone.locator("p", has_text=re.compile("Din (senaste|nästa) lön")).locator(".nowrap")
    expect(date_on_home).to_be_visible()
    assert _lines(date_on_home) == 1
    phone.get_by_role("link", name="Lön", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Lön")
    # Every payslip's two PDF links and every employment certificate: other tests may add payslips.
    expect(phone.get_by_role("link", name="Lönespecifikation L2026-00001 (svenska)")).to_be_visible()
    links = phone.locator("td.downloads a").all() + phone.get_by_role("link", name="Anställningsbevis").all()
    assert len(links) >= 4
    for link in links:
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0, f"{link} is outside the screen: {box}"
        assert box["x"] + box["width"] <= 390, f"{link} is outside the screen: {box}"
    for date in phone.locator("#h-employments ~ .table-wrap .nowrap").all():
        assert _lines(date) == 1, f"{date.inner_text()} breaks over lines"
    width = page_width(phone)
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    assert_accessible(phone)
    screenshot(phone, "pay-overview-phone")


def _lines(element: Locator) -> int:
    """How many lines an inline element's text is drawn on."""
    lines: int = element.evaluate("e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size")
    return lines

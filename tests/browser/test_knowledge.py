"""The knowledge bank in a real browser: find a guide, read it with today's values, follow a page's link to
it, and the board adapting a text and going back to the default."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from kooperativet.knowledge.bank import default_bank
from tests.browser.conftest import assert_accessible, screenshot, sign_in

SLUG = "commission-to-salary"


def _title(slug: str = SLUG) -> str:
    return default_bank()[slug].texts["sv"].title


def test_alva_searches_the_guides_and_reads_one(page: Page) -> None:
    sign_in(page, "alva@example.se")
    page.get_by_role("link", name="Guider", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guider och rutiner")
    assert_accessible(page)
    screenshot(page, "knowledge-bank")
    page.get_by_label("Sök i guiderna").fill(_title().upper())
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator(".kb-list li")).to_have_count(1)
    page.get_by_role("link", name=_title()).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_title())
    article = page.locator("article.kb-article").inner_text()
    assert article.strip()
    assert "{{" not in article  # the dated values are inserted
    assert "param." not in article
    assert_accessible(page)
    screenshot(page, "knowledge-article")


def test_the_commission_form_links_its_guide(page: Page) -> None:
    sign_in(page, "alva@example.se")
    page.goto("/commissions/new")
    page.get_by_role("link", name="Läs mer: från uppdrag till lön").click()
    expect(page).to_have_url(f"{page.url.split('/kb/')[0]}/kb/{SLUG}")
    expect(page.get_by_role("heading", level=1)).to_have_text(_title())


def test_the_chair_adapts_a_guide_and_goes_back_to_the_default(page: Page) -> None:
    sign_in(page, "ordforande@interimkultur.example.se")
    page.goto(f"/kb/{SLUG}")
    page.get_by_role("link", name="Redigera den svenska texten").click()
    page.get_by_label("Rubrik").fill("Så blir uppdraget lön hos oss")
    assert_accessible(page)
    screenshot(page, "knowledge-edit")
    page.get_by_role("button", name="Spara en ny version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Så blir uppdraget lön hos oss")
    page.get_by_role("button", name="Tillbaka till standardtexten (svenska)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_title())
    page.get_by_role("link", name="Historik").click()
    expect(page.get_by_role("cell", name="Så blir uppdraget lön hos oss")).to_be_visible()
    assert_accessible(page)

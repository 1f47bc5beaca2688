"""Alva's draft with an expense: on her phone its saved expense is a card like a new one's, as wide as the
form lets it be, with no list bullet beside it, and its receipt is chosen there and saved with the draft; at
a desk a receipt's long file name does not widen the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, screenshot, sign_in
from tests.browser.test_commissions import PNG

#: A receipt's name as a train company's PDF or a phone's export gives it: one word, no space to break at.
LONG_NAME = (
    "kvitto_tagresa_stockholm_goteborg_2026_12_10_biljett_1234567890_och_platsbiljett_vagn_5_plats_23.png"
)


def test_a_drafts_saved_expense_is_a_card_as_wide_as_a_new_ones(phone: Page) -> None:
    title = "Scenografi för Höstsalongen"  # in no other commission of the demo database the tests share
    sign_in(phone, "alva@example.se")
    phone.goto("/commissions/new")
    phone.get_by_label("Kund", exact=True).select_option(label="Folkteatern i Mellanstad AB")
    phone.get_by_label("Vad du gör").fill(title)
    phone.get_by_label("Första dagen").fill("2026-12-08")
    phone.get_by_label("Sista dagen").fill("2026-12-09")
    phone.get_by_label("Arbetstid").fill("2")
    phone.get_by_label("Beskrivning", exact=True).fill("Scenografi")
    phone.get_by_label("Antal", exact=True).fill("2")
    phone.get_by_label("Pris per enhet, exkl. moms (kr)").fill("4 000")
    phone.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    phone.get_by_label("Datum på kvittot").fill(
        "2026-11-18"
    )  # bought before the work: no receipt is dated ahead
    phone.get_by_label("Vad du betalade för").fill("Tyg till kulisserna")
    phone.get_by_label("Belopp inkl. moms (kr)").fill("1 250,50")
    phone.get_by_role("button", name="Spara utkast").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)

    phone.get_by_role("link", name="Ändra utkastet").click()
    phone.get_by_role("button", name="Lägg till ett utlägg").click()  # a new expense's card beside it
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    phone.wait_for_load_state("load")  # measured as a person sees it, with the stylesheet applied
    saved = phone.locator(".kept-expenses > li").filter(has_text="Tyg till kulisserna")
    new = phone.locator(".expense-row").first
    saved_box, new_box = saved.bounding_box(), new.bounding_box()
    assert saved_box is not None
    assert new_box is not None
    # It was indented by the list's padding and marked with a bullet: 40 px narrower than a new expense's.
    assert abs(saved_box["x"] - new_box["x"]) < 1, (saved_box, new_box)
    assert abs(saved_box["width"] - new_box["width"]) < 1, (saved_box, new_box)
    assert saved.evaluate("item => getComputedStyle(item).listStyleType") == "none"
    assert_fits_the_screen(phone)
    screenshot(phone, "commissions-draft-saved-expense")


def test_a_receipts_long_file_name_does_not_widen_the_commission_at_a_desk(page: Page) -> None:
    title = "Ljudteknik för Vinterkonserten"  # in no other commission of the demo database the tests share
    sign_in(page, "alva@example.se")
    page.goto("/commissions/new")
    page.get_by_label("Kund", exact=True).select_option(label="Folkteatern i Mellanstad AB")
    page.get_by_label("Vad du gör").fill(title)
    page.get_by_label("Första dagen").fill("2026-12-10")
    page.get_by_label("Sista dagen").fill("2026-12-10")
    page.get_by_label("Arbetstid").fill("1")
    page.get_by_label("Beskrivning", exact=True).fill("Ljudteknik")
    page.get_by_label("Antal", exact=True).fill("1")
    page.get_by_label("Pris per enhet, exkl. moms (kr)").fill("6 500")
    page.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(page.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    page.get_by_label("Datum på kvittot").fill(
        "2026-11-18"
    )  # booked before the trip: no receipt is dated ahead
    page.get_by_label("Vad du betalade för").fill("Tåg Stockholm–Göteborg")
    page.get_by_label("Belopp inkl. moms (kr)").fill("689")
    page.get_by_label("Kvitto", exact=True).set_input_files(
        files=[{"name": LONG_NAME, "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("link", name=f"Kvitto: {LONG_NAME}")).to_be_visible()
    assert_fits_the_screen(page)  # the expenses' table was 1 556 px wide on a 1 280 px screen
    screenshot(page, "commissions-detail-long-receipt-name")


def test_a_receipt_chosen_for_a_saved_expense_on_her_phone_is_saved_with_what_she_typed(phone: Page) -> None:
    """At the station: the ticket photographed for the train saved before, the working time changed and the
    fare home added, all kept and saved by one "Spara utkast" (the receipt's own upload lost the typing)."""
    title = "Rekvisita till Vårspelet"  # in no other commission of the demo database the tests share
    sign_in(phone, "alva@example.se")
    phone.goto("/commissions/new")
    phone.get_by_label("Kund", exact=True).select_option(label="Folkteatern i Mellanstad AB")
    phone.get_by_label("Vad du gör").fill(title)
    phone.get_by_label("Första dagen").fill("2026-11-12")
    phone.get_by_label("Sista dagen").fill("2026-11-13")
    phone.get_by_label("Arbetstid").fill("2")
    phone.get_by_label("Beskrivning", exact=True).fill("Rekvisita")
    phone.get_by_label("Antal", exact=True).fill("2")
    phone.get_by_label("Pris per enhet, exkl. moms (kr)").fill("3 500")
    phone.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    phone.get_by_label("Datum på kvittot").fill("2026-11-12")
    phone.get_by_label("Vad du betalade för").fill("Tåg till Mellanstad")
    phone.get_by_label("Belopp inkl. moms (kr)").fill("189")
    phone.get_by_role("button", name="Spara utkast").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)

    phone.get_by_role("link", name="Ändra utkastet").click()
    phone.get_by_label("Arbetstid").fill("3")
    saved = phone.locator(".kept-expenses > li").filter(has_text="Tåg till Mellanstad")
    expect(saved.get_by_text("Bifogas när du sparar utkastet.")).to_be_visible()
    saved.get_by_label("Kvitto", exact=True).set_input_files(
        files=[{"name": "biljett.png", "mimeType": "image/png", "buffer": PNG}]
    )
    phone.get_by_role("button", name="Lägg till ett utlägg").click()  # htmx: the chosen file stays chosen
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    phone.get_by_label("Datum på kvittot").fill("2026-11-13")
    phone.get_by_label("Vad du betalade för").fill("Tåg hem")
    phone.get_by_label("Belopp inkl. moms (kr)").fill("189")
    phone.wait_for_load_state("load")  # measured and pictured with the stylesheet applied
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-draft-saved-expense-receipt")

    # A picture the cooperative cannot keep (a GIF): the save comes back with everything she typed, the
    # message by that receipt, and the word to choose the file again, which no browser keeps.
    saved.get_by_label("Kvitto", exact=True).set_input_files(
        files=[{"name": "biljett.gif", "mimeType": "image/gif", "buffer": b"GIF89a"}]
    )
    phone.get_by_role("button", name="Spara utkast", exact=True).last.click()
    expect(saved.locator(".error")).to_contain_text("Ett kvitto måste vara en PDF-, JPEG- eller PNG-fil")
    expect(phone.get_by_text("Välj kvittofilerna igen")).to_be_visible()
    expect(phone.get_by_label("Arbetstid")).to_have_value("3")
    expect(phone.get_by_label("Vad du betalade för")).to_have_value("Tåg hem")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-draft-saved-expense-receipt-refused")
    saved.get_by_label("Kvitto", exact=True).set_input_files(
        files=[{"name": "biljett.png", "mimeType": "image/png", "buffer": PNG}]
    )
    phone.get_by_role("button", name="Spara utkast", exact=True).last.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.get_by_role("link", name="Kvitto: biljett.png")).to_be_visible()
    expect(phone.get_by_text("Tåg hem")).to_be_visible()
    expect(phone.get_by_text("3 dagar")).to_be_visible()

"""Alva registers a commission on her phone: a fee line, an expense with its receipt, and hands it in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    assert_accessible,
    assert_nothing_refused,
    page_width,
    screenshot,
    sign_in,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def fits_the_phone(page: Page) -> None:
    width = page_width(page)
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_alva_registers_a_commission_with_an_expense_and_its_receipt_and_hands_it_in(phone: Page) -> None:
    title = "Ljusdesign för Vårsalongen"  # in no other commission of the demo database the tests share
    sign_in(phone, "alva@example.se")
    phone.get_by_role("link", name="Uppdrag", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mina uppdrag")
    expect(phone.get_by_text("Skrivarverkstad för unga")).to_be_visible()
    fits_the_phone(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-list")

    phone.get_by_role("link", name="Registrera ett uppdrag").click()
    phone.get_by_label("Kund", exact=True).select_option(label="Folkteatern i Mellanstad AB")
    phone.get_by_label("Vad du gör").fill(title)
    phone.get_by_label("Första dagen").fill("2026-12-01")
    phone.get_by_label("Sista dagen").fill("2026-12-03")
    phone.get_by_label("Arbetstid").fill("3")
    phone.get_by_label("Beskrivning", exact=True).fill("Ljusdesign och programmering")
    phone.get_by_label("Antal", exact=True).fill("3")
    phone.get_by_label("Enhet", exact=True).select_option(label="dag")
    phone.get_by_label("Pris per enhet, exkl. moms (kr)").fill("3 250,50")
    phone.get_by_label("Moms", exact=True).select_option(label="25 % moms")
    phone.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    assert_nothing_refused(phone)  # htmx added the row under the page's Content-Security-Policy
    phone.get_by_label("Datum på kvittot").fill("2026-12-01")
    phone.get_by_label("Vad du betalade för").fill("Gelé och filter")
    phone.get_by_label("Belopp inkl. moms (kr)").fill("389,00")
    phone.get_by_label("Moms på kvittot").select_option(label="25 %")
    phone.get_by_label("Kvitto", exact=True).set_input_files(
        files=[{"name": "kvitto.png", "mimeType": "image/png", "buffer": PNG}]
    )
    fits_the_phone(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-form")

    phone.get_by_role("button", name="Spara utkast").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.locator(".status")).to_have_text("Utkast")
    expect(phone.get_by_role("link", name="Kvitto: kvitto.png")).to_be_visible()
    expect(phone.get_by_role("cell", name="9 751,50").first).to_be_visible()  # 3 × 3 250,50 excl. VAT
    # The fee lines' sum under their cards reads as one line, its label beside its amount (it used to stand
    # right-aligned, with the amount under it on the left).
    phone.wait_for_load_state("load")  # measured as a person sees it: before the stylesheet came, the label
    # stood unstyled on a line of its own (a fresh-clone CI run measured it so)
    total = phone.locator("table.stack tfoot tr").first
    label, amount = total.locator("th").bounding_box(), total.locator("td").bounding_box()
    assert label is not None
    assert amount is not None
    assert abs(label["y"] - amount["y"]) < 4, (label, amount)  # on one line
    assert amount["x"] > label["x"], (label, amount)  # the amount after its label
    assert_accessible(phone)
    phone.get_by_role("button", name="Skicka in för godkännande").click()
    expect(phone.get_by_role("status")).to_contain_text("Inskickat.")
    expect(phone.locator(".status")).to_have_text("Inskickat, väntar på godkännande")
    fits_the_phone(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-detail")

    phone.get_by_role("link", name="Mina uppdrag").first.click()
    expect(phone.get_by_role("link", name=title)).to_be_visible()
    phone.get_by_role(
        "link", name="Start", exact=True
    ).click()  # the start page's panel: what awaits approval
    expect(phone.get_by_role("heading", name="Väntar på godkännande")).to_be_visible()
    expect(phone.get_by_role("link", name=title)).to_be_visible()
    fits_the_phone(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-start-panel")


def test_alva_sees_the_invoice_and_payment_behind_her_commission_and_downloads_the_pdf(page: Page) -> None:
    sign_in(page, "alva@example.se")
    page.goto("/commissions")
    page.get_by_role("link", name="Skrivarverkstad för unga").click()
    expect(page.get_by_role("heading", name="Faktura 2026-0001")).to_be_visible()
    expect(page.get_by_text("Betald", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "commissions-invoiced")
    href = page.get_by_role("link", name="Ladda ner 2026-0001 (PDF)").get_attribute("href")
    assert href is not None
    answer = page.request.get(href)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")

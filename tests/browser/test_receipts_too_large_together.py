"""At the station Alva photographs her tickets with her phone, some 6 MB each, and saves her draft with all of
them. Together they are more than the server takes in one request (12 MB): the page says so by the receipts
before anything is sent, keeps what she typed, and the draft stays as it was. Without scripts the server's
own 413 page says what happened and what to do, instead of the API's JSON."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.conftest import (
    PHONE,
    assert_accessible,
    assert_fits_the_screen,
    assert_nothing_refused,
    screenshot,
    sign_in,
)
from tests.browser.test_commissions import PNG

TOO_LARGE_TOGETHER = "Kvittona är för stora för att skickas tillsammans (högst 12 MB per sparning)."


def photo(name: str, megabytes: float) -> dict[str, object]:
    """A phone's photo of a ticket, as large as a phone makes it: a PNG padded to that size."""
    return {"name": name, "mimeType": "image/png", "buffer": PNG + b"\0" * int(megabytes * 1024 * 1024)}


def a_draft_with_an_expense(phone: Page, title: str) -> str:
    """Her draft with the train there saved, without its receipt; its edit page's address."""
    phone.goto("/commissions/new")
    phone.get_by_label("Kund", exact=True).select_option(label="Folkteatern i Mellanstad AB")
    phone.get_by_label("Vad du gör").fill(title)
    phone.get_by_label("Första dagen").fill("2026-11-16")
    phone.get_by_label("Sista dagen").fill("2026-11-17")
    phone.get_by_label("Arbetstid").fill("2")
    phone.get_by_label("Beskrivning", exact=True).fill("Ljus")
    phone.get_by_label("Antal", exact=True).fill("2")
    phone.get_by_label("Pris per enhet, exkl. moms (kr)").fill("3 500")
    phone.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    phone.get_by_label("Datum på kvittot").fill("2026-11-16")
    phone.get_by_label("Vad du betalade för").fill("Tåg till Mellanstad")
    phone.get_by_label("Belopp inkl. moms (kr)").fill("189")
    phone.get_by_role("button", name="Spara utkast").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    phone.get_by_role("link", name="Ändra utkastet").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ändra utkastet")
    return phone.url


def test_receipts_too_large_together_are_not_sent_and_her_typing_stays(phone: Page) -> None:
    title = "Ljus till Novemberfesten"  # in no other commission of the demo database the tests share
    sign_in(phone, "alva@example.se")
    edit = a_draft_with_an_expense(phone, title)

    phone.get_by_label("Arbetstid").fill("3")
    saved = phone.locator(".kept-expenses > li").filter(has_text="Tåg till Mellanstad")
    saved.get_by_label("Kvitto", exact=True).set_input_files(files=[photo("biljett-dit.png", 6.5)])
    phone.get_by_role("button", name="Lägg till ett utlägg").click()  # htmx sends it, 6.5 MB: it fits
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    new = phone.locator(".expense-row").first
    new.get_by_label("Datum på kvittot").fill("2026-11-17")
    new.get_by_label("Vad du betalade för").fill("Tåg hem")
    new.get_by_label("Belopp inkl. moms (kr)").fill("189")
    new.get_by_label("Kvitto", exact=True).set_input_files(files=[photo("biljett-hem.png", 6.5)])

    sent: list[Request] = []
    phone.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    phone.get_by_role("button", name="Spara utkast", exact=True).last.click()

    message = phone.get_by_role("alert").filter(has_text=TOO_LARGE_TOGETHER)
    expect(message).to_be_visible()
    expect(message).to_contain_text(
        "Spara utan några av dem och lägg till dem efteråt, ett eller två åt gången."
    )
    expect(message).to_be_focused()  # on her phone the save button is screens below the receipts
    assert sent == []
    expect(phone).to_have_url(edit)
    expect(phone.get_by_label("Arbetstid")).to_have_value("3")
    expect(new.get_by_label("Vad du betalade för")).to_have_value("Tåg hem")
    expect(new.get_by_label("Belopp inkl. moms (kr)")).to_have_value("189")
    assert (
        new.get_by_label("Kvitto", exact=True).evaluate("field => field.files[0].name") == "biljett-hem.png"
    )
    assert_nothing_refused(phone)
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "commissions-receipts-too-large-together")

    # Nothing reached the draft: it is as she saved it before.
    phone.goto(edit)
    expect(phone.get_by_label("Arbetstid")).to_have_value("2")
    expect(phone.get_by_text("Tåg hem")).to_have_count(0)

    # One photo over 10 MB is named by its own field, in the words the server would use.
    saved = phone.locator(".kept-expenses > li").filter(has_text="Tåg till Mellanstad")
    saved.get_by_label("Kvitto", exact=True).set_input_files(files=[photo("panorama.png", 10.5)])
    phone.get_by_role("button", name="Spara utkast", exact=True).last.click()
    expect(saved.locator(".error")).to_have_text("Ett kvitto får vara högst 10 MB.")
    expect(saved.get_by_label("Kvitto", exact=True)).to_have_attribute("aria-invalid", "true")
    assert sent == []

    # The one she can send, alone, is saved.
    saved.get_by_label("Kvitto", exact=True).set_input_files(files=[photo("biljett-dit.png", 6.5)])
    expect(saved.locator(".error")).to_have_count(0)  # a new choice takes the old message away
    phone.get_by_role("button", name="Spara utkast", exact=True).last.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.get_by_role("link", name="Kvitto: biljett-dit.png")).to_be_visible()


def test_without_scripts_the_server_answers_with_a_page_saying_what_to_do(
    browser: Browser, live_url: str
) -> None:
    context = browser.new_context(
        base_url=live_url, viewport=PHONE, locale="sv-SE", is_mobile=True, java_script_enabled=False
    )
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    try:
        title = "Ljus till Decemberfesten"  # in no other commission of the demo database the tests share
        sign_in(phone, "alva@example.se")
        a_draft_with_an_expense(phone, title)
        phone.get_by_label("Arbetstid").fill("3")
        saved = phone.locator(".kept-expenses > li").filter(has_text="Tåg till Mellanstad")
        saved.get_by_label("Kvitto", exact=True).set_input_files(files=[photo("biljett.png", 12.5)])
        phone.get_by_role("button", name="Spara utkast", exact=True).last.click()

        expect(phone.get_by_role("heading", level=1)).to_have_text("Det du skickade var för stort")
        expect(phone.get_by_text("Högst 12 MB kan skickas på en gång")).to_be_visible()
        expect(phone.get_by_text("Gå tillbaka med webbläsarens bakåtknapp.")).to_be_visible()
        assert_fits_the_screen(phone)
        screenshot(phone, "commissions-receipts-too-large-page")

        # As the page says, the browser's back button brings back what she typed.
        phone.go_back()
        expect(phone.get_by_label("Arbetstid")).to_have_value("3")
    finally:
        context.close()

"""An open annual meeting run from its page in a real browser: the chair takes an item up ("Ta upp"), records
decisions taken without a vote ("Beslut utan omröstning"), sees a blank one refused by its field with the
page kept, and a statute change pointed to the vote; on a desktop and on a 390 px phone. Closing it with
items not dealt with needs a ticked box.

The test makes a meeting of its own (the demo's annual meeting stays as it is for other tests)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, screenshot, sign_in

CHAIR = "ordforande@interimkultur.example.se"
TITLE = "Årsmöte med beslut utan omröstning"


def open_meeting_with_its_agenda(page: Page) -> str:
    """A new annual meeting today with the standard agenda and a statute change, Alva present, opened."""
    page.goto("/meetings/new")
    page.get_by_label("Rubrik").fill(TITLE)
    page.get_by_label("Dag", exact=True).fill(datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat())
    page.get_by_label("Börjar klockan").fill("18:30")
    page.get_by_label("Plats").fill("Kulturgatan 7, Stockholm")
    page.get_by_role("button", name="Skapa mötet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    meeting_url = page.url
    page.get_by_role("button", name="Lägg till årsmötets standarddagordning").click()
    page.get_by_role("link", name="Lägg till en punkt på dagordningen").click()
    page.get_by_label("Slag av punkt").select_option(label="Styrelsens förslag")
    page.get_by_label("Rubrik").fill("Ändring av stadgarna om medlemsavgiften")
    page.get_by_label("Punkten ändrar stadgarna").check()
    page.get_by_role("button", name="Lägg till punkten").click()
    page.get_by_role("link", name="Närvaro och fullmakter").click()
    present = page.get_by_label("Närvarande medlem")
    # all_inner_texts does not wait: read the options once the attendance page has come.
    expect(present.locator("option", has_text="Alva")).to_have_count(1)
    present.select_option(
        label=next(o for o in present.locator("option").all_inner_texts() if o.startswith("Alva"))
    )
    page.get_by_role("button", name="Registrera som närvarande").click()
    page.goto(meeting_url)
    page.get_by_role("link", name="Öppna mötet").click()
    page.get_by_label("Varför mötet öppnas fast kallelsen inte gick ut i tid").fill("Provmöte i webbtestet.")
    page.get_by_role("button", name="Öppna mötet").click()
    expect(page.get_by_text("Pågår").first).to_be_visible()
    return meeting_url


def test_the_chair_takes_items_up_and_records_decisions_without_a_vote(page: Page, phone: Page) -> None:
    sign_in(page, CHAIR)
    meeting_url = open_meeting_with_its_agenda(page)
    items = page.locator("ol.agenda > li")
    opening, chair_item, roll = items.nth(0), items.nth(1), items.nth(4)
    expect(chair_item.get_by_role("heading")).to_have_text("Val av ordförande vid stämman")
    expect(roll.get_by_role("heading")).to_have_text("Upprättande och godkännande av röstlängd")
    # The statute change added after the standard agenda stands before its closing, not after it.
    statute = items.nth(-2)
    expect(statute.get_by_role("heading")).to_have_text("Ändring av stadgarna om medlemsavgiften")
    expect(items.last.get_by_role("heading")).to_have_text("Stämmans avslutande")

    opening.get_by_role("button", name="Ta upp").click()
    expect(opening.get_by_text("§ 1")).to_be_visible()
    expect(opening.get_by_role("button", name="Ta upp")).to_have_count(0)

    chair_item.get_by_label("Beslut utan omröstning").fill("välja Alva Andersson till ordförande för stämman")
    chair_item.get_by_role("button", name="Anteckna beslutet").click()
    expect(
        chair_item.get_by_text("Stämman beslutade att välja Alva Andersson till ordförande för stämman.")
    ).to_be_visible()
    expect(chair_item.get_by_text("§ 2")).to_be_visible()
    expect(chair_item.get_by_role("button", name="Anteckna beslutet")).to_have_count(0)

    # Only spaces: the server refuses it by the field, and says so in Swedish.
    roll.get_by_label("Beslut utan omröstning").fill("   ")
    roll.get_by_role("button", name="Anteckna beslutet").click()
    expect(roll.get_by_text("Skriv vad mötet beslutade.")).to_be_visible()
    expect(roll.get_by_label("Beslut utan omröstning")).to_have_attribute("aria-invalid", "true")
    roll.get_by_label("Beslut utan omröstning").fill("godkänna röstlängden")
    roll.get_by_role("button", name="Anteckna beslutet").click()
    expect(roll.get_by_text("Stämman beslutade att godkänna röstlängden.")).to_be_visible()
    expect(roll.get_by_text("§ 3")).to_be_visible()

    expect(statute.get_by_label("Beslut utan omröstning")).to_have_count(0)
    expect(statute.get_by_text("kräver kvalificerad majoritet")).to_be_visible()
    assert_accessible(page)
    page.locator("#agenda").scroll_into_view_if_needed()
    screenshot(page, "meetings-conduct")

    sign_in(phone, CHAIR)
    phone.goto(meeting_url)
    expect(phone.get_by_text("Stämman beslutade att godkänna röstlängden.")).to_be_visible()
    expect(phone.locator("ol.agenda > li").nth(2).get_by_role("button", name="Ta upp")).to_be_visible()
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "meetings-conduct-phone")

    # Closing is final: with items left "Avsluta mötet" leads to a second step that names them and asks for a
    # ticked box, which the server asks for too (a browser that sends the form without it is refused by it).
    phone.get_by_role("button", name="Avsluta mötet").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Avsluta mötet")
    expect(phone.get_by_text("punkter på dagordningen är inte behandlade:")).to_be_visible()
    expect(phone.get_by_role("link", name="Ändring av stadgarna om medlemsavgiften")).to_be_visible()
    # The agenda's closing is no business left over: closing the meeting deals with it.
    expect(phone.get_by_role("link", name="Stämmans avslutande")).to_have_count(0)
    anyway = phone.get_by_label("Jag vill avsluta mötet ändå")
    expect(anyway).to_have_attribute("required", "")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    screenshot(phone, "meetings-close-items-left-phone")
    anyway.evaluate("box => box.removeAttribute('required')")
    phone.get_by_role("button", name="Avsluta mötet").click()
    expect(phone.locator("#e-confirm_items_not_dealt_with")).to_have_text(
        "Punkter på dagordningen är inte behandlade. Kryssa i att du vill avsluta mötet ändå, eller behandla "
        "dem först."
    )
    assert_accessible(phone)
    screenshot(phone, "meetings-close-refused-phone")
    phone.goto(meeting_url)
    expect(phone.get_by_text("Pågår").first).to_be_visible()
    phone.get_by_role("button", name="Avsluta mötet").click()
    phone.get_by_label("Jag vill avsluta mötet ändå").check()
    phone.get_by_role("button", name="Avsluta mötet").click()
    expect(phone.get_by_role("button", name="Upprätta protokollet")).to_be_visible()

    # A member reads the decisions; the controls are the board's.
    phone.get_by_role("button", name="Logga ut").click()
    sign_in(phone, "alva@example.se")
    phone.goto(meeting_url)
    expect(phone.get_by_text("Stämman beslutade att godkänna röstlängden.")).to_be_visible()
    expect(phone.get_by_role("button", name="Ta upp")).to_have_count(0)
    expect(phone.get_by_label("Beslut utan omröstning")).to_have_count(0)

    # The auditor reads in the event log which business the meeting left over: the items are listed under
    # their label, each title wrapping within a phone's width (a list beside the label held it 100 px wider).
    phone.get_by_role("button", name="Logga ut").click()
    sign_in(phone, "revisor@interimkultur.example.se")
    phone.goto("/office/audit?kind=meeting_closed")
    left = phone.locator("dd:has(> ol.payload-list)").first
    expect(left).to_contain_text("Ändring av stadgarna om medlemsavgiften")
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-audit-meeting-closed")

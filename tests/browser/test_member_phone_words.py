"""What Alva reads on her 390 px phone: no word broken in the middle, not a client's long Swedish name on an
English page nor a heading at its hyphen; and a saved expense removed from her draft only when she saves it,
with what she typed."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_fits_the_screen, screenshot, sign_in

#: The number of lines ``word`` is drawn on inside the first element ``selector`` finds (-1: not there).
LINES_OF_WORD = """([selector, word]) => {
  const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(word);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  }
  return -1;
}"""


def lines_of(page: Page, selector: str, word: str) -> int:
    page.wait_for_load_state("load")  # measured with the stylesheet applied
    lines: int = page.evaluate(LINES_OF_WORD, [selector, word])
    return lines


def test_a_long_client_name_is_not_broken_mid_word_on_an_english_phone_page(phone: Page) -> None:
    """Beside "The client's reference" the value's column was 9rem: "Kulturförvaltninge" / "n"."""
    sign_in(phone, "alva@example.se")
    phone.goto("/language/en?next=/commissions")
    phone.locator("main a", has_text="Skrivarverkstad för unga").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Skrivarverkstad för unga")
    assert lines_of(phone, "main dl.facts", "Kulturförvaltningen") == 1
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-member-commission-english")


def test_the_e_mail_heading_breaks_between_its_words_not_at_its_hyphen(phone: Page) -> None:
    sign_in(phone, "alva@example.se")
    phone.goto("/me/notifications")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mina e-postmeddelanden")
    assert lines_of(phone, "main h1", "e-postmeddelanden") == 1
    assert_fits_the_screen(phone)


def test_a_saved_expense_removed_on_her_phone_goes_with_the_draft_she_saves(phone: Page) -> None:
    title = "Kostym till Julspelet"  # in no other commission of the demo database the tests share
    sign_in(phone, "alva@example.se")
    phone.goto("/commissions/new")
    phone.get_by_label("Kund", exact=True).select_option(label="Folkteatern i Mellanstad AB")
    phone.get_by_label("Vad du gör").fill(title)
    phone.get_by_label("Första dagen").fill("2026-11-16")
    phone.get_by_label("Sista dagen").fill("2026-11-17")
    phone.get_by_label("Arbetstid").fill("2")
    phone.get_by_label("Beskrivning", exact=True).fill("Kostym")
    phone.get_by_label("Antal", exact=True).fill("2")
    phone.get_by_label("Pris per enhet, exkl. moms (kr)").fill("3 000")
    phone.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(phone.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    phone.get_by_label("Datum på kvittot").fill("2026-11-16")
    phone.get_by_label("Vad du betalade för").fill("Sammet")
    phone.get_by_label("Belopp inkl. moms (kr)").fill("480")
    phone.get_by_role("button", name="Spara utkast").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)

    phone.get_by_role("link", name="Ändra utkastet").click()
    phone.get_by_label("Vad du gör").fill(f"{title} och Lucia")
    phone.get_by_role("button", name="Ta bort utlägget").click()
    expect(phone.get_by_text("Utlägget tas bort när du sparar utkastet.")).to_be_visible()
    expect(phone.get_by_label("Vad du gör")).to_have_value(f"{title} och Lucia")  # her typing kept
    assert_fits_the_screen(phone)
    screenshot(phone, "commissions-draft-expense-marked")
    phone.get_by_role("button", name="Spara utkast", exact=True).last.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"{title} och Lucia")
    expect(phone.get_by_text("Sammet")).to_have_count(0)

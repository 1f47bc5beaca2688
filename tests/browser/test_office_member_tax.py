"""The member's new tax setting on a 390 px phone (docs/payroll.md §3, "Extra tax"): the treasurer at month
end types an extra tax with SINK, then leaves the day empty; each refusal is said in Swedish right below its
own box, with what she typed kept, and the page needs no sideways scrolling before or after.

Nothing is saved (every attempt is refused), so the shared demo's payroll, which other browser tests run, is
the same after this test as before it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    assert_nothing_refused,
    screenshot,
    sign_in,
)

TREASURER = "kassor@interimkultur.example.se"


def _refusal_below(page: Page, name: str, message: str) -> None:
    """The refusal of ``tax_<name>`` is its box's: in the box's field, named by the box's aria-describedby,
    and drawn just below the box, not at the top of the form or the page."""
    box = page.locator(f"#f-tax_{name}")
    error = page.locator(f"#e-tax_{name}")
    expect(error).to_have_text(message)
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_attribute("aria-describedby", re.compile(rf"(^| )e-tax_{name}$"))
    expect(page.locator(f".field:has(#f-tax_{name}) #e-tax_{name}")).to_have_count(1)
    below, above = error.bounding_box(), box.bounding_box()
    assert below is not None
    assert above is not None
    assert 0 <= below["y"] - (above["y"] + above["height"]) < 24, (above, below)


def test_the_tax_setting_form_refuses_by_its_fields_and_fits_a_phone(phone: Page) -> None:
    sign_in(phone, TREASURER)
    phone.goto("/office/members")
    phone.locator("main table a[href^='/office/members/']", has_text="Cleo").first.click()
    member = phone.url.split("#")[0]
    phone.goto(member + "#tax")
    form = phone.locator("#tax form")
    expect(form.get_by_role("button", name="Lägg till skatteinställningen")).to_be_visible()
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-office-member-tax")

    phone.locator("#f-tax_valid_from").fill("2026-12-01")
    phone.locator("#f-tax_mode").select_option("sink")
    phone.locator("#f-tax_extra_monthly_tax").fill("500")
    phone.locator("#f-tax_note").fill("Flyttar till Berlin")
    form.get_by_role("button", name="Lägg till skatteinställningen").click()

    _refusal_below(
        phone,
        "extra_monthly_tax",
        "SINK och A-SINK är definitiva skatter: ingen extra skatt dras med dem. "
        "Låt den extra skatten vara 0.",
    )
    expect(phone.locator("#f-tax_valid_from")).to_have_value("2026-12-01")
    expect(phone.locator("#f-tax_mode")).to_have_value("sink")
    expect(phone.locator("#f-tax_extra_monthly_tax")).to_have_value("500")
    expect(phone.locator("#f-tax_note")).to_have_value("Flyttar till Berlin")
    assert_fits_the_screen(phone)
    assert_nothing_refused(phone)
    assert_accessible(phone)
    screenshot(phone, "phone-office-member-tax-refused")

    phone.locator("#f-tax_valid_from").fill("")
    phone.locator("#f-tax_mode").select_option("flat")
    phone.locator("#f-tax_extra_monthly_tax").fill("1 000")
    phone.locator("#tax form").get_by_role("button", name="Lägg till skatteinställningen").click()

    _refusal_below(phone, "valid_from", "Fyll i fältet.")
    expect(phone.locator("#f-tax_extra_monthly_tax")).to_have_value("1 000")
    expect(phone.locator("#e-tax_extra_monthly_tax")).to_have_count(0)
    assert_fits_the_screen(phone)
    phone.goto(member + "#tax")
    expect(phone.locator("#tax")).not_to_contain_text("Flyttar till Berlin")  # nothing was saved

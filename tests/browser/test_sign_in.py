"""Signing in and out in a real browser, on a desktop and on a phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, page_width, screenshot, sign_in


def test_a_member_signs_in_sees_her_start_page_and_signs_out(page: Page) -> None:
    page.goto("/")
    assert page.url.endswith("/signin?next=%2F")
    assert_accessible(page)
    screenshot(page, "signin")
    sign_in(page, "alva@example.se")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hej Alva")
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.goto("/")
    assert "/signin" in page.url


def test_a_wrong_password_is_said_next_to_the_form_and_keeps_the_e_mail(page: Page) -> None:
    page.goto("/signin")
    page.get_by_label("E-post").fill("alva@example.se")
    page.get_by_label("Lösenord").fill("not the password")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_have_text("Fel e-post eller lösenord.")
    expect(page.get_by_label("E-post")).to_have_value("alva@example.se")


def test_the_menu_fits_a_phone_and_english_is_one_click_away(phone: Page) -> None:
    sign_in(phone, "alva@example.se")
    phone.get_by_role("link", name="English").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello, Alva")
    width = page_width(phone)
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    assert_accessible(phone)
    screenshot(phone, "start-phone-en")
    phone.get_by_role("link", name="Svenska").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hej Alva")

"""The header's own links on a 390 px phone: a member's four (language, her details, password, sign out) stay
on one line, as the admin's three do, even on her details page where "Mina uppgifter" is bold."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import sign_in


@pytest.mark.parametrize(
    ("email", "path"),
    [("alva@example.se", "/"), ("alva@example.se", "/me"), ("kassor@interimkultur.example.se", "/me")],
)
def test_sign_out_stays_on_the_line_of_the_other_header_links(phone: Page, email: str, path: str) -> None:
    sign_in(phone, email)
    phone.goto(path)
    password = phone.locator(".tools").get_by_role("link", name="Lösenord").bounding_box()
    sign_out = phone.get_by_role("button", name="Logga ut").bounding_box()
    assert password is not None
    assert sign_out is not None
    assert abs(sign_out["y"] - password["y"]) < 8, (password, sign_out)


def test_every_menu_link_is_at_least_24_px_high_to_tap(phone: Page) -> None:
    """WCAG 2.2, 2.5.8: a target to tap is at least 24 by 24 CSS pixels. The text alone made each menu link
    19 px high on a phone, the guides' categories too."""
    sign_in(phone, "alva@example.se")
    for path, selector in (("/", ".top nav a, .tools a, .tools button"), ("/kb", ".kb-categories a")):
        phone.goto(path)
        targets = phone.locator(selector).all()
        assert len(targets) >= 3
        for target in targets:
            box = target.bounding_box()
            assert box is not None
            assert (box["width"] >= 24, box["height"] >= 24) == (True, True), (target.inner_text(), box)

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

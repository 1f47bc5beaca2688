"""Every role's main pages on a 390 px phone: nothing wider than the screen, so nobody scrolls sideways.

Each role signs in once on a phone (the demo's member Alva, the treasurer, the chair of the board and the
admin) and opens its pages in turn; each page must fit (``assert_fits_the_screen`` names what sticks out) and
is photographed when the run asks for screenshots (``phone-<role>-<page>.png``). A detail page is reached by
the first link of its list, since other browser tests add rows to the shared demo meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    PHONE,
    assert_fits_the_screen,
    assert_nothing_refused,
    screenshot,
    sign_in,
    watch_the_policy,
)

MEMBER = "alva@example.se"
TREASURER = "kassor@interimkultur.example.se"
BOARD = "ordforande@interimkultur.example.se"
ADMIN = "admin@interimkultur.example.se"

#: (who, the page, or the list page and the CSS selector of the link to follow from it)
PAGES: list[tuple[str, str, str | None]] = [
    (MEMBER, "/", None),
    (MEMBER, "/commissions", None),
    (MEMBER, "/commissions/new", None),
    (MEMBER, "/commissions", "main a[href^='/commissions/']:not([href$='/new'])"),
    (MEMBER, "/pay", None),
    (MEMBER, "/calculator", None),
    (MEMBER, "/me", None),
    (MEMBER, "/me/notifications", None),
    (MEMBER, "/kb", None),
    (MEMBER, "/kb/employment-per-assignment", None),
    (MEMBER, "/kb/tax", None),
    (MEMBER, "/meetings", None),
    (MEMBER, "/meetings", "main table a[href^='/meetings/']"),
    (MEMBER, "/account/password", None),
    (TREASURER, "/", None),
    (TREASURER, "/office", None),
    (TREASURER, "/office/inbox", None),
    (TREASURER, "/office/invoices", None),
    (TREASURER, "/office/invoices", "main table a[href^='/office/invoices/']"),
    (TREASURER, "/office/payments", None),
    (TREASURER, "/office/reminders", None),
    (TREASURER, "/office/clients", None),
    (TREASURER, "/office/members", None),
    (TREASURER, "/office/members", "main table a[href^='/office/members/']"),
    (TREASURER, "/office/payroll", None),
    (TREASURER, "/office/payroll", "main table a[href^='/office/payroll/']"),
    (TREASURER, "/office/month-end", None),
    (TREASURER, "/office/month-end?month=2026-11", None),
    (TREASURER, "/office/mail", None),
    (TREASURER, "/office/mail", "main table a[href^='/office/mail/']"),
    (TREASURER, "/office/jobs", None),
    (TREASURER, "/office/parameters", None),
    (TREASURER, "/office/audit", None),
    (TREASURER, "/kb/approving-a-commission", None),
    (TREASURER, "/kb/month-end-routine", None),
    (TREASURER, "/me/notifications", None),
    (BOARD, "/", None),
    (BOARD, "/meetings", None),
    (BOARD, "/meetings/new", None),
    (BOARD, "/meetings/per-capsulam", None),
    (BOARD, "/kb", None),
    (BOARD, "/kb/share", None),
    (BOARD, "/me/notifications", None),
    (ADMIN, "/admin", None),
    (ADMIN, "/admin/users/new", None),
    (ADMIN, "/admin/cooperative", None),
    (ADMIN, "/office/members/new", None),
]


def _role(email: str) -> str:
    return email.split("@")[0]


def _name(email: str, path: str, link: str | None) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "start"
    return f"phone-{_role(email)}-{words}{'-first' if link else ''}"


def _open(phone: Page, path: str) -> None:
    response = phone.goto(path)
    assert response is not None, path
    assert response.ok, f"{path}: {response.status}"


@pytest.fixture(scope="module")
def phones(browser: Browser, live_url: str) -> Iterator[dict[str, Page]]:
    """One signed-in phone per person, shared by this module's tests: signing in is the slow part."""
    contexts = []
    pages: dict[str, Page] = {}
    for email in (MEMBER, TREASURER, BOARD, ADMIN):
        context = watch_the_policy(
            browser.new_context(
                base_url=live_url, viewport=PHONE, locale="sv-SE", is_mobile=True, has_touch=True
            )
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, email)
        pages[email] = page
    yield pages
    for context in contexts:
        context.close()


@pytest.mark.parametrize(
    ("email", "path", "link"),
    PAGES,
    ids=[_name(email, path, link).removeprefix("phone-") for email, path, link in PAGES],
)
def test_the_page_fits_a_phone(phones: dict[str, Page], email: str, path: str, link: str | None) -> None:
    phone = phones[email]
    _open(phone, path)
    if link:
        href = phone.locator(link).first.get_attribute("href")
        assert href, f"no link {link} on {path}"
        _open(phone, href)
    screenshot(phone, f"phones/{_name(email, path, link)}")  # a folder of their own beside the docs' pictures
    assert_fits_the_screen(phone)
    assert_nothing_refused(phone)


def test_the_check_names_what_sticks_out(phones: dict[str, Page]) -> None:
    """The check can fail: a word wider than the phone is named, with where it ends."""
    phone = phones[MEMBER]
    phone.goto("/me/notifications")
    # Styled through the DOM: a style attribute in markup is refused by the page's Content-Security-Policy.
    phone.evaluate(
        "const p = document.createElement('p'); p.id = 'too-wide'; p.style.whiteSpace = 'nowrap';"
        " p.textContent = 'x'.repeat(200); document.querySelector('main').append(p)"
    )
    with pytest.raises(AssertionError, match=r'p#too-wide "x+" ends at \d+px'):
        assert_fits_the_screen(phone)


def test_the_policy_check_names_what_was_refused(phones: dict[str, Page]) -> None:
    """The check can fail: a style attribute added in markup, as an injected text would, is refused by the
    page's policy and named."""
    phone = phones[MEMBER]
    phone.goto("/me/notifications")
    phone.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )
    phone.wait_for_function("window.__refused.length > 0")
    with pytest.raises(AssertionError, match="style-src-attr refused inline"):
        assert_nothing_refused(phone)

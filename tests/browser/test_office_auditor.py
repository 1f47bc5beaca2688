"""The auditor (revisor) in Chromium, on a desk and on a 390 px phone: the demo's Rut Revisor reaches the
office's pages from the menu, reads them, and is shown no form or button that changes anything.

Pictures: ``auditor-<page>.png`` (desktop) and ``phone-auditor-<page>.png``."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_fits_the_screen, screenshot, sign_in

AUDITOR = "revisor@interimkultur.example.se"

#: (the page, or the list page and the CSS selector of the link to follow from it)
PAGES: list[tuple[str, str | None]] = [
    ("/office", None),
    ("/office/inbox", None),
    ("/office/invoices", None),
    ("/office/invoices", "main table a[href^='/office/invoices/']"),
    ("/office/payments", None),
    ("/office/clients", "main table a[href^='/office/clients/']"),
    ("/office/members", None),
    ("/office/members", "main table a[href^='/office/members/']"),
    ("/office/payroll", None),
    ("/office/payroll", "main table a[href^='/office/payroll/']"),
    ("/office/month-end?month=2026-11", None),
    ("/office/mail", None),
    ("/office/jobs", None),
    ("/office/parameters", None),
    ("/office/audit", None),
]


def _name(path: str, link: str | None) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    return f"{words}{'-first' if link else ''}"


def _open(page: Page, path: str, link: str | None) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, f"{path}: {response.status}"
    if link:
        href = page.locator(link).first.get_attribute("href")
        assert href, f"no link {link} on {path}"
        response = page.goto(href)
        assert response is not None, href
        assert response.ok, f"{href}: {response.status}"


def _reads_only(page: Page) -> None:
    """Nothing in the page's content acts: no POST form, no link to a form that makes something."""
    expect(page.locator("main form[method='post']")).to_have_count(0)
    expect(
        page.locator("main a[href$='/new'], main a[href*='/new?'], main a[href$='/credit']")
    ).to_have_count(0)


def test_the_auditor_finds_the_office_in_the_menu_and_is_told_she_only_reads(page: Page) -> None:
    sign_in(page, AUDITOR)
    page.get_by_role("link", name="Kansliet").first.click()
    expect(page.locator("#reads-only")).to_contain_text("Du läser kansliets sidor som revisor")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)


@pytest.mark.parametrize(("path", "link"), PAGES, ids=[_name(p, link) for p, link in PAGES])
def test_the_auditor_reads_the_office_page_on_a_desk(page: Page, path: str, link: str | None) -> None:
    sign_in(page, AUDITOR)
    _open(page, path, link)
    _reads_only(page)
    screenshot(page, f"auditor-{_name(path, link)}")


@pytest.mark.parametrize(("path", "link"), PAGES, ids=[_name(p, link) for p, link in PAGES])
def test_the_auditor_reads_the_office_page_on_a_phone(phone: Page, path: str, link: str | None) -> None:
    sign_in(phone, AUDITOR)
    _open(phone, path, link)
    _reads_only(phone)
    assert_fits_the_screen(phone)
    screenshot(phone, f"phone-auditor-{_name(path, link)}")

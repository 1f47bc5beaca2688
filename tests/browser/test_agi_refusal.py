"""The month-end page in a real browser as the treasurer sees an AGI refused for fields Skatteverket would
refuse: the list of fields, in Swedish, on a desk and on a phone.

The page is the web test's own (the test app on the test database, ``tests/web/test_agi_field_formats.py``),
not the shared demo's: the refusal needs details the demo must not have. Chromium is given the refused page,
and asks the test app for its stylesheet and anything else it links to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy.orm import Session

from kooperativet.parties.models import Cooperative
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_the_screen, screenshot
from tests.exports.conftest import PayeesAbroad, export_day, exporter, payees_abroad
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import browser_client
from tests.web.test_agi_field_formats import refused_month_end

__all__ = ["browser_client", "export_day", "exporter", "paid_assignment", "payees_abroad", "payroll_ready"]

ORIGIN = "http://testserver"


@contextmanager
def showing(browser: Browser, client: TestClient, html: str, viewport: dict[str, int]) -> Iterator[Page]:
    """A page showing ``html`` at ``ORIGIN``, whose requests the test app answers (as the signed-in
    ``client``)."""
    context = browser.new_context(viewport=viewport, locale="sv-SE", is_mobile=viewport == PHONE)

    def answer(route: Route) -> None:
        response = client.get(route.request.url.removeprefix(ORIGIN))
        route.fulfill(
            status=response.status_code,
            body=response.content,
            content_type=response.headers.get("content-type", "text/html"),
        )

    context.route(f"{ORIGIN}/**", answer)
    page = context.new_page()
    page.goto(f"{ORIGIN}/office/month-end?month=2026-11")
    page.set_content(html)
    try:
        yield page
    finally:
        context.close()


def test_the_treasurer_sees_every_field_to_correct_on_a_desk_and_a_phone(
    browser: Browser,
    browser_client: TestClient,
    session: Session,
    exporter: Cooperative,
    payees_abroad: PayeesAbroad,
    export_day: date,
) -> None:
    html = refused_month_end(browser_client, session, exporter, payees_abroad)
    for name, viewport in (
        ("office-month-end-agi-refused", DESKTOP),
        ("office-month-end-agi-refused-phone", PHONE),
    ):
        with showing(browser, browser_client, html, viewport) as page:
            problems = page.locator("#agi-problems")
            expect(problems).to_be_visible()
            expect(problems).to_contain_text("Skatteverket skulle avvisa hela deklarationen")
            expect(problems.locator("li")).to_have_count(4)
            expect(problems).to_contain_text("Föreningens uppgifter: kontaktpersonens telefonnummer")
            expect(problems.get_by_role("link", name="Pierre Dupont")).to_have_attribute(
                "href", f"/office/members/{payees_abroad.pierre.id}"
            )
            expect(problems).to_contain_text("Pierre Dupont")
            problems.scroll_into_view_if_needed()
            if viewport == PHONE:
                assert_fits_the_screen(page)
            else:
                assert_accessible(page)
            screenshot(page, name)

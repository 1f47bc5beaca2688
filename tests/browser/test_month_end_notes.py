"""The month end's export notes in a real browser on a phone: a date in a note never breaks at its hyphen
(``2026-11-`` over ``20``) nor, in English, ``20 Nov`` over ``2026``; the notes are the page's own
(``export_note_words.notes_shown``), each date a ``<time class="nowrap">``.

The page is the web test's own (the test app on the test database): Chromium is given the month-end page with
one batch whose notes put their dates at every place along a line, and asks the test app for its stylesheet.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch, ExportKind
from tests.browser.conftest import PHONE, assert_fits_the_screen
from tests.browser.test_agi_refusal import showing
from tests.web.conftest import browser_client, sign_in

__all__ = ["browser_client"]

PAGE = "/office/month-end?month=2026-11"
#: Names from one letter to forty, so that the date after them falls at every place along a phone's line.
NOTES = [
    f"bank account of {'Å' + 'x' * length} (member {length}) changed on 2026-11-20, since the previous "
    "payment file, and was confirmed: this file pays IBAN SE35****0003"
    for length in range(40)
] + [f"payroll run {run} (2026-11-25) is not approved and was left out" for run in range(1, 100, 7)]

#: For each date in the notes, how many lines it is drawn on (an inline box has one client rect per line).
_LINES_OF_EACH_DATE = """
() => [...document.querySelectorAll("ul.notes time")].map((time) => time.getClientRects().length)
"""

#: The dates as plain text, as the page showed them before they were kept on one line.
_PLAIN_DATES = "document.querySelectorAll('ul.notes time').forEach((time) => time.classList.remove('nowrap'))"


def _month_end(client: TestClient, session: Session, make_user, language: str) -> str:
    content = b"#FLAGGA 0\n"
    session.add(
        ExportBatch(
            kind=ExportKind.sie,
            date_from=date(2026, 11, 1),
            date_to=date(2026, 11, 30),
            filename="sie4i-20261130.si",
            media_type="text/plain; charset=IBM437",
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            notes=NOTES,
            created_at=datetime(2026, 11, 30, 12, tzinfo=UTC),
        )
    )
    session.commit()
    sign_in(client, make_user(Role.treasurer).user.email)
    client.cookies.set("kooperativet_language", language)
    return client.get(PAGE).text


def _lines_of_each_date(page: Page) -> list[int]:
    page.wait_for_load_state("load")  # the stylesheet applied, as a person sees the page
    lines: list[int] = page.evaluate(_LINES_OF_EACH_DATE)
    return lines


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_date_in_a_note_stays_on_one_line_on_a_phone(
    browser: Browser, browser_client: TestClient, session: Session, make_user, language: str
) -> None:
    html = _month_end(browser_client, session, make_user, language)
    with showing(browser, browser_client, html, PHONE) as page:
        lines = _lines_of_each_date(page)
        assert len(lines) == len(NOTES)
        assert lines == [1] * len(NOTES)
        assert_fits_the_screen(page)
        # The notes do put dates where a line ends: as plain text, some would break (2026-11- over 20).
        page.evaluate(_PLAIN_DATES)
        assert 2 in _lines_of_each_date(page)

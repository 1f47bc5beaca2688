"""The arbetsgivarintyg in a real browser: Alva downloads hers from the pay page on her phone and at a desk,
is told by the field when her period is turned round, and the treasurer downloads Alva's with her leave."""

from __future__ import annotations

import io

import pypdf
from playwright.sync_api import Page, expect

from kooperativet.api.dependencies import today
from tests.browser.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    screenshot,
    sign_in,
)

TREASURER = "kassor@interimkultur.example.se"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _download(page: Page, button: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("arbetsgivarintyg-")
    return path.read_bytes()


def _her_certificate(page: Page, name: str) -> None:
    sign_in(page, "alva@example.se")
    page.get_by_role("link", name="Lön", exact=True).click()
    section = page.locator("#employer-certificate")
    expect(section.get_by_role("heading", level=2)).to_have_text("Arbetsgivarintyg")
    # The period the form offers: this year up to today in Sweden, as the server counts it.
    expect(section.get_by_label("Första dagen")).to_have_value(f"{today().year}-01-01")
    section.scroll_into_view_if_needed()
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, f"{name}-pay-employer-certificate")

    section.get_by_label("Första dagen").fill("2026-01-01")
    section.get_by_label("Sista dagen").fill(today().isoformat())  # her certificate ends today at the latest
    text = _text(_download(page, "Ladda ner intyget (PDF)"))
    assert "Alva" in text
    assert "Ingen ledighet har registrerats hos arbetsgivaren under perioden." in text

    # Turned round: the page again, the message by the last day, what she typed kept.
    section.get_by_label("Första dagen").fill("2026-06-01")
    section.get_by_label("Sista dagen").fill("2026-05-01")
    page.get_by_role("button", name="Ladda ner intyget (PDF)").click()
    expect(page.locator("#e-to")).to_have_text("Sista dagen ligger före den första.")
    expect(page.locator("#employer-certificate").get_by_label("Första dagen")).to_have_value("2026-06-01")
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, f"{name}-pay-employer-certificate-refused")


def test_on_her_phone_alva_downloads_her_employer_certificate(phone: Page) -> None:
    _her_certificate(phone, "phone")


def test_at_a_desk_alva_downloads_her_employer_certificate(page: Page) -> None:
    _her_certificate(page, "desktop")


def test_the_treasurer_states_alvas_leave_on_her_certificate(page: Page) -> None:
    sign_in(page, TREASURER)
    page.goto("/office/members")
    page.locator("table a", has_text="Alva").first.click()
    section = page.locator("#employer-certificate")
    section.get_by_label("Första dagen").fill("2026-01-01")
    section.get_by_label("Ledighet under perioden (frivilligt)").fill("Sjukledig 2026-10-07 – 2026-10-08")
    text = _text(_download(page, "Ladda ner intyget (PDF)"))
    assert "Alva" in text
    assert "Sjukledig 2026-10-07 – 2026-10-08." in text
    section.scroll_into_view_if_needed()
    assert_accessible(page)
    screenshot(page, "office-member-employer-certificate")

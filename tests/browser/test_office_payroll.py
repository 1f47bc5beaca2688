"""The office in a real browser: the treasurer runs payroll for new paid work, exports the AGI, and reads the
parameters and the member register.

The demo's own run is approved already, so the test prepares new work through the same services the demo uses
(a commission for Alva, approved, invoiced and paid) and pays it in a run of its own.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from kooperativet.assignments.rules import ExtentUnit
from kooperativet.assignments.schemas import AssignmentCreate, FeeLineCreate
from kooperativet.auth.models import User
from kooperativet.core.vat import VatCategory
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DEMO_AUDIT_KEY
from kooperativet.invoices import payments
from kooperativet.invoices.schemas import PaymentCreate
from kooperativet.parties.models import Client, Member
from tests.browser.conftest import (
    DEMO_TODAY,
    DESKTOP,
    PHONE,
    assert_accessible,
    page_width,
    screenshot,
    sign_in,
)
from tests.browser.invoiced_work import invoice_alvas_commission

TREASURER = "kassor@interimkultur.example.se"
ADMIN = "admin@interimkultur.example.se"
#: A pay date after the demo's own run, in the month the AGI is then declared for.
PAY_DATE = "2026-12-23"
NOON = datetime.combine(DEMO_TODAY, time(12, 0), tzinfo=UTC)


@pytest.fixture(scope="module")
def alvas_paid_work(demo_database: str) -> str:
    """A new commission of Alva's, approved, invoiced and paid through the services: ready for a run."""
    engine = make_engine(demo_database)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY)
    with transaction(factory) as session:
        treasurer = session.scalars(select(User).where(User.email == TREASURER)).one()
        alva_user = session.scalars(select(User).where(User.email == "alva@example.se")).one()
        alva = session.scalars(select(Member).where(Member.user_id == alva_user.id)).one()
        client = session.scalars(select(Client).order_by(Client.id)).first()
        assert client is not None
        data = AssignmentCreate(
            client_id=client.id,
            title="Workshop i bildberättande",
            description="Två dagars workshop för lärare.",
            period_start=date(2026, 11, 16),
            period_end=date(2026, 11, 17),
            place="Stadsbiblioteket",
            extent_quantity=Decimal("2"),
            extent_unit=ExtentUnit.days,
            buyer_reference="Lena Berg",
            lines=[
                FeeLineCreate(
                    description="Workshopdagar",
                    quantity=Decimal("2"),
                    unit="DAY",
                    unit_price=Decimal("4000.00"),
                    vat_category=VatCategory.STANDARD,
                    vat_rate=Decimal("25"),
                )
            ],
        )
        invoice = invoice_alvas_commission(session, data=data, now=NOON)
        payments.record_payment(
            session,
            data=PaymentCreate(
                invoice_id=invoice.id, amount=invoice.outstanding, paid_on=DEMO_TODAY, reference=invoice.ocr
            ),
            actor=treasurer,
            today=DEMO_TODAY,
            now=NOON,
        )
        name = alva.full_name
    engine.dispose()
    return name


def _move_alva(demo_database: str) -> None:
    """Alva moves after the draft was calculated: her address on the payslip is no longer the one reviewed."""
    engine = make_engine(demo_database)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY)
    with transaction(factory) as session:
        alva_user = session.scalars(select(User).where(User.email == "alva@example.se")).one()
        alva = session.scalars(select(Member).where(Member.user_id == alva_user.id)).one()
        alva.street = "Nya gatan 12"
    engine.dispose()


def test_the_treasurer_runs_payroll_for_paid_work_and_exports_the_agi(
    page: Page, browser: Browser, live_url: str, alvas_paid_work: str, demo_database: str
) -> None:
    sign_in(page, TREASURER)
    page.goto("/office/payroll")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lönekörningar")
    assert_accessible(page)
    page.get_by_label("Utbetalningsdag").fill(PAY_DATE)
    page.get_by_role("button", name="Skapa ett utkast").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Lönekörning {PAY_DATE}")
    table = page.locator("table.payslips")
    expect(table).to_contain_text(alvas_paid_work)
    expect(page.locator(".status").first).to_have_text("Utkast")
    assert_accessible(page)
    screenshot(page, "office-payroll-run")
    run_url = page.url

    _move_alva(demo_database)
    page.reload()
    banner = page.locator("div.warning[role=alert]")
    expect(banner).to_contain_text("Sedan körningen räknades")
    expect(banner).to_contain_text("en medlems uppgifter eller bankkonto")
    expect(page.get_by_role("button", name="Godkänn körningen")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "office-payroll-run-changed")
    page.get_by_role("button", name="Räkna om körningen").click()
    expect(banner).to_have_count(0)

    page.get_by_role("button", name="Godkänn körningen").click()
    # Wait for the answer before asking which it is: counting at once may read the page the click left.
    own_pay = page.get_by_role("alert").filter(has_text="din egen lön")
    expect(page.locator("h1 .status").filter(has_text="Godkänd").or_(own_pay).first).to_be_visible()
    if own_pay.count():  # the run holds the treasurer's own pay: a second person approves
        expect(page.get_by_role("alert")).to_contain_text("din egen lön")
        _approve_as(browser, live_url, run_url)
        page.goto(run_url)
    expect(page.locator("h1 .status")).to_have_text("Godkänd")
    page.get_by_role("button", name="Markera som utbetald").click()
    expect(page.locator("h1 .status")).to_have_text("Utbetald")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Alla lönespecifikationer (zip)").click()
    run_id = urlparse(run_url).path.rsplit("/", 1)[-1]
    assert pdf.value.suggested_filename == f"lonespecifikationer-korning-{run_id}.zip"

    page.goto("/office/month-end?month=2026-12")
    expect(page.get_by_role("heading", level=1)).to_have_text("Månadsskifte 2026-12")
    page.get_by_label("Utbetalningsmånad").fill("2026-12")
    page.get_by_role("button", name="Exportera AGI").click()
    expect(page.get_by_role("status").filter(has_text="är gjord")).to_be_visible()
    with page.expect_download() as agi:
        page.locator("tr.made a[download]").click()
    content = Path(agi.value.path()).read_bytes()
    assert content.startswith(b"<?xml")
    assert b"Skatteverket" in content
    # The audit chain's head when the file was made, then the file's own SHA-256: that of the file downloaded.
    expect(page.locator("tr.made code.hash")).to_have_text(
        [_head_pattern(), hashlib.sha256(content).hexdigest()]
    )
    assert_accessible(page)
    screenshot(page, "office-month-end")


def test_a_refused_export_is_said_where_the_treasurer_clicked(page: Page) -> None:
    """The month end is a long page: a refused file opens the page at its own card, which says why, and not at
    the top, where nothing had changed and nothing said why."""
    sign_in(page, TREASURER)
    page.goto("/office/month-end?month=2026-11")
    page.get_by_label("Utbetalningsmånad").fill("2026-11")  # the demo made November's AGI already
    page.get_by_role("button", name="Exportera AGI").click()
    refusal = page.get_by_role("alert").filter(has_text="Det finns inget nytt att exportera för det valet.")
    expect(refusal).to_be_in_viewport()
    expect(page.locator("#agi-export")).to_contain_text("Det finns inget nytt att exportera")
    screenshot(page, "office-month-end-refused")


def _head_pattern():
    import re

    return re.compile(r"^\d+:[0-9a-f]{64}$")


def _approve_as(browser: Browser, live_url: str, run_url: str) -> None:
    context = browser.new_context(base_url=live_url, viewport=DESKTOP, locale="sv-SE")
    admin = context.new_page()
    sign_in(admin, ADMIN)
    admin.goto(run_url)
    admin.get_by_role("button", name="Godkänn körningen").click()
    expect(admin.locator("h1 .status")).to_have_text("Godkänd")
    context.close()


def test_the_parameters_and_their_sources(page: Page) -> None:
    sign_in(page, ADMIN)
    page.goto("/office/parameters")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parametrar")
    expect(page.get_by_role("link", name="Kooperativets avgift")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "office-parameters")
    page.get_by_role("link", name="Kooperativets avgift").click()
    page.get_by_label("Gäller från").fill("2027-01-01")
    page.get_by_role("textbox", name="Värde").fill("sex procent")
    page.get_by_label("Källa").fill("Styrelsens förslag till årsmötet")
    page.get_by_role("button", name="Lägg till värdet").click()
    expect(page.locator("#e-value")).to_be_visible()
    expect(page.get_by_label("Källa")).to_have_value("Styrelsens förslag till årsmötet")
    assert_accessible(page)


def test_the_member_register_and_month_end_fit_a_phone(phone: Page) -> None:
    sign_in(phone, TREASURER)
    for path in ("/office/members", "/office/month-end?month=2026-11", "/office/payroll"):
        phone.goto(path)
        width = page_width(phone)
        assert width <= PHONE["width"], f"{path} is {width}px wide on a 390px phone"
        assert_accessible(phone)
    phone.goto("/office/members")
    phone.locator("table a", has_text="Alva").first.click()
    expect(phone.get_by_role("heading", level=2, name="Bankkonto för lön")).to_be_visible()
    assert_accessible(phone)


#: Each label (``dt``) of a payslip card's facts whose longest word is wider than the label's own box: a
#: word the browser had to break in the middle ("Semesterersättnin-g") to fit it.
_LABELS_WITH_A_BROKEN_WORD = """
() => {
  const broken = [];
  for (const label of document.querySelectorAll("dl.facts dt")) {
    const probe = document.createElement("span");
    probe.style.whiteSpace = "nowrap";
    label.appendChild(probe);
    let widest = 0;
    for (const word of label.firstChild.textContent.split(/\\s+/)) {
      probe.textContent = word;
      widest = Math.max(widest, probe.getBoundingClientRect().width);
    }
    probe.remove();
    if (widest > label.getBoundingClientRect().width + 0.5) broken.push(label.textContent);
  }
  return broken;
}
"""


def test_a_runs_payslips_keep_their_words_whole_on_a_phone(phone: Page) -> None:
    """A payslip card on a run page sets its labels beside the amounts; a long client name must wrap in its
    own column rather than squeeze the labels until Swedish words break in the middle."""
    sign_in(phone, TREASURER)
    phone.goto("/office/payroll")
    phone.locator("table a").first.click()
    expect(phone.locator("section.payslip").first).to_be_visible()
    assert phone.locator("section.payslip dl.facts dt").count() > 0
    screenshot(phone, "office-payroll-run-phone")
    assert phone.evaluate(_LABELS_WITH_A_BROKEN_WORD) == []
    assert page_width(phone) <= PHONE["width"]

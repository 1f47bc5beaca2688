"""The treasurer decides on a commission's expenses on a phone: each expense shows its VAT, and its receipt
opens in the browser from the commission's page."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.schemas import ExpenseCreate, FeeLineCreate
from kooperativet.auth.models import User
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DEMO_AUDIT_KEY
from tests.assignments.factories import PDF
from tests.browser.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    assert_nothing_refused,
    screenshot,
    sign_in,
)
from tests.browser.invoiced_work import alvas_theatre_commission, submit_as_alva

TREASURER = "kassor@interimkultur.example.se"
TITLE = "Ljussättning av vårkonserten"
HOTEL_RECEIPT = "kvitto-stadshotellet-lund-2026-11-24-rum-412.png"


def png(width: int, height: int) -> bytes:
    """A grey receipt-shaped picture with a dark band: a real PNG the browser draws."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + (b"\x40" if height // 3 < y < height // 3 + 12 else b"\xe8") * width for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def commission_with_receipts(demo_database: str) -> str:
    """Alva hands in a commission with a hotel night (a PNG receipt), a train ticket (a PDF) and a taxi
    without a receipt, through the same services her pages call; once, for the phone and the desktop."""
    engine = make_engine(demo_database)
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY)
    try:
        with transaction(factory) as session:
            alva = session.scalars(select(User).where(User.email == "alva@example.se")).one()
            assignment = alvas_theatre_commission(
                session,
                title=TITLE,
                days=(date(2026, 11, 24), date(2026, 11, 25)),
                place="Folkteatern, stora scenen",
                buyer_reference="FT-2026-12",
                line=FeeLineCreate(
                    description="Ljussättning",
                    quantity=Decimal("2"),
                    unit="DAY",
                    unit_price=Decimal("4800.00"),
                    vat_rate=Decimal("25"),
                ),
                expenses=[
                    ExpenseCreate(
                        spent_on=date(2026, 11, 24),
                        description="Hotell, två nätter",
                        amount=Decimal("5556.60"),
                        vat_rate=Decimal("25"),
                    ),
                    ExpenseCreate(
                        spent_on=date(2026, 11, 24),
                        description="Tåg Malmö–Lund t/r",
                        amount=Decimal("530.00"),
                        vat_rate=Decimal("6"),
                        reinvoice=False,
                    ),
                    ExpenseCreate(
                        spent_on=date(2026, 11, 25),
                        description="Taxi med ljusbord",
                        amount=Decimal("412.00"),
                        vat_rate=Decimal("6"),
                    ),
                ],
            )
            hotel, train, _ = assignment.expenses
            receipts = ((hotel, HOTEL_RECEIPT, png(240, 320)), (train, "tag.pdf", PDF))
            for expense, filename, content in receipts:
                assignments_service.attach_receipt(
                    session,
                    assignment=assignment,
                    expense_id=expense.id,
                    filename=filename,
                    content=content,
                    actor=alva,
                )
            submit_as_alva(session, assignment, now=datetime.now(UTC))
    finally:
        engine.dispose()
    return TITLE


def open_the_commission(page: Page, title: str) -> None:
    sign_in(page, TREASURER)
    page.goto("/office/inbox")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_the_treasurer_sees_the_vat_and_opens_a_receipt_on_a_phone(
    phone: Page, commission_with_receipts: str
) -> None:
    open_the_commission(phone, commission_with_receipts)
    expenses = phone.locator("table").filter(has_text="Hotell, två nätter")
    expect(expenses).to_contain_text("1\N{NO-BREAK SPACE}111,32 (25\N{NO-BREAK SPACE}%)")
    expect(expenses).to_contain_text("30,00 (6\N{NO-BREAK SPACE}%)")
    expect(expenses).to_contain_text("inget kvitto")
    assert_fits_the_screen(phone)
    assert_accessible(phone)
    assert_nothing_refused(phone)
    screenshot(phone, "phone-office-commission-receipts")

    pdf = phone.get_by_role("link", name="Kvitto: tag.pdf")
    answer = phone.request.get(pdf.get_attribute("href") or "")
    assert (answer.status, answer.body(), answer.headers["content-type"]) == (200, PDF, "application/pdf")
    assert answer.headers["content-disposition"].startswith("inline;")

    phone.get_by_role("link", name=f"Kvitto: {HOTEL_RECEIPT}").click()
    phone.wait_for_load_state("load")
    assert phone.url.endswith("/receipt")
    size = phone.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [240, 320]
    screenshot(phone, "phone-office-commission-receipt-opened")


def test_the_commission_with_receipts_on_a_desktop(page: Page, commission_with_receipts: str) -> None:
    open_the_commission(page, commission_with_receipts)
    expect(page.get_by_role("link", name="Kvitto: tag.pdf")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, "office-commission-receipts")

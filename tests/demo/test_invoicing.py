"""The invoicing demo step: three invoices, a credit note and payments, each document as PDF/A-3b + UBL; and
an invoice to a private person as a PDF only.

Runs the demo's steps up to invoicing in a throw-away database of its own (the steps commit).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from kooperativet import migrate
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DEMO_AUDIT_KEY, DemoContext, Manifest, assignments, invoicing, people
from kooperativet.invoices.camt054 import parse_camt054
from kooperativet.invoices.models import Invoice, UnmatchedBankEntry
from kooperativet.invoices.ubl import validate_ubl
from tests.conftest import REFERENCE, TEST_DATABASE_ENV, throwaway_postgres_database

XSD_DIR = REFERENCE / "peppol" / "ubl-2.1" / "xsd"
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, tuple[str, str]]]]:
    out = tmp_path_factory.mktemp("demo")
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url) as url:
            yield from _run(out, url)
    else:
        yield from _run(out, f"sqlite:///{out / 'demo.sqlite3'}")


def _run(out: Path, url: str) -> Iterator[tuple[Path, dict[str, tuple[str, str]]]]:
    migrate.upgrade(url)
    engine = make_engine(url)
    context = DemoContext(out=out, today=date(2026, 11, 20), manifest=Manifest())
    factory = make_session_factory(engine, audit_key=DEMO_AUDIT_KEY)
    try:
        for step in (people.run, assignments.run, invoicing.run):
            with transaction(factory) as session:
                context.session = session
                step(context)
        statuses: dict[str, tuple[str, str]] = {}
        with transaction(factory) as session:
            for invoice in session.scalars(select(Invoice)):
                statuses[invoice.number] = (invoice.kind, invoice.status)
            for entry in session.scalars(select(UnmatchedBankEntry)):
                statuses[f"unmatched {entry.bank_entry_reference}"] = (str(entry.amount), entry.reason)
        context.manifest.write(out)
        yield out, statuses
    finally:
        engine.dispose()


def test_the_demo_writes_each_invoice_as_pdf_and_ubl_with_the_same_stem_but_the_private_one_as_pdf(
    demo,
) -> None:
    out, _statuses = demo
    files = json.loads((out / "manifest.json").read_text())["files"]
    mine = sorted(
        (entry["path"], entry["kind"])
        for entry in files
        if "invoice" in entry["kind"] or "credit" in entry["kind"]
    )

    assert mine == [
        ("credit_notes/2026-0004.pdf", "credit_note_pdf"),
        ("credit_notes/2026-0004.xml", "credit_note_ubl"),
        ("invoices/2026-0001.pdf", "invoice_pdf"),
        ("invoices/2026-0001.xml", "invoice_ubl"),
        ("invoices/2026-0002.pdf", "invoice_pdf"),
        ("invoices/2026-0002.xml", "invoice_ubl"),
        ("invoices/2026-0003.pdf", "invoice_pdf"),
        ("invoices/2026-0003.xml", "invoice_ubl"),
        ("invoices/2026-0005.pdf", "invoice_pdf"),
    ]


@pytest.mark.parametrize(
    "stem", ["invoices/2026-0001", "invoices/2026-0002", "invoices/2026-0003", "credit_notes/2026-0004"]
)
def test_every_ubl_the_demo_writes_is_xsd_valid_and_embedded_in_its_pdf(demo, stem: str) -> None:
    out, _statuses = demo
    ubl = (out / f"{stem}.xml").read_bytes()
    reader = PdfReader(io.BytesIO((out / f"{stem}.pdf").read_bytes()))

    assert validate_ubl(ubl, xsd_dir=XSD_DIR) == []
    assert reader.attachments == {f"{Path(stem).name}.xml": [ubl]}
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_the_demo_invoices_show_the_buyer_reference_six_per_cent_and_reverse_charge(demo) -> None:
    out, _statuses = demo

    def ubl(number: str) -> etree._Element:
        return etree.fromstring((out / "invoices" / f"{number}.xml").read_bytes())

    assert ubl("2026-0001").findtext("cbc:BuyerReference", namespaces=NS) == "KF-4711"
    percent = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent"
    assert ubl("2026-0002").findtext(percent, namespaces=NS) == "6"
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID"
    assert ubl("2026-0003").findtext(category, namespaces=NS) == "AE"
    credit = etree.fromstring((out / "credit_notes" / "2026-0004.xml").read_bytes())
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
    assert credit.findtext(reference, namespaces=NS) == "2026-0002"
    # The concert's fixed price is credited as a fixed price, not as "1 st".
    assert [unit.get("unitCode") for unit in credit.iterfind(".//cbc:CreditedQuantity", NS)] == ["LS"]


def test_the_demo_payments_leave_one_invoice_paid_one_partly_paid_and_one_bank_entry_unmatched(demo) -> None:
    _out, statuses = demo

    assert statuses == {
        "2026-0001": ("invoice", "paid"),
        "2026-0002": ("invoice", "open"),
        "2026-0003": ("invoice", "partly_paid"),
        "2026-0004": ("credit_note", "credited"),
        "2026-0005": ("invoice", "open"),
        "unmatched DEMO-2026-11-20-0002": ("1250.00", "no invoice has this OCR reference"),
    }


def test_the_private_persons_invoice_is_a_pdf_only_with_the_amounts_to_pay_including_vat(demo) -> None:
    out, _statuses = demo
    content = (out / "invoices" / "2026-0005.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(content))
    rows = "\n".join(page.extract_text() or "" for page in reader.pages).replace("\xa0", " ").splitlines()

    assert reader.attachments == {}
    assert "/OutputIntents" in reader.trailer["/Root"]
    # 5 h × 1 100 + 650 = 6 150 excl. VAT; 25 % VAT 1 537,50; 7 687,50 rounded to 7 688.
    assert "Sång och piano 5 tim 1 100,00 25 % 6 875,00" in rows
    assert "Ljudanläggning 1 st 650,00 25 % 812,50" in rows
    assert "25 % 6 150,00 1 537,50" in rows
    assert "Att betala inkl. moms (SEK) 7 688,00" in rows
    assert "Betalningsvillkor 15 dagar netto" in rows
    assert "Sara Berg" in rows


def test_the_demo_writes_the_banks_camt054_file_that_it_imports_but_lists_it_as_no_document(demo) -> None:
    out, _statuses = demo
    files = json.loads((out / "manifest.json").read_text())["files"]

    assert [entry for entry in files if entry["path"].startswith("bank/")] == []  # an input, not a document
    assert [path.name for path in (out / "bank").iterdir()] == ["camt054-2026-11-20.xml"]
    credits = parse_camt054((out / "bank/camt054-2026-11-20.xml").read_bytes())
    assert [(c.entry_reference, str(c.amount), c.reference, c.problem) for c in credits] == [
        ("DEMO-2026-11-20-0001", "5000.00", "2026000303", None),
        ("DEMO-2026-11-20-0002", "1250.00", "2026990107", None),
    ]

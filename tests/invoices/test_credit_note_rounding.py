"""Credit notes and öresavrundning (invoicing.md, "Credit notes"): a partial credit note credits its lines and
their VAT to the öre, the one that credits what is left of the invoice takes what is left of its VAT and its
rounding, so that the credit notes of an invoice credit exactly what it charged."""

from __future__ import annotations

import pytest
from lxml import etree

from kooperativet.auth.models import Role
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.documents import render_documents
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.snapshot import snapshot_from_json
from kooperativet.invoices.ubl import validate_ubl
from tests.invoices.conftest import XSD_DIR, pdf_text

# 1 000.40 + 250.10 VAT = 1 250.50 → 1 251.00 (rounding +0.50)
ROUNDED_UP = ("Workshop", "1", "HUR", "1000.40", VatCategory.STANDARD, "25")
# 100.02 + 25.01 VAT (25.005 → 25.01) = 125.03 → 125.00 (rounding −0.03)
ROUNDED_DOWN = ("Workshop", "1", "HUR", "100.02", VatCategory.STANDARD, "25")
HOURS_AT_ONE_KRONA = ("Workshop", "10", "HUR", "1.00", VatCategory.STANDARD, "25")

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
TOTALS = ("LineExtensionAmount", "TaxInclusiveAmount", "PayableRoundingAmount", "PayableAmount")


@pytest.fixture
def treasurer(make_user):
    return make_user(Role.treasurer)


@pytest.fixture
def issued(api, seller, municipality, make_member, make_assignment, treasurer, on_day):
    """Issue an invoice of one line for a new approved assignment; returns the response body."""

    def make(line):
        assignment = make_assignment(make_member().member, municipality, line)
        response = api.post(
            "/api/v1/invoices", json={"assignment_id": assignment.id}, headers=treasurer.headers
        )
        assert response.status_code == 201, response.text
        return response.json()

    return make


def credit(api, treasurer, invoice, **part):
    body = {} if not part else {"parts": [{"invoice_line_id": invoice["lines"][0]["id"], **part}]}
    return api.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", json=body, headers=treasurer.headers)


def get(api, treasurer, invoice):
    return api.get(f"/api/v1/invoices/{invoice['id']}", headers=treasurer.headers).json()


def money(note) -> tuple[str, str, str, str]:
    return note["net_total"], note["vat_total"], note["rounding"], note["payable"]


def test_two_credits_of_half_each_credit_the_invoice_in_full_and_leave_nothing_to_pay(
    api, issued, treasurer
) -> None:
    invoice = issued(ROUNDED_UP)
    assert money(invoice) == ("1000.40", "250.10", "0.50", "1251.00")

    half = credit(api, treasurer, invoice, amount="500.20")
    rest = credit(api, treasurer, invoice)

    # The half credits its line and VAT to the öre; the rest takes the invoice's rounding with it.
    assert (half.status_code, money(half.json())) == (201, ("500.20", "125.05", "0.00", "625.25"))
    assert (rest.status_code, money(rest.json())) == (201, ("500.20", "125.05", "0.50", "625.75"))
    after = get(api, treasurer, invoice)
    assert (after["status"], after["credited_amount"], after["outstanding"]) == (
        "credited",
        "1251.00",
        "0.00",
    )
    again = credit(api, treasurer, invoice)
    assert (again.status_code, again.json()["code"]) == (409, "already_credited")


def test_credit_notes_credit_exactly_the_payable_amount_and_the_vat_of_a_rounded_down_invoice(
    api, issued, treasurer
) -> None:
    invoice = issued(ROUNDED_DOWN)

    first = credit(api, treasurer, invoice, amount="50.01").json()
    rest = credit(api, treasurer, invoice).json()

    # 50.01 × 25 % = 12.5025 → 12.50; the rest takes the 12.51 left of the 25.01 invoiced, and the −0.03.
    assert money(first) == ("50.01", "12.50", "0.00", "62.51")
    assert money(rest) == ("50.01", "12.51", "-0.03", "62.49")
    after = get(api, treasurer, invoice)
    assert (after["status"], after["credited_amount"]) == ("credited", "125.00")


def test_parts_that_take_everything_left_credit_the_rounding_as_a_full_credit_does(
    api, issued, treasurer
) -> None:
    invoice = issued(ROUNDED_UP)

    first = credit(api, treasurer, invoice, quantity="0.5").json()
    last = credit(api, treasurer, invoice, quantity="0.5").json()

    assert money(first) == ("500.20", "125.05", "0.00", "625.25")
    assert money(last) == ("500.20", "125.05", "0.50", "625.75")
    assert get(api, treasurer, invoice)["status"] == "credited"


def test_a_partial_credit_worth_more_than_is_left_of_a_rounded_down_invoice_is_refused_without_a_number(
    api, issued, treasurer
) -> None:
    invoice = issued(ROUNDED_DOWN)

    # 100.01 + 25.00 VAT = 125.01, more than the 125.00 the client was invoiced.
    refused = credit(api, treasurer, invoice, amount="100.01")
    rest = credit(api, treasurer, invoice)

    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["errors"][0]["field"]) == ("more_than_invoiced", "parts")
    assert (rest.json()["number"], rest.json()["payable"]) == ("2026-0002", "125.00")


def test_a_credit_that_credits_nothing_is_refused_and_takes_no_number(api, issued, treasurer) -> None:
    invoice = issued(HOURS_AT_ONE_KRONA)

    # 0.004 h × 1.00 = 0.004 → 0.00: it would credit nothing at all.
    nothing = credit(api, treasurer, invoice, quantity="0.004")
    one_ore = credit(api, treasurer, invoice, amount="0.01")

    assert nothing.status_code == 422, nothing.text
    assert (nothing.json()["code"], nothing.json()["errors"][0]["field"]) == (
        "nothing_to_credit",
        "parts[0].quantity",
    )
    # An öre is credited as an öre, not rounded away to a credit note of 0.00.
    assert (one_ore.status_code, one_ore.json()["number"], one_ore.json()["payable"]) == (
        201,
        "2026-0002",
        "0.01",
    )


def test_the_ubl_and_pdf_of_a_partial_and_of_the_last_credit_note_state_their_share(
    api, session, issued, treasurer
) -> None:
    invoice = issued(ROUNDED_UP)
    partial = credit(api, treasurer, invoice, amount="300.30").json()
    last = credit(api, treasurer, invoice).json()

    def totals(note):
        content = api.get(f"/api/v1/invoices/{note['id']}/ubl", headers=treasurer.headers).content
        assert validate_ubl(content, xsd_dir=XSD_DIR) == []
        root = etree.fromstring(content)
        found = {name: root.findtext(f"cac:LegalMonetaryTotal/cbc:{name}", namespaces=NS) for name in TOTALS}
        return found, root.findtext("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", namespaces=NS)

    # 300.30 + 75.08 (75.075 → 75.08) = 375.38, not rounded; the rest 700.10 + 175.02 + 0.50 = 875.62.
    assert totals(partial) == (
        {
            "LineExtensionAmount": "300.30",
            "TaxInclusiveAmount": "375.38",
            "PayableRoundingAmount": None,
            "PayableAmount": "375.38",
        },
        "75.08",
    )
    assert totals(last) == (
        {
            "LineExtensionAmount": "700.10",
            "TaxInclusiveAmount": "875.12",
            "PayableRoundingAmount": "0.50",
            "PayableAmount": "875.62",
        },
        "175.02",
    )
    text = pdf_text(api.get(f"/api/v1/invoices/{last['id']}/pdf", headers=treasurer.headers).content)
    for amount in ("175,02", "0,50", "875,62"):
        assert amount in text, amount
    # The share is kept in the snapshot: rendering it again gives the same bytes.
    stored = session.get_one(Invoice, last["id"])
    rendered = render_documents(snapshot_from_json(stored.snapshot))
    assert (rendered.pdf_sha256, rendered.ubl_sha256) == (stored.pdf_sha256, stored.ubl_sha256)

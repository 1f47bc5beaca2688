"""Peppol BIS Billing 3.0 UBL: XSD-valid invoices and credit notes whose totals and Swedish fields hold.

The UBL 2.1 XSD and OpenPeppol's official examples are kept in ``tests/reference/peppol``. The schematron
rules are run by an outside check; the totals (BR-CO-*), the Swedish shape (SE-R-*) and the rules on the
payment means (BR-49/50/61, UBL-SR-44 to 47, SE-R-008 to 012) are checked here by XPath.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from kooperativet.invoices.calculation import InvoiceLine, InvoiceRuleViolation, VatCategory
from kooperativet.invoices.content_rules import buyer_endpoint
from kooperativet.invoices.snapshot import (
    Address,
    Buyer,
    DocumentKind,
    InvoiceSnapshot,
    PeppolEndpoint,
    Seller,
)
from kooperativet.invoices.ubl import CREDIT_TRANSFER, render_ubl, validate_ubl
from tests.conftest import REFERENCE

PEPPOL = REFERENCE / "peppol"
XSD_DIR = PEPPOL / "ubl-2.1" / "xsd"
EXAMPLES = PEPPOL / "examples"

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
S = VatCategory.STANDARD
E = VatCategory.EXEMPT
AE = VatCategory.REVERSE_CHARGE
OUTSIDE = VatCategory.OUTSIDE_SCOPE
EXEMPTION = "Undantag från skatteplikt enligt 10 kap. mervärdesskattelagen"

SELLER = Seller(
    name="Kulturkooperativet Ekonomisk förening",
    org_number="769621-2344",
    vat_number="SE769621234401",
    f_skatt=True,
    address=Address(street="Storgatan 1", postal_code="111 22", city="Stockholm", country="SE"),
    bankgiro="5050-1055",
    contact_name="Anna Andersson",
    email="faktura@kulturkooperativet.se",
)
#: The same seller with its IBAN and BIC as a person types them (the UBL wants the electronic form).
SELLER_WITH_IBAN = replace(SELLER, iban="SE45 5000 0000 0583 9825 7466", bic="esse sess")
IBAN = "SE4550000000058398257466"
MUNICIPALITY = Buyer(
    name="Exempelby kommun",
    address=Address(street="Box 100", postal_code="123 45", city="Exempelby", country="SE"),
    org_number="212000-0142",
    vat_number="SE212000014201",
    email="fakturor@exempelby.se",
)
GERMAN_BUYER = Buyer(
    name="Kulturhaus Beispiel GmbH",
    address=Address(street="Hauptstraße 5", postal_code="10115", city="Berlin", country="DE"),
    org_number="HRB 12345",
    vat_number="DE123456789",
    peppol_endpoint=PeppolEndpoint(scheme="9930", identifier="DE123456789"),
)
NORWEGIAN_BUYER = Buyer(
    name="Festspillene AS",
    address=Address(street="Torget 1", postal_code="5014", city="Bergen", country="NO"),
    org_number="987654325",
    peppol_endpoint=PeppolEndpoint(scheme="0192", identifier="987654325"),
)


def line(
    quantity: str,
    unit_price: str,
    category: VatCategory = S,
    rate: str = "25",
    *,
    description: str = "Konsert, två framträdanden",
    unit: str = "HUR",
    reason: str | None = None,
) -> InvoiceLine:
    return InvoiceLine(
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
        unit_price=Decimal(unit_price),
        vat_category=category,
        vat_rate=Decimal(rate),
        exemption_reason=reason,
    )


def snapshot(kind: DocumentKind = DocumentKind.INVOICE, **changes: object) -> InvoiceSnapshot:
    base = InvoiceSnapshot(
        number="2026-0042",
        kind=DocumentKind.INVOICE,
        issue_date=date(2026, 11, 24),
        due_date=date(2026, 12, 28),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 20),
        seller=SELLER,
        buyer=MUNICIPALITY,
        lines=(line("8", "950.00"),),
        round_payable_to_krona=False,
        buyer_reference="Kulturförvaltningen 4711",
        ocr="2026004206",
        notes=("Vid betalning efter förfallodagen debiteras dröjsmålsränta enligt räntelagen.",),
    )
    if kind is DocumentKind.CREDIT_NOTE:
        base = replace(
            base,
            kind=DocumentKind.CREDIT_NOTE,
            number="2026-0043",
            refers_to_number="2026-0042",
            refers_to_issue_date=date(2026, 11, 24),
            notes=("Kreditering av faktura 2026-0042: ett framträdande ställdes in.",),
        )
    return replace(base, **changes)  # type: ignore[arg-type]


CASES = {
    "S 25 %": {},
    "S 6 %": {"lines": (line("1", "4500.00", S, "6", unit="C62", description="Upphovsrätt, textlicens"),)},
    "mixed rates": {
        "lines": (
            line("8", "950.00"),
            line("1", "1200.00", S, "12", unit="C62", description="Resa och logi"),
            line("2", "1333.33", S, "6", unit="C62", description="Föreställning"),
            line("1", "2000.00", E, "0", unit="C62", description="Workshop", reason=EXEMPTION),
        )
    },
    "E": {"lines": (line("3", "1500.00", E, "0", reason=EXEMPTION),)},
    "AE to an EU buyer": {
        "buyer": GERMAN_BUYER,
        "buyer_reference": None,
        "order_reference": "PO-2026-17",
        "lines": (line("2", "4000.00", AE, "0", unit="DAY", description="Gästspel Berlin"),),
    },
    "O outside the EU": {
        "buyer": NORWEGIAN_BUYER,
        "lines": (line("1", "12000.00", OUTSIDE, "0", unit="LS", description="Turné Norge"),),
    },
    "with öresavrundning": {
        "round_payable_to_krona": True,
        "lines": (line("1", "101.00"), line("1.5", "333.33")),
    },
    "with embedded PDF": {"pdf": b"%PDF-1.7\n% not a real PDF\n%%EOF\n"},
}
KINDS = [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE]
ALL_DOCUMENTS = [pytest.param(kind, name, id=f"{kind.value}: {name}") for kind in KINDS for name in CASES]


def render(kind: DocumentKind, name: str) -> bytes:
    return render_ubl(snapshot(kind, **CASES[name]))


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def decimal(root: etree._Element, path: str) -> Decimal:
    (text,) = root.xpath(f"{path}/text()", namespaces=NS)
    return Decimal(str(text))


def decimals(root: etree._Element, path: str) -> list[Decimal]:
    return [Decimal(str(text)) for text in root.xpath(f"{path}/text()", namespaces=NS)]


def texts(root: etree._Element, path: str) -> list[str]:
    return [str(text) for text in root.xpath(path, namespaces=NS)]


def child_names(element: etree._Element) -> list[str]:
    """Local names of the child elements, repeated names collapsed (``InvoiceLine`` × 3 → one)."""
    names: list[str] = []
    for child in element:
        if isinstance(child.tag, str) and (not names or names[-1] != etree.QName(child).localname):
            names.append(etree.QName(child).localname)
    return names


def assert_same_relative_order(ours: list[str], theirs: list[str]) -> None:
    shared = set(ours) & set(theirs)
    assert [name for name in ours if name in shared] == [name for name in theirs if name in shared]


# --- XSD


@pytest.mark.parametrize(("kind", "name"), ALL_DOCUMENTS)
def test_every_document_passes_the_ubl_xsd(kind: DocumentKind, name: str) -> None:
    assert validate_ubl(render(kind, name), xsd_dir=XSD_DIR) == []


@pytest.mark.parametrize(
    "example", sorted(path for path in EXAMPLES.iterdir() if path.suffix == ".xml"), ids=lambda p: p.name
)
def test_the_official_examples_pass_the_validator(example: Path) -> None:
    assert validate_ubl(example.read_bytes(), xsd_dir=XSD_DIR) == []


def test_the_validator_rejects_elements_out_of_xsd_order() -> None:
    root = parse(render(DocumentKind.INVOICE, "S 25 %"))
    (due_date,) = root.xpath("cbc:DueDate", namespaces=NS)
    root.append(due_date)  # DueDate after the invoice lines
    errors = validate_ubl(etree.tostring(root), xsd_dir=XSD_DIR)
    assert errors
    assert any("DueDate" in error for error in errors)


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (b"<Invoice", "not well-formed"),
        (b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>", "neither"),
    ],
)
def test_the_validator_reports_documents_it_cannot_check(xml: bytes, expected: str) -> None:
    (error,) = validate_ubl(xml, xsd_dir=XSD_DIR)
    assert expected in error


def test_top_level_order_agrees_with_the_official_examples() -> None:
    invoice_example = parse((EXAMPLES / "vat-category-O.xml").read_bytes())
    credit_example = parse((EXAMPLES / "base-creditnote-correction.xml").read_bytes())
    our_invoice = parse(render(DocumentKind.INVOICE, "O outside the EU"))
    our_credit_note = parse(render(DocumentKind.CREDIT_NOTE, "S 25 %"))
    assert_same_relative_order(child_names(our_invoice), child_names(invoice_example))
    assert_same_relative_order(child_names(our_credit_note), child_names(credit_example))


def test_seller_party_has_the_swedish_layout_of_the_official_example() -> None:
    example = parse((EXAMPLES / "se-UBL-IN_SE-R-013-test1-invoice.xml").read_bytes())
    ours = parse(render(DocumentKind.INVOICE, "S 25 %"))
    path = "cac:AccountingSupplierParty/cac:Party"
    (example_party,) = example.xpath(path, namespaces=NS)
    (our_party,) = ours.xpath(path, namespaces=NS)
    expected = ["EndpointID", "PostalAddress", "PartyTaxScheme", "PartyLegalEntity", "Contact"]
    assert child_names(our_party) == expected
    assert_same_relative_order(child_names(our_party), child_names(example_party))


# --- totals (BR-CO-*)


def vat_key(category: etree._Element) -> tuple[str, Decimal]:
    """(category code, rate) of a TaxCategory or ClassifiedTaxCategory; O has no rate and counts as 0."""
    return texts(category, "cbc:ID/text()")[0], (decimals(category, "cbc:Percent") or [Decimal("0")])[0]


@pytest.mark.parametrize(("kind", "name"), ALL_DOCUMENTS)
def test_totals_add_up(kind: DocumentKind, name: str) -> None:
    root = parse(render(kind, name))
    lines = root.xpath("cac:CreditNoteLine | cac:InvoiceLine", namespaces=NS)
    total = {
        element: decimal(root, f"cac:LegalMonetaryTotal/cbc:{element}")
        for element in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount")
    }
    rounding = sum(decimals(root, "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount"))
    tax = decimal(root, "cac:TaxTotal/cbc:TaxAmount")
    # BR-CO-10: sum of line amounts = LineExtensionAmount; without document allowances = TaxExclusiveAmount
    assert sum(decimal(item, "cbc:LineExtensionAmount") for item in lines) == total["LineExtensionAmount"]
    assert total["TaxExclusiveAmount"] == total["LineExtensionAmount"]
    # BR-CO-14: the VAT total is the sum of the breakdown
    assert tax == sum(decimals(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount"))
    # BR-CO-15 and BR-CO-16
    assert total["TaxInclusiveAmount"] == total["TaxExclusiveAmount"] + tax
    assert total["PayableAmount"] == total["TaxInclusiveAmount"] + rounding
    # BR-S-08 / BR-E-08 / BR-AE-08 / BR-O-08 and BR-CO-17: taxable per category and rate, VAT on that sum
    for subtotal in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS):
        (category,) = subtotal.xpath("cac:TaxCategory", namespaces=NS)
        key = vat_key(category)
        taxable = decimal(subtotal, "cbc:TaxableAmount")
        assert taxable == sum(
            decimal(item, "cbc:LineExtensionAmount")
            for item in lines
            if vat_key(item.xpath("cac:Item/cac:ClassifiedTaxCategory", namespaces=NS)[0]) == key
        )
        expected_tax = (taxable * key[1] / 100).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        assert decimal(subtotal, "cbc:TaxAmount") == expected_tax
    # BR-DEC-*: every amount has two decimals and the document currency (PEPPOL-EN16931-R051)
    for amount in root.xpath("//*[@currencyID]"):
        assert amount.get("currencyID") == "SEK"
        assert len(amount.text.split(".")[1]) == 2


def test_payable_rounding_amount_is_sent_only_when_there_is_rounding() -> None:
    rounded = parse(render(DocumentKind.INVOICE, "with öresavrundning"))
    assert decimal(rounded, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == Decimal("751.25")
    assert decimal(rounded, "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") == Decimal("-0.25")
    assert decimal(rounded, "cac:LegalMonetaryTotal/cbc:PayableAmount") == Decimal("751.00")
    plain = parse(render(DocumentKind.INVOICE, "S 25 %"))
    assert not plain.xpath("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount", namespaces=NS)


# --- Swedish and Peppol shape


@pytest.mark.parametrize(("kind", "name"), ALL_DOCUMENTS)
def test_swedish_seller_fields(kind: DocumentKind, name: str) -> None:
    root = parse(render(kind, name))
    party = "cac:AccountingSupplierParty/cac:Party"
    assert texts(root, "cbc:CustomizationID/text()") == [
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    ]
    assert texts(root, "cbc:ProfileID/text()") == ["urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"]
    assert texts(root, f"{party}/cbc:EndpointID/@schemeID") == ["0007"]
    assert texts(root, f"{party}/cbc:EndpointID/text()") == ["7696212344"]
    assert texts(root, f"{party}/cac:PartyLegalEntity/cbc:CompanyID/text()") == ["7696212344"]
    # SE-R-005: "Godkänd för F-skatt" in the PartyTaxScheme whose TaxScheme is TAX
    assert texts(root, f"{party}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']/cbc:CompanyID/text()") == [
        "Godkänd för F-skatt"
    ]
    # SE-R-001 / SE-R-002: a 14-character SE VAT number (absent only outside the scope of VAT, BR-O-02)
    vat = texts(root, f"{party}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID/text()")
    assert vat == ([] if name == "O outside the EU" else ["SE769621234401"])
    # SE-R-006: only 25, 12 or 6 for category S, in the breakdown and on the lines
    rates = texts(root, "//cac:TaxCategory[cbc:ID='S']/cbc:Percent/text()") + texts(
        root, "//cac:ClassifiedTaxCategory[cbc:ID='S']/cbc:Percent/text()"
    )
    assert {Decimal(rate) for rate in rates} <= {Decimal("25"), Decimal("12"), Decimal("6")}
    # Bankgiro: code 30, digits only (SE-R-008/009), branch SE:BANKGIRO, OCR as PaymentID
    assert texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode/text()") == ["30"]
    assert texts(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID/text()") == ["50501055"]
    assert texts(
        root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID/text()"
    ) == ["SE:BANKGIRO"]
    assert texts(root, "cac:PaymentMeans/cbc:PaymentID/text()") == ["2026004206"]
    # PEPPOL-EN16931-R002 / R003 / R008 / R010 / R053
    assert len(root.xpath("cbc:Note", namespaces=NS)) == 1
    assert root.xpath("cbc:BuyerReference or cac:OrderReference/cbc:ID", namespaces=NS)
    assert not root.xpath("//*[not(*) and not(normalize-space())]")
    assert root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID", namespaces=NS)
    assert len(root.xpath("cac:TaxTotal", namespaces=NS)) == 1


def test_an_invoice_has_type_380_a_due_date_and_the_invoice_period() -> None:
    root = parse(render(DocumentKind.INVOICE, "S 25 %"))
    assert etree.QName(root).localname == "Invoice"
    assert texts(root, "cbc:InvoiceTypeCode/text()") == ["380"]
    assert texts(root, "cbc:DueDate/text()") == ["2026-12-28"]
    assert texts(root, "cac:InvoicePeriod/cbc:StartDate/text()") == ["2026-11-01"]
    assert texts(root, "cac:InvoicePeriod/cbc:EndDate/text()") == ["2026-11-20"]
    assert texts(root, "cbc:BuyerReference/text()") == ["Kulturförvaltningen 4711"]
    assert texts(root, "cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode") == ["HUR"]
    assert not root.xpath("cac:BillingReference", namespaces=NS)


def test_a_credit_note_has_type_381_and_refers_to_the_invoice_it_corrects() -> None:
    root = parse(render(DocumentKind.CREDIT_NOTE, "S 25 %"))
    assert etree.QName(root).localname == "CreditNote"
    assert texts(root, "cbc:CreditNoteTypeCode/text()") == ["381"]
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == ["2026-0042"]
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate/text()") == [
        "2026-11-24"
    ]
    assert not root.xpath("cbc:DueDate", namespaces=NS)  # a CreditNote has none; Peppol uses PaymentMeans
    assert texts(root, "cac:PaymentMeans/cbc:PaymentDueDate/text()") == ["2026-12-28"]
    assert texts(root, "cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["8"]
    assert decimal(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == Decimal("9500.00")  # stated positive


def test_a_credit_note_without_due_date_has_no_payment_due_date() -> None:
    root = parse(render_ubl(snapshot(DocumentKind.CREDIT_NOTE, due_date=None)))
    assert not root.xpath("//cbc:PaymentDueDate", namespaces=NS)


def test_reverse_charge_names_the_rule_and_the_buyers_vat_number() -> None:
    root = parse(render(DocumentKind.INVOICE, "AE to an EU buyer"))
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"
    assert texts(root, f"{category}/cbc:ID/text()") == ["AE"]
    assert texts(root, f"{category}/cbc:Percent/text()") == ["0"]
    assert texts(root, f"{category}/cbc:TaxExemptionReasonCode/text()") == ["VATEX-EU-AE"]
    assert texts(root, f"{category}/cbc:TaxExemptionReason/text()") == ["Omvänd betalningsskyldighet"]
    buyer = "cac:AccountingCustomerParty/cac:Party"
    assert texts(root, f"{buyer}/cbc:EndpointID/@schemeID") == ["9930"]
    assert texts(root, f"{buyer}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID/text()") == [
        "DE123456789"
    ]
    assert texts(root, f"{buyer}/cac:PartyLegalEntity/cbc:CompanyID/text()") == ["HRB 12345"]
    assert not root.xpath(f"{buyer}/cac:PartyLegalEntity/cbc:CompanyID/@schemeID", namespaces=NS)
    assert texts(root, "cac:OrderReference/cbc:ID/text()") == ["PO-2026-17"]
    assert not root.xpath("cbc:BuyerReference", namespaces=NS)


def test_exempt_lines_carry_their_reason() -> None:
    root = parse(render(DocumentKind.INVOICE, "mixed rates"))
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()") == ["S", "S", "S", "E"]
    assert texts(
        root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID='E']/cbc:TaxExemptionReason/text()"
    ) == [EXEMPTION]
    assert not root.xpath("//cac:TaxCategory[cbc:ID='S']/cbc:TaxExemptionReason", namespaces=NS)  # BR-S-10


def test_outside_the_scope_of_vat_has_no_rates_and_no_vat_numbers() -> None:
    root = parse(render(DocumentKind.INVOICE, "O outside the EU"))
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode/text()") == [
        "VATEX-EU-O"
    ]
    assert not root.xpath(
        "//cac:TaxCategory/cbc:Percent | //cac:ClassifiedTaxCategory/cbc:Percent", namespaces=NS
    )
    assert not root.xpath("//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']", namespaces=NS)  # BR-O-02
    assert root.xpath("//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']", namespaces=NS)  # F-skatt stays
    assert texts(root, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/text()") == ["987654325"]


def test_a_swedish_buyer_without_peppol_id_is_addressed_by_its_organisation_number() -> None:
    root = parse(render(DocumentKind.INVOICE, "S 25 %"))
    buyer = "cac:AccountingCustomerParty/cac:Party"
    assert texts(root, f"{buyer}/cbc:EndpointID/@schemeID") == ["0007"]
    assert texts(root, f"{buyer}/cbc:EndpointID/text()") == ["2120000142"]
    assert texts(root, f"{buyer}/cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0007']/text()") == [
        "2120000142"
    ]
    assert texts(root, f"{buyer}/cac:Contact/cbc:ElectronicMail/text()") == ["fakturor@exempelby.se"]


def test_a_registered_peppol_id_wins_over_the_organisation_number() -> None:
    registered = replace(
        MUNICIPALITY, peppol_endpoint=PeppolEndpoint(scheme="0088", identifier="7300010000001")
    )
    assert buyer_endpoint(registered) == PeppolEndpoint(scheme="0088", identifier="7300010000001")


def test_the_pdf_is_embedded_as_an_additional_document() -> None:
    root = parse(render(DocumentKind.INVOICE, "with embedded PDF"))
    (attachment,) = root.xpath(
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", namespaces=NS
    )
    assert attachment.get("mimeCode") == "application/pdf"
    assert attachment.get("filename") == "2026-0042.pdf"
    assert base64.b64decode(attachment.text) == CASES["with embedded PDF"]["pdf"]
    assert texts(root, "cac:AdditionalDocumentReference/cbc:ID/text()") == ["2026-0042"]


# --- payment means (BG-16): the bankgiro, and the IBAN for a buyer abroad

BANKGIRO_MEANS = (
    "cac:PaymentMeans[cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID='SE:BANKGIRO']"
)
IBAN_MEANS = f"cac:PaymentMeans[cac:PayeeFinancialAccount/cbc:ID='{IBAN}']"
#: The documents a buyer abroad gets from a seller with an IBAN: AE to the EU, O outside it.
ABROAD = [
    pytest.param(kind, name, id=f"{kind.value}: {name}")
    for kind in KINDS
    for name in ("AE to an EU buyer", "O outside the EU")
]


def with_iban(kind: DocumentKind, name: str, **changes: object) -> etree._Element:
    return parse(render_ubl(snapshot(kind, **{**CASES[name], "seller": SELLER_WITH_IBAN, **changes})))


def assert_payment_means_rules(root: etree._Element) -> None:
    """The EN 16931, UBL syntax, Peppol and Swedish rules on the payment means, each as its own XPath."""
    means = root.xpath("cac:PaymentMeans", namespaces=NS)
    assert means
    # The XSD sequence: all PaymentMeans adjacent, between the parties and the TaxTotal.
    names = child_names(root)
    assert names.count("PaymentMeans") == 1
    assert names[names.index("PaymentMeans") - 1] == "AccountingCustomerParty"
    assert names[names.index("PaymentMeans") + 1] == "TaxTotal"
    for each in means:
        # BR-49: a payment means code; BR-CL-16: from UNCL4461, here 30 (credit transfer)
        assert texts(each, "cbc:PaymentMeansCode/text()") == [CREDIT_TRANSFER]
        # BR-50 / BR-61: a credit transfer (30 or 58) names the account it is paid to (BT-84)
        (account,) = texts(each, "cac:PayeeFinancialAccount/cbc:ID/text()")
        assert account.strip()
        assert len(each.xpath("cbc:PaymentID", namespaces=NS)) <= 1  # UBL-SR-26
    # UBL-SR-47: every payment means code in the document is the same
    assert len(set(texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode/text()"))) == 1
    # UBL-SR-44: one payment reference (BT-83), which may repeat on each means; UBL-SR-45: one due date
    assert len(set(texts(root, "cac:PaymentMeans/cbc:PaymentID/text()"))) <= 1
    assert len(root.xpath("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS)) <= 1
    # UBL-CR-411/413/414/428/664, UBL-CR-653..655, UBL-DT-18/UBL-SR-46: nothing the syntax binding leaves out
    left_out = (
        "cbc:ID",
        "cbc:PaymentChannelCode",
        "cbc:InstructionID",
        "cac:PayeeFinancialAccount/cbc:PaymentNote",
    )
    assert not root.xpath(" | ".join(f"cac:PaymentMeans/{name}" for name in left_out), namespaces=NS)
    assert not root.xpath("//cac:FinancialInstitution", namespaces=NS)
    assert not root.xpath("cac:PaymentMeans//@schemeID | cac:PaymentMeans//@name", namespaces=NS)
    # BR-66 / BR-67, PEPPOL-EN16931-R061: no card and no mandate, so no direct debit (49, 59)
    assert not root.xpath(
        "cac:PaymentMeans/cac:CardAccount | cac:PaymentMeans/cac:PaymentMandate", namespaces=NS
    )
    # SE-R-008 / SE-R-009: one bankgiro, digits only, 7 or 8 of them; SE-R-011: code 30, never 50 or 56
    (bankgiro,) = texts(root, f"{BANKGIRO_MEANS}/cac:PayeeFinancialAccount/cbc:ID/text()")
    assert bankgiro.isdigit()
    assert len(bankgiro) in (7, 8)
    assert not set(texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode/text()")) & {"50", "56"}
    # SE-R-012: between Swedish parties a credit transfer is 30, never 31
    assert "31" not in texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode/text()")
    # PEPPOL-EN16931-R008: no empty element
    assert not root.xpath("cac:PaymentMeans//*[not(*) and not(normalize-space())]", namespaces=NS)


IBAN_DOCUMENTS = [
    pytest.param(kind, name, id=f"{kind.value}: {name}, seller with IBAN") for kind in KINDS for name in CASES
]


@pytest.mark.parametrize(("kind", "name"), ALL_DOCUMENTS)
def test_the_payment_means_follow_the_rules(kind: DocumentKind, name: str) -> None:
    assert_payment_means_rules(parse(render(kind, name)))


@pytest.mark.parametrize(("kind", "name"), IBAN_DOCUMENTS)
def test_the_payment_means_follow_the_rules_when_the_seller_has_an_iban(
    kind: DocumentKind, name: str
) -> None:
    xml = render_ubl(snapshot(kind, **{**CASES[name], "seller": SELLER_WITH_IBAN}))
    assert validate_ubl(xml, xsd_dir=XSD_DIR) == []
    assert_payment_means_rules(parse(xml))


@pytest.mark.parametrize(("kind", "name"), ABROAD)
def test_a_buyer_abroad_gets_the_iban_and_bic_first_then_the_bankgiro(kind: DocumentKind, name: str) -> None:
    root = with_iban(kind, name)
    account = "cac:PayeeFinancialAccount"
    assert texts(root, f"cac:PaymentMeans/{account}/cbc:ID/text()") == [IBAN, "50501055"]  # no spaces
    assert texts(root, f"cac:PaymentMeans/{account}/cac:FinancialInstitutionBranch/cbc:ID/text()") == [
        "ESSESESS",
        "SE:BANKGIRO",
    ]
    # Code 30 like the bankgiro, not 58: SEPA credit transfer is in euro, the documents in SEK
    assert texts(root, "cbc:DocumentCurrencyCode/text()") == ["SEK"]
    assert texts(root, f"{IBAN_MEANS}/cbc:PaymentMeansCode/text()") == ["30"]
    # The payer abroad quotes the same OCR reference
    assert texts(root, f"{IBAN_MEANS}/cbc:PaymentID/text()") == ["2026004206"]
    assert texts(root, f"{BANKGIRO_MEANS}/cbc:PaymentID/text()") == ["2026004206"]


def test_a_credit_note_to_a_buyer_abroad_gives_its_due_date_once() -> None:
    root = with_iban(DocumentKind.CREDIT_NOTE, "AE to an EU buyer")
    assert texts(root, "cac:PaymentMeans/cbc:PaymentDueDate/text()") == ["2026-12-28"]  # UBL-SR-45
    assert texts(root, f"{IBAN_MEANS}/cbc:PaymentDueDate/text()") == ["2026-12-28"]
    assert len(root.xpath("cac:PaymentMeans", namespaces=NS)) == 2


def test_an_iban_without_a_bic_has_no_branch() -> None:
    root = with_iban(DocumentKind.INVOICE, "AE to an EU buyer", seller=replace(SELLER_WITH_IBAN, bic=None))
    assert texts(root, f"{IBAN_MEANS}/cac:PayeeFinancialAccount/cbc:ID/text()") == [IBAN]
    assert not root.xpath(
        f"{IBAN_MEANS}/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch", namespaces=NS
    )
    assert_payment_means_rules(root)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "name", [name for name in CASES if name not in ("AE to an EU buyer", "O outside the EU")]
)
def test_a_swedish_buyer_gets_the_same_bytes_whether_or_not_the_seller_has_an_iban(
    kind: DocumentKind, name: str
) -> None:
    assert render_ubl(snapshot(kind, **{**CASES[name], "seller": SELLER_WITH_IBAN})) == render(kind, name)


@pytest.mark.parametrize(("kind", "name"), ABROAD)
@pytest.mark.parametrize("iban", [None, "", "  "])
def test_a_buyer_abroad_of_a_seller_without_iban_gets_the_bankgiro_alone(
    kind: DocumentKind, name: str, iban: str | None
) -> None:
    xml = render_ubl(snapshot(kind, **{**CASES[name], "seller": replace(SELLER_WITH_IBAN, iban=iban)}))
    assert texts(parse(xml), "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID/text()") == ["50501055"]
    assert xml == render(kind, name)  # as before the IBAN was given to a buyer abroad


# --- text, bytes, determinism

HOSTILE = "Café <b>\"Kör & Co\"</b> ]]> </cbc:Name><cbc:Injected/> 'x'"


def test_user_text_is_escaped_and_round_trips() -> None:
    document = snapshot(
        lines=(line("1", "100.00", description=HOSTILE),),
        buyer=replace(MUNICIPALITY, name=HOSTILE),
        notes=(HOSTILE,),
        buyer_reference=HOSTILE,
    )
    xml = render_ubl(document)
    assert b"<b>" not in xml
    assert b"&lt;/cbc:Name&gt;" in xml
    assert b"&amp;" in xml
    root = parse(xml)
    assert not root.xpath("//cbc:Injected", namespaces=NS)
    assert texts(root, "cac:InvoiceLine/cac:Item/cbc:Name/text()") == [HOSTILE]
    assert texts(
        root, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName/text()"
    ) == [HOSTILE]
    assert texts(root, "cbc:Note/text()") == [HOSTILE]
    assert texts(root, "cbc:BuyerReference/text()") == [HOSTILE]


def test_several_notes_become_the_one_note_peppol_allows() -> None:
    root = parse(render_ubl(snapshot(notes=("Första raden.", "  ", "Andra raden."))))
    assert texts(root, "cbc:Note/text()") == ["Första raden.\nAndra raden."]
    assert not parse(render_ubl(snapshot(notes=()))).xpath("cbc:Note", namespaces=NS)


def test_output_is_utf8_with_an_xml_declaration() -> None:
    xml = render(DocumentKind.INVOICE, "S 25 %")
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Godkänd för F-skatt".encode() in xml


@pytest.mark.parametrize(("kind", "name"), ALL_DOCUMENTS)
def test_the_same_snapshot_gives_the_same_bytes(kind: DocumentKind, name: str) -> None:
    first = render(kind, name)
    second = render_ubl(replace(snapshot(kind, **CASES[name])))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


# --- rule violations

CREDIT = DocumentKind.CREDIT_NOTE
INVOICE = DocumentKind.INVOICE


def buyer_address(**changes: str) -> Buyer:
    return replace(MUNICIPALITY, address=replace(MUNICIPALITY.address, **changes))


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        (CREDIT, {"refers_to_number": None}, "refers_to_number"),
        (CREDIT, {"refers_to_issue_date": None}, "refers_to_number"),
        (INVOICE, {"due_date": None}, "due_date"),
        (INVOICE, {"due_date": date(2026, 11, 1)}, "due_date"),
        (INVOICE, {"number": "  "}, "number"),
        (INVOICE, {"currency": "EUR"}, "currency"),
        (INVOICE, {"period_end": date(2026, 10, 31)}, "period_end"),
        (INVOICE, {"ocr": "2026004208"}, "ocr"),
        (INVOICE, {"seller": replace(SELLER, org_number="769621-2345")}, "seller.org_number"),
        (INVOICE, {"seller": replace(SELLER, vat_number="SE769621234402")}, "seller.vat_number"),
        (INVOICE, {"seller": replace(SELLER, bankgiro="5050-1056")}, "seller.bankgiro"),
        (INVOICE, {"seller": replace(SELLER, bankgiro="505-105")}, "seller.bankgiro"),
        (INVOICE, {"seller": replace(SELLER, name="")}, "seller.name"),
        (INVOICE, {"buyer": buyer_address(city=" ")}, "buyer.address.city"),
        (INVOICE, {"buyer": buyer_address(country="se")}, "buyer.address.country"),
        (INVOICE, {"buyer": replace(GERMAN_BUYER, peppol_endpoint=None)}, "buyer.peppol_endpoint"),
        (INVOICE, {"buyer": replace(MUNICIPALITY, org_number="212000-0143")}, "buyer.peppol_endpoint"),
        (
            INVOICE,
            {"buyer": replace(GERMAN_BUYER, peppol_endpoint=PeppolEndpoint("EM", "a@b.de"))},
            "buyer.peppol_endpoint.scheme",
        ),
        (INVOICE, {"buyer": replace(GERMAN_BUYER, vat_number="123456789")}, "buyer.vat_number"),
        (
            INVOICE,
            {"lines": (line("1", "10.00", AE, "0"),), "buyer": replace(MUNICIPALITY, vat_number=None)},
            "buyer.vat_number",
        ),
        (INVOICE, {"lines": ()}, "lines"),
        (INVOICE, {"lines": (line("1", "10.00", description="NUL \x00 byte"),)}, "Name"),
    ],
)
def test_a_snapshot_that_cannot_make_a_valid_document_is_refused(
    kind: DocumentKind, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvoiceRuleViolation) as raised:
        render_ubl(snapshot(kind, **changes))
    assert raised.value.field == field


@pytest.mark.parametrize(
    "changes", [{"buyer_reference": None}, {"buyer_reference": " ", "order_reference": ""}]
)
def test_a_buyer_that_gave_no_reference_is_named_in_buyer_reference_as_peppol_requires(
    changes: dict[str, object],
) -> None:
    """PEPPOL-EN16931-R003 asks for a buyer reference (BT-10) or an order reference. The snapshot keeps the
    reference as the buyer gave it, so that the PDF prints no "Er referens" it never gave; the UBL names the
    buyer instead."""
    document = snapshot(INVOICE, **changes)
    xml = render_ubl(document)
    assert validate_ubl(xml, xsd_dir=XSD_DIR) == []
    assert texts(parse(xml), "cbc:BuyerReference/text()") == [MUNICIPALITY.name]
    assert document.buyer_reference == changes["buyer_reference"]


def test_an_order_reference_alone_meets_the_rule_without_a_buyer_reference() -> None:
    root = parse(render_ubl(snapshot(INVOICE, buyer_reference=None, order_reference="PO 2026-118")))
    assert texts(root, "cbc:BuyerReference/text()") == []
    assert texts(root, "cac:OrderReference/cbc:ID/text()") == ["PO 2026-118"]


# --- property: any valid set of lines gives a valid document

treatments = st.sampled_from([(S, "25", None), (S, "12", None), (S, "6", None), (E, "0", EXEMPTION)])


def generated_line(quantity: int, price: int, treatment: tuple[VatCategory, str, str | None]) -> InvoiceLine:
    category, rate, reason = treatment
    return line(
        str(Decimal(quantity).scaleb(-2)), str(Decimal(price).scaleb(-2)), category, rate, reason=reason
    )


generated_lines = st.builds(
    generated_line,
    st.integers(min_value=1, max_value=100_000),  # 0.01 to 1000 hours
    st.integers(min_value=1, max_value=10_000_000),  # 0.01 to 100 000 kronor
    treatments,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(generated_lines, min_size=1, max_size=6), st.booleans(), st.sampled_from(KINDS))
def test_any_valid_lines_give_an_xsd_valid_document_whose_totals_add_up(
    lines: list[InvoiceLine], rounding: bool, kind: DocumentKind
) -> None:
    xml = render_ubl(snapshot(kind, lines=tuple(lines), round_payable_to_krona=rounding))
    assert validate_ubl(xml, xsd_dir=XSD_DIR) == []
    root = parse(xml)
    total = "cac:LegalMonetaryTotal"
    rounding_amount = sum(decimals(root, f"{total}/cbc:PayableRoundingAmount"))
    assert abs(rounding_amount) <= Decimal("0.50")
    assert (
        decimal(root, f"{total}/cbc:PayableAmount")
        == decimal(root, f"{total}/cbc:TaxInclusiveAmount") + rounding_amount
    )

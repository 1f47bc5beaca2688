"""Peppol BIS Billing 3.0 e-invoices (UBL 2.1 ``Invoice`` 380 and ``CreditNote`` 381) from an issued snapshot.

Swedish public bodies must receive invoices in this format (invoicing.md, "Peppol BIS Billing 3.0"). The
document is rendered from :class:`InvoiceSnapshot`, the frozen copy of an issued invoice or credit note, so
the same snapshot always gives the same bytes. Elements follow the order of the UBL 2.1 XSD sequences (the
schema rejects any other order); the layout of the Swedish seller follows the official examples in
``tests/reference/peppol/examples/`` (``se-UBL-IN_SE-R-013-test1-invoice.xml``, ``vat-category-O.xml``,
``base-creditnote-correction.xml``). Rules checked by the Swedish Peppol validation are named where they apply
(SE-R-*, PEPPOL-EN16931-*, EN 16931 BR-*).
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Final, TypeGuard

from lxml import etree

from kooperativet.core.identifiers import (
    InvalidIdentifier,
    normalise_bankgiro,
    normalise_organisation_number,
    swedish_vat_number,
)
from kooperativet.core.money import format_amount
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.calculation import (
    InvoiceCalculation,
    InvoiceLine,
    InvoiceRuleViolation,
    calculate_invoice,
)
from kooperativet.invoices.ocr import is_valid_ocr

CUSTOMIZATION_ID: Final = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_CODE: Final = "380"
CREDIT_NOTE_TYPE_CODE: Final = "381"
CURRENCY: Final = "SEK"
#: ISO 6523 ICD / Peppol EAS code for a Swedish organisation number (Bolagsverket).
SWEDISH_ORG_NUMBER_SCHEME: Final = "0007"
#: SE-R-005: the seller's tax registration (``TaxScheme/ID`` ``TAX``) must read exactly this.
F_SKATT_TEXT: Final = "Godkänd för F-skatt"
#: UNCL4461 code 30 "credit transfer"; with branch ``SE:BANKGIRO`` it is a bankgiro payment (SE-R-011).
CREDIT_TRANSFER: Final = "30"
BANKGIRO_BRANCH: Final = "SE:BANKGIRO"
#: Electronic address schemes Peppol accepts in ``EndpointID`` (PEPPOL-EN16931-CL008, Peppol BIS Billing
#: 3.0.21, May 2026 release). ``EM`` (e-mail) is in the CEF list but not in Peppol's.
_EAS_CODES: Final = """
    0002 0007 0009 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190 0191 0192 0195 0196
    0198 0199 0200 0201 0204 0208 0209 0210 0211 0216 0218 0221 0225 0230 0235 0240 0242 0244 0245 0246
    0248 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933
    9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953
    9957 9959
"""
PEPPOL_ENDPOINT_SCHEMES: Final = frozenset(_EAS_CODES.split())

_NS_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
_NS_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
_NS_CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_NS_CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_SCHEMA_FILES: Final = {
    f"{{{_NS_INVOICE}}}Invoice": Path("maindoc") / "UBL-Invoice-2.1.xsd",
    f"{{{_NS_CREDIT_NOTE}}}CreditNote": Path("maindoc") / "UBL-CreditNote-2.1.xsd",
}
_COUNTRY_CODE: Final = re.compile(r"[A-Z]{2}")
_VAT_PREFIX: Final = re.compile(r"[A-Z]{2}[0-9A-Z]")


class DocumentKind(StrEnum):
    """An invoice (UBL ``Invoice``, type 380) or a credit note that corrects one (``CreditNote``, 381)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; ``country`` is the ISO 3166-1 alpha-2 code (``SE``, ``DE``)."""

    street: str
    postal_code: str
    city: str
    country: str


@dataclass(frozen=True, slots=True)
class PeppolEndpoint:
    """A Peppol electronic address: the EAS scheme code (``0007``, ``0088``, ``9930`` …) and an identifier."""

    scheme: str
    identifier: str


@dataclass(frozen=True, slots=True)
class Seller:
    """The cooperative as it stood when the document was issued (mervärdesskattelagen 17 kap.)."""

    name: str
    org_number: str
    vat_number: str
    f_skatt: bool
    address: Address
    bankgiro: str
    contact_name: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    """The client as it stood when the document was issued.

    ``org_number`` is the organisation number (Swedish ``NNNNNN-NNNN`` or a foreign registration number);
    ``peppol_endpoint`` is the client's registered Peppol address when known. ``private_person`` marks a
    consumer: the invoice shows prices including VAT and is never sent as Peppol UBL (invoicing.md).
    """

    name: str
    address: Address
    org_number: str | None = None
    vat_number: str | None = None
    peppol_endpoint: PeppolEndpoint | None = None
    email: str | None = None
    private_person: bool = False


@dataclass(frozen=True, slots=True)
class InvoiceSnapshot:
    """The frozen content of an issued invoice or credit note, from which the PDF and the UBL are rendered.

    ``due_date`` is required for an invoice; a credit note may carry one (``PaymentMeans/PaymentDueDate``).
    ``refers_to_number``/``refers_to_issue_date`` name the corrected invoice and are required for a credit
    note. ``pdf`` is the readable PDF to embed. ``round_payable_to_krona`` records the öresavrundning
    setting at issue time, so that a later change of setting never changes an issued document.
    """

    number: str
    kind: DocumentKind
    issue_date: date
    due_date: date | None
    period_start: date
    period_end: date
    seller: Seller
    buyer: Buyer
    lines: tuple[InvoiceLine, ...]
    round_payable_to_krona: bool
    buyer_reference: str | None = None
    order_reference: str | None = None
    ocr: str | None = None
    notes: tuple[str, ...] = ()
    refers_to_number: str | None = None
    refers_to_issue_date: date | None = None
    pdf: bytes | None = None
    currency: str = CURRENCY


def render_ubl(snapshot: InvoiceSnapshot) -> bytes:
    """The Peppol BIS Billing 3.0 UBL document for ``snapshot``: UTF-8 bytes with an XML declaration,
    identical for identical snapshots. Raises :class:`InvoiceRuleViolation` when the snapshot cannot make a
    valid Peppol document (see :func:`check_snapshot` and :func:`check_peppol`)."""
    check_snapshot(snapshot)
    check_peppol(snapshot)
    calculation = calculate_invoice(
        lines=snapshot.lines,
        buyer_vat_number=snapshot.buyer.vat_number,
        round_payable_to_krona=snapshot.round_payable_to_krona,
    )
    credit_note = snapshot.kind is DocumentKind.CREDIT_NOTE
    root = _root(credit_note=credit_note)
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", snapshot.number)
    _cbc(root, "IssueDate", snapshot.issue_date.isoformat())
    if credit_note:
        _cbc(root, "CreditNoteTypeCode", CREDIT_NOTE_TYPE_CODE)
    else:
        assert snapshot.due_date is not None  # check_snapshot
        _cbc(root, "DueDate", snapshot.due_date.isoformat())
        _cbc(root, "InvoiceTypeCode", INVOICE_TYPE_CODE)
    note = "\n".join(text.strip() for text in snapshot.notes if text.strip())
    if note:  # PEPPOL-EN16931-R002: at most one document-level note
        _cbc(root, "Note", note)
    _cbc(root, "DocumentCurrencyCode", snapshot.currency)
    if _present(snapshot.buyer_reference):
        _cbc(root, "BuyerReference", snapshot.buyer_reference)
    period = _cac(root, "InvoicePeriod")
    _cbc(period, "StartDate", snapshot.period_start.isoformat())
    _cbc(period, "EndDate", snapshot.period_end.isoformat())
    if _present(snapshot.order_reference):
        _cbc(_cac(root, "OrderReference"), "ID", snapshot.order_reference)
    if snapshot.refers_to_number is not None:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", snapshot.refers_to_number)
        if snapshot.refers_to_issue_date is not None:
            _cbc(reference, "IssueDate", snapshot.refers_to_issue_date.isoformat())
    if snapshot.pdf is not None:
        _embedded_pdf(root, snapshot)
    outside_scope = any(row.category is VatCategory.OUTSIDE_SCOPE for row in calculation.vat_breakdown)
    _seller(root, snapshot.seller, outside_scope=outside_scope)
    _buyer(root, snapshot.buyer, outside_scope=outside_scope)
    _payment_means(root, snapshot)
    _tax_total(root, calculation)
    _monetary_total(root, calculation)
    for index, item in enumerate(calculation.lines, start=1):
        _line(root, index=index, line=item.line, amount=item.amount, credit_note=credit_note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def check_snapshot(snapshot: InvoiceSnapshot) -> None:
    """Check what every invoice needs beyond the line rules of ``calculation``, whether or not it is sent as
    Peppol UBL; raise :class:`InvoiceRuleViolation` naming the field.

    * number, names and addresses present; currency SEK; the seller in Sweden;
    * seller org. number 10 digits with a valid Luhn digit (SE-R-004, SE-R-013, PEPPOL-COMMON-R049) and VAT
      number ``SE`` + org. number + ``01`` (mervärdesskattelagen; SE-R-001, SE-R-002);
    * bankgiro number of 7–8 digits with a valid Luhn digit (SE-R-008, SE-R-009); OCR, when given, with a
      valid Luhn digit;
    * a buyer VAT number, when given, prefixed by its country code (BR-CO-09);
    * the invoice period in order (BR-29); an invoice has a due date not before its issue date;
    * a credit note names the invoice it corrects (invoicing.md: "refers to the original").
    """
    _require_text(snapshot.number, field="number")
    if snapshot.currency != CURRENCY:
        raise InvoiceRuleViolation("currency", "documents are issued in SEK")
    _check_seller(snapshot.seller)
    _check_party(snapshot.buyer.name, snapshot.buyer.address, field="buyer")
    if _present(snapshot.buyer.vat_number) and not _VAT_PREFIX.match(snapshot.buyer.vat_number.strip()):
        raise InvoiceRuleViolation(
            "buyer.vat_number", "a VAT number starts with its country code, e.g. DE123456789 (BR-CO-09)"
        )
    if snapshot.period_end < snapshot.period_start:
        raise InvoiceRuleViolation("period_end", "the period ends before it starts (BR-29)")
    if snapshot.kind is DocumentKind.INVOICE:
        if snapshot.due_date is None:
            raise InvoiceRuleViolation("due_date", "an invoice has a due date")
    elif snapshot.refers_to_number is None or snapshot.refers_to_issue_date is None:
        raise InvoiceRuleViolation(
            "refers_to_number", "a credit note names the number and date of the invoice it corrects"
        )
    if snapshot.due_date is not None and snapshot.due_date < snapshot.issue_date:
        raise InvoiceRuleViolation("due_date", "the due date is before the issue date")
    if snapshot.refers_to_number is not None:
        _require_text(snapshot.refers_to_number, field="refers_to_number")
    if snapshot.ocr is not None and not is_valid_ocr(snapshot.ocr, with_length_digit=False):
        raise InvoiceRuleViolation("ocr", "not an OCR reference: digits only with a valid check digit")


def check_peppol(snapshot: InvoiceSnapshot) -> None:
    """Check what only the Peppol document needs: a buyer reference or an order reference
    (PEPPOL-EN16931-R003) and the buyer's electronic address (PEPPOL-EN16931-R010, :func:`buyer_endpoint`)."""
    if not (_present(snapshot.buyer_reference) or _present(snapshot.order_reference)):
        raise InvoiceRuleViolation(
            "buyer_reference", "give the buyer's reference or an order reference (PEPPOL-EN16931-R003)"
        )
    buyer_endpoint(snapshot.buyer)


def has_peppol_address(buyer: Buyer) -> bool:
    """Whether the buyer can receive a Peppol e-invoice: a business or public body with a registered
    endpoint, or a Swedish organisation number (scheme 0007). A private person never has one here."""
    if buyer.private_person:
        return False
    if buyer.peppol_endpoint is not None:
        return True  # an endpoint that is not valid is refused by buyer_endpoint, never dropped
    return (
        buyer.address.country == "SE"
        and buyer.org_number is not None
        and _swedish_org_number(buyer.org_number) is not None
    )


def buyer_endpoint(buyer: Buyer) -> PeppolEndpoint:
    """The buyer's Peppol electronic address (BT-49), which Peppol requires (PEPPOL-EN16931-R010).

    The registered ``peppol_endpoint`` when known; otherwise, for a Swedish buyer, its organisation number
    under scheme 0007, which is how Swedish public bodies are registered in Peppol. A foreign buyer without a
    known endpoint raises :class:`InvoiceRuleViolation`: Peppol accepts no e-mail fallback, and guessing a
    scheme from a VAT number could route the document to the wrong receiver.
    """
    if buyer.peppol_endpoint is not None:
        endpoint = buyer.peppol_endpoint
        if endpoint.scheme not in PEPPOL_ENDPOINT_SCHEMES:
            raise InvoiceRuleViolation(
                "buyer.peppol_endpoint.scheme", f"{endpoint.scheme!r} is not a Peppol EAS code (CL008)"
            )
        _require_text(endpoint.identifier, field="buyer.peppol_endpoint.identifier")
        if endpoint.scheme == SWEDISH_ORG_NUMBER_SCHEME and _swedish_org_number(endpoint.identifier) is None:
            raise InvoiceRuleViolation(
                "buyer.peppol_endpoint.identifier", "not a valid Swedish organisation number (0007)"
            )
        return endpoint
    if buyer.address.country == "SE" and buyer.org_number is not None:
        org_number = _swedish_org_number(buyer.org_number)
        if org_number is not None:
            return PeppolEndpoint(scheme=SWEDISH_ORG_NUMBER_SCHEME, identifier=org_number)
    raise InvoiceRuleViolation(
        "buyer.peppol_endpoint",
        "Peppol needs the buyer's electronic address: record its Peppol ID or a Swedish organisation number",
    )


def validate_ubl(xml_bytes: bytes, *, xsd_dir: Path) -> list[str]:
    """Validate a UBL 2.1 ``Invoice`` or ``CreditNote`` against the OASIS XSD in ``xsd_dir`` (the folder that
    holds ``maindoc/`` and ``common/``); return the errors, empty when valid. The schematron rules (EN 16931,
    Peppol) are not checked here."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.fromstring(xml_bytes, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema_file = _SCHEMA_FILES.get(document.tag)
    if schema_file is None:
        return [f"root element {document.tag} is neither a UBL 2.1 Invoice nor a CreditNote"]
    schema = _schema(xsd_dir.resolve() / schema_file)
    if schema.validate(document):
        return []
    # One error a line, "<string>:LINE:COLUMN:ERROR:SCHEMASV:CODE: message" (lxml-stubs type no entries).
    return str(schema.error_log).splitlines()


@functools.lru_cache(maxsize=4)
def _schema(path: Path) -> etree.XMLSchema:
    # Building the UBL schema takes ~0.1 s; the files never change while the process runs.
    return etree.XMLSchema(etree.parse(str(path)))


def _root(*, credit_note: bool) -> etree._Element:
    # The document namespace is the default one, as in the official examples. Parsed from text because
    # lxml-stubs 0.5 types ``nsmap`` as ``Mapping[str, str]`` and so refuse the ``None`` key lxml uses for it.
    name, namespace = ("CreditNote", _NS_CREDIT_NOTE) if credit_note else ("Invoice", _NS_INVOICE)
    return etree.fromstring(f'<{name} xmlns="{namespace}" xmlns:cac="{_NS_CAC}" xmlns:cbc="{_NS_CBC}"/>')


def _seller(root: etree._Element, seller: Seller, *, outside_scope: bool) -> None:
    party = _cac(_cac(root, "AccountingSupplierParty"), "Party")
    org_number = _swedish_org_number(seller.org_number)
    assert org_number is not None  # check_snapshot
    _cbc(party, "EndpointID", org_number, schemeID=SWEDISH_ORG_NUMBER_SCHEME)
    _address(party, seller.address)
    if not outside_scope:  # BR-O-02: no seller VAT identifier on an invoice outside the scope of VAT
        _tax_scheme(party, company_id=seller.vat_number.strip(), scheme="VAT")
    if seller.f_skatt:  # SE-R-005
        _tax_scheme(party, company_id=F_SKATT_TEXT, scheme="TAX")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", seller.name)
    _cbc(legal, "CompanyID", org_number, schemeID=SWEDISH_ORG_NUMBER_SCHEME)
    if _present(seller.contact_name) or _present(seller.email):
        contact = _cac(party, "Contact")
        if _present(seller.contact_name):
            _cbc(contact, "Name", seller.contact_name)
        if _present(seller.email):
            _cbc(contact, "ElectronicMail", seller.email)


def _buyer(root: etree._Element, buyer: Buyer, *, outside_scope: bool) -> None:
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    endpoint = buyer_endpoint(buyer)
    _cbc(party, "EndpointID", endpoint.identifier, schemeID=endpoint.scheme)
    _address(party, buyer.address)
    if _present(buyer.vat_number) and not outside_scope:  # BR-O-02: no buyer VAT identifier either
        _tax_scheme(party, company_id=buyer.vat_number.strip(), scheme="VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", buyer.name)
    if _present(buyer.org_number):
        swedish = _swedish_org_number(buyer.org_number) if buyer.address.country == "SE" else None
        if swedish is not None:
            _cbc(legal, "CompanyID", swedish, schemeID=SWEDISH_ORG_NUMBER_SCHEME)
        else:
            _cbc(legal, "CompanyID", buyer.org_number)
    if _present(buyer.email):
        _cbc(_cac(party, "Contact"), "ElectronicMail", buyer.email)


def _payment_means(root: etree._Element, snapshot: InvoiceSnapshot) -> None:
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", CREDIT_TRANSFER)
    if snapshot.kind is DocumentKind.CREDIT_NOTE and snapshot.due_date is not None:
        # A UBL CreditNote has no cbc:DueDate; Peppol maps BT-9 to PaymentMeans/PaymentDueDate.
        _cbc(means, "PaymentDueDate", snapshot.due_date.isoformat())
    if snapshot.ocr is not None:
        _cbc(means, "PaymentID", snapshot.ocr)
    account = _cac(means, "PayeeFinancialAccount")
    _cbc(account, "ID", _digits(snapshot.seller.bankgiro))
    _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", BANKGIRO_BRANCH)


def _tax_total(root: etree._Element, calculation: InvoiceCalculation) -> None:
    total = _cac(root, "TaxTotal")  # PEPPOL-EN16931-R053: exactly one, with subtotals
    _amount(total, "TaxAmount", calculation.totals.tax_amount)
    for row in calculation.vat_breakdown:
        subtotal = _cac(total, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", row.taxable_amount)
        _amount(subtotal, "TaxAmount", row.tax_amount)
        category = _cac(subtotal, "TaxCategory")
        _cbc(category, "ID", row.category.value)
        if row.category is not VatCategory.OUTSIDE_SCOPE:  # BR-48: a rate, except when not subject to VAT
            _cbc(category, "Percent", _plain(row.rate))
        if row.exemption_reason_code is not None:
            _cbc(category, "TaxExemptionReasonCode", row.exemption_reason_code)
        if row.exemption_reason is not None:
            _cbc(category, "TaxExemptionReason", row.exemption_reason)
        _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def _monetary_total(root: etree._Element, calculation: InvoiceCalculation) -> None:
    totals = calculation.totals
    monetary = _cac(root, "LegalMonetaryTotal")
    _amount(monetary, "LineExtensionAmount", totals.line_extension_amount)
    _amount(monetary, "TaxExclusiveAmount", totals.tax_exclusive_amount)
    _amount(monetary, "TaxInclusiveAmount", totals.tax_inclusive_amount)
    if totals.rounding_amount:
        _amount(monetary, "PayableRoundingAmount", totals.rounding_amount)
    _amount(monetary, "PayableAmount", totals.payable_amount)


def _line(root: etree._Element, *, index: int, line: InvoiceLine, amount: Decimal, credit_note: bool) -> None:
    element = _cac(root, "CreditNoteLine" if credit_note else "InvoiceLine")
    _cbc(element, "ID", str(index))
    _cbc(
        element,
        "CreditedQuantity" if credit_note else "InvoicedQuantity",
        _plain(line.quantity),
        unitCode=line.unit,
    )
    _amount(element, "LineExtensionAmount", amount)
    item = _cac(element, "Item")
    _cbc(item, "Name", line.description)
    category = _cac(item, "ClassifiedTaxCategory")
    _cbc(category, "ID", line.vat_category.value)
    if line.vat_category is not VatCategory.OUTSIDE_SCOPE:
        _cbc(category, "Percent", _plain(line.vat_rate))
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    _amount(_cac(element, "Price"), "PriceAmount", line.unit_price)


def _embedded_pdf(root: etree._Element, snapshot: InvoiceSnapshot) -> None:
    assert snapshot.pdf is not None
    reference = _cac(root, "AdditionalDocumentReference")
    _cbc(reference, "ID", snapshot.number)  # BR-52
    _cbc(
        _cac(reference, "Attachment"),
        "EmbeddedDocumentBinaryObject",
        base64.b64encode(snapshot.pdf).decode("ascii"),
        mimeCode="application/pdf",
        filename=f"{snapshot.number}.pdf",
    )


def _address(party: etree._Element, address: Address) -> None:
    postal = _cac(party, "PostalAddress")
    _cbc(postal, "StreetName", address.street)
    _cbc(postal, "CityName", address.city)
    _cbc(postal, "PostalZone", address.postal_code)
    _cbc(_cac(postal, "Country"), "IdentificationCode", address.country)


def _tax_scheme(party: etree._Element, *, company_id: str, scheme: str) -> None:
    tax_scheme = _cac(party, "PartyTaxScheme")
    _cbc(tax_scheme, "CompanyID", company_id)
    _cbc(_cac(tax_scheme, "TaxScheme"), "ID", scheme)


def _check_seller(seller: Seller) -> None:
    _check_party(seller.name, seller.address, field="seller")
    if seller.address.country != "SE":
        raise InvoiceRuleViolation("seller.address.country", "the cooperative is a Swedish seller (SE)")
    if _swedish_org_number(seller.org_number) is None:
        raise InvoiceRuleViolation(
            "seller.org_number", "a Swedish organisation number has 10 digits and a valid check digit"
        )
    expected_vat_number = swedish_vat_number(seller.org_number)
    if seller.vat_number.strip() != expected_vat_number:
        raise InvoiceRuleViolation(
            "seller.vat_number", f"the VAT number is SE + organisation number + 01: {expected_vat_number}"
        )
    try:
        normalise_bankgiro(seller.bankgiro)
    except InvalidIdentifier as exc:
        raise InvoiceRuleViolation("seller.bankgiro", f"{exc} (SE-R-008, SE-R-009)") from exc


def _check_party(name: str, address: Address, *, field: str) -> None:
    _require_text(name, field=f"{field}.name")
    _require_text(address.street, field=f"{field}.address.street")
    _require_text(address.postal_code, field=f"{field}.address.postal_code")
    _require_text(address.city, field=f"{field}.address.city")
    if not _COUNTRY_CODE.fullmatch(address.country):
        raise InvoiceRuleViolation(f"{field}.address.country", "use the ISO 3166-1 alpha-2 code, e.g. SE")


def _swedish_org_number(value: str) -> str | None:
    """The 10 digits of a Swedish organisation number (``556677-8899`` → ``5566778899``) if it is well
    formed and its Luhn digit is right (SE-R-013, PEPPOL-COMMON-R049); otherwise None."""
    try:
        return _digits(normalise_organisation_number(value))
    except InvalidIdentifier:
        return None


def _digits(value: str) -> str:
    return "".join(character for character in value if character.isascii() and character.isdigit())


def _present(value: str | None) -> TypeGuard[str]:
    return value is not None and bool(value.strip())


def _require_text(value: str, *, field: str) -> None:
    if not value.strip():
        raise InvoiceRuleViolation(field, "must not be empty (PEPPOL-EN16931-R008)")


def _plain(value: Decimal) -> str:
    """A quantity or a percentage without exponent or trailing zeros: ``25``, ``7.5``."""
    return format(value.normalize(), "f")


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{_NS_CAC}}}{name}")


def _cbc(parent: etree._Element, name: str, text: str | None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{_NS_CBC}}}{name}", attributes)
    try:
        element.text = (text or "").strip()
    except ValueError as exc:  # lxml refuses NUL and other control characters XML 1.0 cannot carry
        raise InvoiceRuleViolation(name, f"contains characters that cannot appear in XML: {text!r}") from exc
    return element


def _amount(parent: etree._Element, name: str, amount: Decimal) -> None:
    _cbc(parent, name, format_amount(amount), currencyID=CURRENCY)

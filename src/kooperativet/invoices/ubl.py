"""Peppol BIS Billing 3.0 e-invoices (UBL 2.1 ``Invoice`` 380 and ``CreditNote`` 381) from an issued snapshot.

Swedish public bodies must receive invoices in this format (invoicing.md, "Peppol BIS Billing 3.0"). The
document is rendered from :class:`InvoiceSnapshot`, the frozen copy of an issued invoice or credit note, so
the same snapshot always gives the same bytes. Elements follow the order of the UBL 2.1 XSD sequences (the
schema rejects any other order); the layout of the Swedish seller follows the official examples in
``tests/reference/peppol/examples/`` (``se-UBL-IN_SE-R-013-test1-invoice.xml``, ``vat-category-O.xml``,
``base-creditnote-correction.xml``). Rules checked by the Swedish Peppol validation are named where they apply
(SE-R-*, PEPPOL-EN16931-*, EN 16931 BR-*); the content rules themselves are in ``content_rules``.
"""

from __future__ import annotations

import base64
import functools
from decimal import Decimal
from pathlib import Path
from typing import Final

from lxml import etree

from kooperativet.core.money import format_amount
from kooperativet.core.vat import VatCategory
from kooperativet.invoices.calculation import (
    InvoiceCalculation,
    InvoiceLine,
    InvoiceRuleViolation,
)
from kooperativet.invoices.content_rules import (
    SWEDISH_ORG_NUMBER_SCHEME,
    buyer_endpoint,
    check_peppol,
    check_snapshot,
    digits,
    pays_from_abroad,
    peppol_buyer_reference,
    present,
    swedish_org_number,
)
from kooperativet.invoices.snapshot import (
    CURRENCY,
    Address,
    Buyer,
    DocumentKind,
    InvoiceSnapshot,
    Seller,
    calculation_of,
)

CUSTOMIZATION_ID: Final = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_CODE: Final = "380"
CREDIT_NOTE_TYPE_CODE: Final = "381"
#: SE-R-005: the seller's tax registration (``TaxScheme/ID`` ``TAX``) must read exactly this.
F_SKATT_TEXT: Final = "Godkänd för F-skatt"
#: UNCL4461 code 30 "credit transfer"; with branch ``SE:BANKGIRO`` it is a bankgiro payment (SE-R-011). The
#: IBAN given to a buyer abroad is code 30 too: 58 is a SEPA credit transfer, a euro scheme, and the documents
#: are in SEK; and every payment means of a document must have the same code (UBL-SR-47).
CREDIT_TRANSFER: Final = "30"
BANKGIRO_BRANCH: Final = "SE:BANKGIRO"

_NS_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
_NS_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
_NS_CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_NS_CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_SCHEMA_FILES: Final = {
    f"{{{_NS_INVOICE}}}Invoice": Path("maindoc") / "UBL-Invoice-2.1.xsd",
    f"{{{_NS_CREDIT_NOTE}}}CreditNote": Path("maindoc") / "UBL-CreditNote-2.1.xsd",
}


def render_ubl(snapshot: InvoiceSnapshot) -> bytes:
    """The Peppol BIS Billing 3.0 UBL document for ``snapshot``: UTF-8 bytes with an XML declaration,
    identical for identical snapshots. Raises :class:`InvoiceRuleViolation` when the snapshot cannot make a
    valid Peppol document (see :func:`check_snapshot` and :func:`check_peppol`)."""
    check_snapshot(snapshot)
    check_peppol(snapshot)
    calculation = calculation_of(snapshot)
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
    buyer_reference = peppol_buyer_reference(snapshot)
    if buyer_reference is not None:  # PEPPOL-EN16931-R003: else the order reference below
        _cbc(root, "BuyerReference", buyer_reference)
    period = _cac(root, "InvoicePeriod")
    _cbc(period, "StartDate", snapshot.period_start.isoformat())
    _cbc(period, "EndDate", snapshot.period_end.isoformat())
    if present(snapshot.order_reference):
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
    org_number = swedish_org_number(seller.org_number)
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
    if present(seller.contact_name) or present(seller.email):
        contact = _cac(party, "Contact")
        if present(seller.contact_name):
            _cbc(contact, "Name", seller.contact_name)
        if present(seller.email):
            _cbc(contact, "ElectronicMail", seller.email)


def _buyer(root: etree._Element, buyer: Buyer, *, outside_scope: bool) -> None:
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    endpoint = buyer_endpoint(buyer)
    _cbc(party, "EndpointID", endpoint.identifier, schemeID=endpoint.scheme)
    _address(party, buyer.address)
    if present(buyer.vat_number) and not outside_scope:  # BR-O-02: no buyer VAT identifier either
        _tax_scheme(party, company_id=buyer.vat_number.strip(), scheme="VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", buyer.name)
    if present(buyer.org_number):
        swedish = swedish_org_number(buyer.org_number) if buyer.address.country == "SE" else None
        if swedish is not None:
            _cbc(legal, "CompanyID", swedish, schemeID=SWEDISH_ORG_NUMBER_SCHEME)
        else:
            _cbc(legal, "CompanyID", buyer.org_number)
    if present(buyer.email):
        _cbc(_cac(party, "Contact"), "ElectronicMail", buyer.email)


def _payment_means(root: etree._Element, snapshot: InvoiceSnapshot) -> None:
    """One ``cac:PaymentMeans`` (BG-16) per account the buyer may pay to, adjacent as the XSD wants them.

    The same code 30 on each (UBL-SR-47) and the same OCR as ``PaymentID`` (BT-83; one distinct value in the
    document, UBL-SR-44), so a payer abroad quotes it as well. The credit note's due date (BT-9) only on the
    first: ``PaymentDueDate`` may occur once in a document (UBL-SR-45)."""
    for index, (account_id, branch_id) in enumerate(_payee_accounts(snapshot)):
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", CREDIT_TRANSFER)
        if index == 0 and snapshot.kind is DocumentKind.CREDIT_NOTE and snapshot.due_date is not None:
            # A UBL CreditNote has no cbc:DueDate; Peppol maps BT-9 to PaymentMeans/PaymentDueDate.
            _cbc(means, "PaymentDueDate", snapshot.due_date.isoformat())
        if snapshot.ocr is not None:
            _cbc(means, "PaymentID", snapshot.ocr)
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", account_id)  # BT-84, required for code 30 (BR-50, BR-61)
        if branch_id is not None:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", branch_id)  # BT-86


def _payee_accounts(snapshot: InvoiceSnapshot) -> list[tuple[str, str | None]]:
    """(account, branch) to pay to. The bankgiro always (SE-R-008, SE-R-009: digits only; code 30 with branch
    ``SE:BANKGIRO``, SE-R-011), and for a Swedish buyer alone, as before: the rules would allow the IBAN there
    too, but a Swedish buyer pays the bankgiro, whose OCR service matches the payment. A buyer abroad cannot
    pay a bankgiro: when the seller has an IBAN it comes first, with the BIC when known (BT-86 is optional),
    so that a receiver that reads one payment means reads one the buyer can use, as the PDF prints it first.
    No Swedish rule (SE-R-007 to SE-R-012) concerns a code-30 means with another branch than a giro."""
    bankgiro = (digits(snapshot.seller.bankgiro), BANKGIRO_BRANCH)
    iban = _compact(snapshot.seller.iban)
    if not (iban and pays_from_abroad(snapshot.buyer)):
        return [bankgiro]
    return [(iban, _compact(snapshot.seller.bic) or None), bankgiro]


def _compact(identifier: str | None) -> str:
    """An IBAN or BIC in its electronic form, without the spaces of the paper form (ISO 13616 / ISO 9362)."""
    return "".join((identifier or "").split()).upper()


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

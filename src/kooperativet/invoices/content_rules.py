"""What every issued invoice or credit note must say, and what only the Peppol e-invoice needs.

Rules checked by the Swedish Peppol validation are named where they apply (SE-R-*, PEPPOL-EN16931-*, EN 16931
BR-*). ``check_snapshot`` holds for every document, PDF or UBL; ``check_peppol`` and ``buyer_endpoint`` for
the Peppol BIS Billing 3.0 UBL (``ubl``); ``has_peppol_address`` decides whether a buyer gets one.
"""

from __future__ import annotations

import re
from typing import Final, TypeGuard

from kooperativet.core.identifiers import (
    InvalidIdentifier,
    normalise_bankgiro,
    normalise_organisation_number,
    swedish_vat_number,
)
from kooperativet.invoices.calculation import InvoiceRuleViolation
from kooperativet.invoices.ocr import is_valid_ocr
from kooperativet.invoices.snapshot import (
    CURRENCY,
    Address,
    Buyer,
    DocumentKind,
    InvoiceSnapshot,
    PeppolEndpoint,
    Seller,
)

#: ISO 6523 ICD / Peppol EAS code for a Swedish organisation number (Bolagsverket).
SWEDISH_ORG_NUMBER_SCHEME: Final = "0007"
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
_COUNTRY_CODE: Final = re.compile(r"[A-Z]{2}")
_VAT_PREFIX: Final = re.compile(r"[A-Z]{2}[0-9A-Z]")


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
    if present(snapshot.buyer.vat_number) and not _VAT_PREFIX.match(snapshot.buyer.vat_number.strip()):
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
    (PEPPOL-EN16931-R003, met by the buyer's name when it gave neither: :func:`peppol_buyer_reference`) and
    the buyer's electronic address (PEPPOL-EN16931-R010, :func:`buyer_endpoint`)."""
    if not (present(peppol_buyer_reference(snapshot)) or present(snapshot.order_reference)):
        raise InvoiceRuleViolation(
            "buyer_reference", "give the buyer's reference or an order reference (PEPPOL-EN16931-R003)"
        )
    buyer_endpoint(snapshot.buyer)


def peppol_buyer_reference(snapshot: InvoiceSnapshot) -> str | None:
    """The UBL's ``BuyerReference`` (BT-10): the reference the buyer gave. A buyer that gave neither it nor an
    order reference is named by its name, since Peppol requires one of the two (PEPPOL-EN16931-R003); the
    snapshot keeps the reference as given, so the PDF prints no "Er referens" the buyer never gave
    (invoicing.md). None when an order reference alone meets the rule."""
    if present(snapshot.buyer_reference):
        return snapshot.buyer_reference
    if present(snapshot.order_reference):
        return None
    return snapshot.buyer.name


def pays_from_abroad(buyer: Buyer) -> bool:
    """Whether the buyer's address is outside Sweden: such a buyer cannot pay to a bankgiro, so the PDF and
    the UBL give the seller's IBAN (and BIC) too (invoicing.md, "Peppol BIS Billing 3.0")."""
    return (buyer.address.country or "SE") != "SE"  # an older snapshot may hold no country: Sweden


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
        and swedish_org_number(buyer.org_number) is not None
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
        if endpoint.scheme == SWEDISH_ORG_NUMBER_SCHEME and swedish_org_number(endpoint.identifier) is None:
            raise InvoiceRuleViolation(
                "buyer.peppol_endpoint.identifier", "not a valid Swedish organisation number (0007)"
            )
        return endpoint
    if buyer.address.country == "SE" and buyer.org_number is not None:
        org_number = swedish_org_number(buyer.org_number)
        if org_number is not None:
            return PeppolEndpoint(scheme=SWEDISH_ORG_NUMBER_SCHEME, identifier=org_number)
    raise InvoiceRuleViolation(
        "buyer.peppol_endpoint",
        "Peppol needs the buyer's electronic address: record its Peppol ID or a Swedish organisation number",
    )


def _check_seller(seller: Seller) -> None:
    _check_party(seller.name, seller.address, field="seller")
    if seller.address.country != "SE":
        raise InvoiceRuleViolation("seller.address.country", "the cooperative is a Swedish seller (SE)")
    if swedish_org_number(seller.org_number) is None:
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


def swedish_org_number(value: str) -> str | None:
    """The 10 digits of a Swedish organisation number (``556677-8899`` → ``5566778899``) if it is well
    formed and its Luhn digit is right (SE-R-013, PEPPOL-COMMON-R049); otherwise None."""
    try:
        return digits(normalise_organisation_number(value))
    except InvalidIdentifier:
        return None


def digits(value: str) -> str:
    return "".join(character for character in value if character.isascii() and character.isdigit())


def present(value: str | None) -> TypeGuard[str]:
    return value is not None and bool(value.strip())


def _require_text(value: str, *, field: str) -> None:
    if not value.strip():
        raise InvoiceRuleViolation(field, "must not be empty (PEPPOL-EN16931-R008)")

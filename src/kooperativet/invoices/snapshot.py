"""The snapshot of an issued invoice or credit note (seller, buyer, lines, dates, references) and how it is
stored as JSON.

At issue everything the documents need is copied into the snapshot (parties, lines, dates, OCR, language,
texts) and stored with the invoice; the UBL and the PDF are rendered from it (``documents``), again and again
to the same bytes. A stored snapshot is read back as it was written, whatever its version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from kooperativet.core.vat import VatCategory
from kooperativet.invoices.calculation import (
    CreditedVat,
    CreditShare,
    InvoiceCalculation,
    InvoiceLine,
    calculate_invoice,
)

CURRENCY: Final = "SEK"

#: Version 2 added ``e_invoice``, ``payment_terms_days`` and the buyer's ``private_person``; a version 1
#: snapshot was always sent as UBL to a business. Version 3 added a credit note's ``credit_share``; a
#: credit note without one was calculated as an invoice, with öresavrundning of its own.
SNAPSHOT_VERSION: Final = 3


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
    #: The account a buyer abroad pays to, who cannot pay a bankgiro (not in snapshots before 2026-12-05).
    iban: str | None = None
    bic: str | None = None


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
    ``credit_share`` is a credit note's share of its invoice's VAT and rounding (``calculation.CreditShare``).
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
    credit_share: CreditShare | None = None


def calculation_of(snapshot: InvoiceSnapshot) -> InvoiceCalculation:
    """The numbers of an issued document, as it was issued: what its UBL and PDF show."""
    return calculate_invoice(
        lines=snapshot.lines,
        buyer_vat_number=snapshot.buyer.vat_number,
        round_payable_to_krona=snapshot.round_payable_to_krona,
        credit_share=snapshot.credit_share,
    )


@dataclass(frozen=True, slots=True)
class IssuedSnapshot:
    """The Peppol snapshot plus what only the readable PDF shows.

    ``e_invoice`` says whether a Peppol UBL is made (the buyer has a Peppol address); without it the PDF
    alone is the invoice. ``payment_terms_days`` is the client's terms at issue, printed on the invoice.
    """

    document: InvoiceSnapshot
    language: str
    title: str
    place: str | None = None
    e_invoice: bool = True
    payment_terms_days: int | None = None


def snapshot_to_json(issued: IssuedSnapshot) -> dict[str, Any]:
    """A JSON-safe dict (decimals and dates as strings) that :func:`snapshot_from_json` reads back."""
    doc = issued.document
    return {
        "version": SNAPSHOT_VERSION,
        "e_invoice": issued.e_invoice,
        "payment_terms_days": issued.payment_terms_days,
        "language": issued.language,
        "title": issued.title,
        "place": issued.place,
        "number": doc.number,
        "kind": doc.kind.value,
        "issue_date": doc.issue_date.isoformat(),
        "due_date": _date_text(doc.due_date),
        "period_start": doc.period_start.isoformat(),
        "period_end": doc.period_end.isoformat(),
        "seller": {
            "name": doc.seller.name,
            "org_number": doc.seller.org_number,
            "vat_number": doc.seller.vat_number,
            "f_skatt": doc.seller.f_skatt,
            "address": _address_json(doc.seller.address),
            "bankgiro": doc.seller.bankgiro,
            "contact_name": doc.seller.contact_name,
            "email": doc.seller.email,
            **({"iban": doc.seller.iban, "bic": doc.seller.bic} if doc.seller.iban else {}),
        },
        "buyer": {
            "name": doc.buyer.name,
            "address": _address_json(doc.buyer.address),
            "org_number": doc.buyer.org_number,
            "vat_number": doc.buyer.vat_number,
            "peppol_endpoint": (
                None
                if doc.buyer.peppol_endpoint is None
                else {
                    "scheme": doc.buyer.peppol_endpoint.scheme,
                    "identifier": doc.buyer.peppol_endpoint.identifier,
                }
            ),
            "email": doc.buyer.email,
            "private_person": doc.buyer.private_person,
        },
        "lines": [
            {
                "description": line.description,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_price": str(line.unit_price),
                "vat_category": line.vat_category.value,
                "vat_rate": str(line.vat_rate),
                "exemption_reason": line.exemption_reason,
            }
            for line in doc.lines
        ],
        "round_payable_to_krona": doc.round_payable_to_krona,
        "buyer_reference": doc.buyer_reference,
        "order_reference": doc.order_reference,
        "ocr": doc.ocr,
        "notes": list(doc.notes),
        "refers_to_number": doc.refers_to_number,
        "refers_to_issue_date": _date_text(doc.refers_to_issue_date),
        "currency": doc.currency,
        "credit_share": _credit_share_json(doc.credit_share),
    }


def snapshot_from_json(data: dict[str, Any]) -> IssuedSnapshot:
    seller = data["seller"]
    buyer = data["buyer"]
    endpoint = buyer["peppol_endpoint"]
    document = InvoiceSnapshot(
        number=data["number"],
        kind=DocumentKind(data["kind"]),
        issue_date=date.fromisoformat(data["issue_date"]),
        due_date=_date_value(data["due_date"]),
        period_start=date.fromisoformat(data["period_start"]),
        period_end=date.fromisoformat(data["period_end"]),
        seller=Seller(
            name=seller["name"],
            org_number=seller["org_number"],
            vat_number=seller["vat_number"],
            f_skatt=seller["f_skatt"],
            address=_address_value(seller["address"]),
            bankgiro=seller["bankgiro"],
            contact_name=seller["contact_name"],
            email=seller["email"],
            iban=seller.get("iban"),
            bic=seller.get("bic"),
        ),
        buyer=Buyer(
            name=buyer["name"],
            address=_address_value(buyer["address"]),
            org_number=buyer["org_number"],
            vat_number=buyer["vat_number"],
            peppol_endpoint=(
                None
                if endpoint is None
                else PeppolEndpoint(scheme=endpoint["scheme"], identifier=endpoint["identifier"])
            ),
            email=buyer["email"],
            private_person=buyer.get("private_person", False),
        ),
        lines=tuple(
            InvoiceLine(
                description=line["description"],
                quantity=Decimal(line["quantity"]),
                unit=line["unit"],
                unit_price=Decimal(line["unit_price"]),
                vat_category=VatCategory(line["vat_category"]),
                vat_rate=Decimal(line["vat_rate"]),
                exemption_reason=line["exemption_reason"],
            )
            for line in data["lines"]
        ),
        round_payable_to_krona=data["round_payable_to_krona"],
        buyer_reference=data["buyer_reference"],
        order_reference=data["order_reference"],
        ocr=data["ocr"],
        notes=tuple(data["notes"]),
        refers_to_number=data["refers_to_number"],
        refers_to_issue_date=_date_value(data["refers_to_issue_date"]),
        currency=data["currency"],
        credit_share=_credit_share_value(data.get("credit_share")),
    )
    return IssuedSnapshot(
        document=document,
        language=data["language"],
        title=data["title"],
        place=data["place"],
        e_invoice=data.get("e_invoice", True),
        payment_terms_days=data.get("payment_terms_days"),
    )


def _credit_share_json(share: CreditShare | None) -> dict[str, Any] | None:
    if share is None:
        return None
    return {
        "vat": [
            {"category": row.category.value, "rate": str(row.rate), "amount": str(row.amount)}
            for row in share.vat
        ],
        "rounding": str(share.rounding),
    }


def _credit_share_value(data: dict[str, Any] | None) -> CreditShare | None:
    if data is None:
        return None
    return CreditShare(
        vat=tuple(
            CreditedVat(
                category=VatCategory(row["category"]),
                rate=Decimal(row["rate"]),
                amount=Decimal(row["amount"]),
            )
            for row in data["vat"]
        ),
        rounding=Decimal(data["rounding"]),
    )


def _address_json(address: Address) -> dict[str, str]:
    return {
        "street": address.street,
        "postal_code": address.postal_code,
        "city": address.city,
        "country": address.country,
    }


def _address_value(data: dict[str, str]) -> Address:
    return Address(
        street=data["street"], postal_code=data["postal_code"], city=data["city"], country=data["country"]
    )


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_value(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)

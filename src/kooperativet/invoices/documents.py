"""The stored snapshot of an issued invoice or credit note, and the two documents rendered from it.

At issue everything the documents need is copied into a JSON snapshot (parties, lines, dates, OCR, language,
texts). The Peppol UBL is rendered from it, then the PDF/A-3b with that UBL embedded (invoicing.md, "PDF").
The same snapshot always gives the same bytes, so the stored SHA-256 can be checked by rendering again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Final

from kooperativet.core.vat import REVERSE_CHARGE_TEXT, VatCategory
from kooperativet.documents.render import Attachment, render_pdf
from kooperativet.invoices.calculation import InvoiceLine, amounts_including_vat, calculate_invoice
from kooperativet.invoices.ubl import (
    F_SKATT_TEXT,
    Address,
    Buyer,
    DocumentKind,
    InvoiceSnapshot,
    PeppolEndpoint,
    Seller,
    check_snapshot,
    render_ubl,
)

#: Version 2 added ``e_invoice``, ``payment_terms_days`` and the buyer's ``private_person``; a version 1
#: snapshot was always sent as UBL to a business.
SNAPSHOT_VERSION: Final = 2
TEMPLATE: Final = "invoice/invoice.html"

#: The unit a line's quantity is counted in, as the reader says it. The UBL keeps the UN/ECE Recommendation 20
#: code (Peppol BIS 3.0, BT-130); the PDF prints the word. A code not listed here is printed as it is.
UNIT_NAMES: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "HUR": "tim",
        "DAY": "dagar",
        "WEE": "veckor",
        "MON": "mån",
        "MIN": "min",
        "C62": "st",
        "H87": "st",
        "EA": "st",
        "KMT": "km",
        "LS": "fast pris",
    },
    "en": {
        "HUR": "hours",
        "DAY": "days",
        "WEE": "weeks",
        "MON": "months",
        "MIN": "min",
        "C62": "pcs",
        "H87": "pcs",
        "EA": "pcs",
        "KMT": "km",
        "LS": "lump sum",
    },
}

LABELS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "invoice": "Faktura",
        "credit_note": "Kreditfaktura",
        "number": "Fakturanummer",
        "credit_number": "Kreditfakturanummer",
        "issue_date": "Fakturadatum",
        "due_date": "Förfallodatum",
        "refers_to": "Krediterar faktura",
        "of": "daterad",
        "seller": "Säljare",
        "buyer": "Köpare",
        "org_number": "Organisationsnummer",
        "vat_number": "Momsregistreringsnummer",
        "buyer_vat_number": "Köparens momsregistreringsnummer",
        "buyer_reference": "Er referens",
        "order_reference": "Ordernummer",
        "period": "Leveransperiod",
        "supplied": "Vad som levererats",
        "description": "Beskrivning",
        "quantity": "Antal",
        "unit": "Enhet",
        "unit_price": "À-pris exkl. moms",
        "vat_rate": "Momssats",
        "amount": "Belopp exkl. moms",
        "vat_breakdown": "Moms per skattesats",
        "taxable": "Underlag",
        "vat": "Moms",
        "total_net": "Summa exkl. moms",
        "total_vat": "Summa moms",
        "total_gross": "Summa inkl. moms",
        "rounding": "Öresavrundning",
        "payable": "Att betala",
        "credited_total": "Krediterat belopp",
        "payment": "Betalning",
        "bankgiro": "Bankgiro",
        "ocr": "OCR-nummer",
        "late_interest": "Vid betalning efter förfallodagen debiteras dröjsmålsränta enligt räntelagen.",
        "credit_payment": "Krediteringen dras av från det som återstår att betala på fakturan; "
        "det som redan betalats återbetalas.",
        "exempt": "Undantag från moms",
        "outside_scope": "Utanför momsens tillämpningsområde",
        "reverse_charge": REVERSE_CHARGE_TEXT,
        "contact": "Kontakt",
        "payment_terms": "Betalningsvillkor",
        "days_net": "dagar netto",
        "amount_gross": "Belopp inkl. moms",
        "payable_gross": "Att betala inkl. moms",
        "consumer_prices": "Alla belopp att betala är inklusive moms. Momsen räknas per momssats på "
        "summan av raderna (se Moms per skattesats).",
    },
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "number": "Invoice number",
        "credit_number": "Credit note number",
        "issue_date": "Invoice date",
        "due_date": "Due date",
        "refers_to": "Credits invoice",
        "of": "dated",
        "seller": "Seller",
        "buyer": "Buyer",
        "org_number": "Company registration number",
        "vat_number": "VAT registration number",
        "buyer_vat_number": "Buyer's VAT registration number",
        "buyer_reference": "Your reference (Er referens)",
        "order_reference": "Order number",
        "period": "Period of supply",
        "supplied": "What was supplied",
        "description": "Description",
        "quantity": "Quantity",
        "unit": "Unit",
        "unit_price": "Unit price excl. VAT",
        "vat_rate": "VAT rate",
        "amount": "Amount excl. VAT",
        "vat_breakdown": "VAT per rate",
        "taxable": "Taxable amount",
        "vat": "VAT",
        "total_net": "Total excl. VAT",
        "total_vat": "Total VAT",
        "total_gross": "Total incl. VAT",
        "rounding": "Rounding",
        "payable": "Amount due",
        "credited_total": "Amount credited",
        "payment": "Payment",
        "bankgiro": "Bankgiro",
        "ocr": "OCR reference",
        "late_interest": "Interest on late payment is charged according to the Swedish Interest Act "
        "(räntelagen).",
        "credit_payment": "The credit is deducted from what remains to pay on the invoice; "
        "anything already paid is refunded.",
        "exempt": "Exempt from VAT",
        "outside_scope": "Outside the scope of VAT",
        "reverse_charge": "Reverse charge",
        "contact": "Contact",
        "payment_terms": "Payment terms",
        "days_net": "days net",
        "amount_gross": "Amount incl. VAT",
        "payable_gross": "Amount due incl. VAT",
        "consumer_prices": "All amounts to pay include VAT. VAT is calculated per rate on the sum of the "
        "lines (see VAT per rate).",
    },
}


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


@dataclass(frozen=True, slots=True)
class RenderedDocuments:
    ubl: bytes | None
    ubl_sha256: str | None
    pdf: bytes
    pdf_sha256: str


def render_documents(issued: IssuedSnapshot) -> RenderedDocuments:
    """The UBL (without an embedded PDF) and the PDF/A-3b that embeds exactly that UBL as ``<number>.xml``;
    without ``e_invoice`` the PDF/A-3b alone, checked for the same content rules."""
    if not issued.e_invoice:
        check_snapshot(issued.document)
        pdf = render_pdf(TEMPLATE, pdf_context(issued))
        return RenderedDocuments(
            ubl=None, ubl_sha256=None, pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest()
        )
    ubl = render_ubl(issued.document)
    number = issued.document.number
    pdf = render_pdf(
        TEMPLATE,
        pdf_context(issued),
        attachments=[
            Attachment(
                filename=f"{number}.xml",
                content=ubl,
                media_type="application/xml",
                description=f"Peppol BIS Billing 3.0 UBL of {number}",
                dated=datetime.combine(issued.document.issue_date, time(), tzinfo=UTC),
            )
        ],
    )
    return RenderedDocuments(
        ubl=ubl,
        ubl_sha256=hashlib.sha256(ubl).hexdigest(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )


def pdf_context(issued: IssuedSnapshot) -> dict[str, Any]:
    snapshot = issued.document
    calculation = calculate_invoice(
        lines=snapshot.lines,
        buyer_vat_number=snapshot.buyer.vat_number,
        round_payable_to_krona=snapshot.round_payable_to_krona,
    )
    categories = {row.category for row in calculation.vat_breakdown}
    # BR-O-02: an invoice outside the scope of VAT names no VAT identifier, so neither does its PDF.
    outside_scope = VatCategory.OUTSIDE_SCOPE in categories
    units = UNIT_NAMES[issued.language]
    consumer = snapshot.buyer.private_person
    return {
        "language": issued.language,
        "t": LABELS[issued.language],
        "credit_note": snapshot.kind is DocumentKind.CREDIT_NOTE,
        "title": issued.title,
        "place": issued.place,
        "doc": snapshot,
        "lines": calculation.lines,
        "breakdown": calculation.vat_breakdown,
        "totals": calculation.totals,
        "f_skatt_text": F_SKATT_TEXT,
        "reverse_charge": VatCategory.REVERSE_CHARGE in categories,
        "reverse_charge_text": REVERSE_CHARGE_TEXT,
        "show_seller_vat": not outside_scope,
        "show_buyer_vat": bool(snapshot.buyer.vat_number) and not outside_scope,
        "units": [units.get(line.unit, line.unit) for line in snapshot.lines],
        # A private person sees every amount to pay including VAT (prisinformationslagen (2004:347)); the unit
        # price excluding VAT and the VAT per rate stay, as mervärdesskattelagen 17 kap. asks of any invoice.
        "consumer": consumer,
        "amounts_gross": amounts_including_vat(calculation) if consumer else (),
        "payment_terms_days": issued.payment_terms_days,
        "vat_notes": [
            vat_note(row.category, row.exemption_reason, labels=LABELS[issued.language])
            for row in calculation.vat_breakdown
        ],
    }


def vat_note(category: VatCategory, exemption_reason: str | None, *, labels: dict[str, str]) -> str:
    """The words that say why a VAT row has no Swedish VAT: an invoice without VAT states the exemption, the
    words "Omvänd betalningsskyldighet" or why the supply is outside Swedish VAT (mervärdesskattelagen,
    SFS 2023:200, 17 kap., on the content of an invoice)."""
    heading = {
        VatCategory.STANDARD: None,
        VatCategory.EXEMPT: labels["exempt"],
        VatCategory.REVERSE_CHARGE: labels["reverse_charge"],
        VatCategory.OUTSIDE_SCOPE: labels["outside_scope"],
    }[category]
    parts = dict.fromkeys(part for part in (heading, exemption_reason) if part)  # AE's reason is its heading
    return ": ".join(parts)


# --- JSON ------------------------------------------------------------------------------------------------


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
    )
    return IssuedSnapshot(
        document=document,
        language=data["language"],
        title=data["title"],
        place=data["place"],
        e_invoice=data.get("e_invoice", True),
        payment_terms_days=data.get("payment_terms_days"),
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

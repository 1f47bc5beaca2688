"""The two documents of an issued invoice or credit note, rendered from its snapshot (``snapshot``).

At issue everything the documents need is copied into a JSON snapshot (parties, lines, dates, OCR, language,
texts) and the Peppol UBL is rendered from it; after the commit the document pipeline (``INVOICE_PDF``)
renders the PDF/A-3b from the stored snapshot, with that UBL embedded (invoicing.md, "PDF"). The same
snapshot always gives the same bytes, so the stored SHA-256 can be checked by rendering again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any, Final

from kooperativet.core.vat import REVERSE_CHARGE_TEXT, VatCategory
from kooperativet.documents import pipeline
from kooperativet.documents.render import Attachment, render_pdf
from kooperativet.invoices.calculation import amounts_including_vat
from kooperativet.invoices.content_rules import check_snapshot, pays_from_abroad
from kooperativet.invoices.models import Invoice
from kooperativet.invoices.snapshot import DocumentKind, IssuedSnapshot, calculation_of, snapshot_from_json
from kooperativet.invoices.ubl import F_SKATT_TEXT, render_ubl

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
        "C62": "pieces",
        "H87": "pieces",
        "EA": "pieces",
        "KMT": "km",
        "LS": "lump sum",
    },
}

#: The unit of a quantity of exactly one where it differs from ``UNIT_NAMES``: "1 dag", "1 day", "1 piece",
#: as the web counts units (``web.commission_form.COUNTED``) and the certificates their extents; "2,5 dagar",
#: "0.5 days". The abbreviations (tim, st, mån) are the same for one and many.
UNIT_NAMES_ONE: Final[dict[str, dict[str, str]]] = {
    "sv": {"DAY": "dag", "WEE": "vecka"},
    "en": {
        "HUR": "hour",
        "DAY": "day",
        "WEE": "week",
        "MON": "month",
        "C62": "piece",
        "H87": "piece",
        "EA": "piece",
    },
}

LABELS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "invoice": "Faktura",
        "credit_note": "Kreditfaktura",
        "number": "Fakturanummer",
        "credit_number": "Kreditfakturanummer",
        "issue_date": "Fakturadatum",
        "credit_issue_date": "Kreditfakturadatum",
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
        "supply_date": "Leveransdatum",  # one day's supply is a date, not a period from and to the same day
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
        "credit_reason": "Orsak till kreditering",
        "payment": "Betalning",
        "bankgiro": "Bankgiro",
        "iban": "IBAN",
        "bic": "BIC",
        "ocr": "OCR-nummer",
        "late_interest": "Vid betalning efter förfallodagen debiteras dröjsmålsränta enligt räntelagen.",
        "credit_payment": "Krediteringen dras av från det som återstår att betala på fakturan; "
        "det som redan betalats återbetalas.",
        "exempt": "Undantag från moms",
        "outside_scope": "Utanför momsens tillämpningsområde",
        "reverse_charge": REVERSE_CHARGE_TEXT,
        "reverse_charge_notice": REVERSE_CHARGE_TEXT,
        "f_skatt": F_SKATT_TEXT,
        "contact": "Kontakt",
        "payment_terms": "Betalningsvillkor",
        "days_net": "dagar netto",
        "day_net": "dag netto",
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
        "credit_issue_date": "Credit note date",
        "due_date": "Due date",
        "refers_to": "Credits invoice",
        "of": "dated",
        "seller": "Seller",
        "buyer": "Buyer",
        "org_number": "Organisation number",
        "vat_number": "VAT registration number",
        "buyer_vat_number": "Buyer's VAT registration number",
        "buyer_reference": "Your reference (Er referens)",
        "order_reference": "Order number",
        "period": "Period of supply",
        "supply_date": "Date of supply",
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
        "credit_reason": "Reason for the credit",
        "payment": "Payment",
        "bankgiro": "Bankgiro",
        "iban": "IBAN",
        "bic": "BIC (SWIFT)",
        "ocr": "OCR reference",
        "late_interest": "Interest on late payment is charged according to the Swedish Interest Act "
        "(räntelagen).",
        "credit_payment": "The credit is deducted from what remains to pay on the invoice; "
        "anything already paid is refunded.",
        "exempt": "Exempt from VAT",
        "outside_scope": "Outside the scope of VAT",
        "reverse_charge": "Reverse charge",
        # The Swedish words the law asks for stay on an English invoice, after the English ones, as the
        # Interest Act's name does: the buyer reads what they mean, Skatteverket finds the words it looks for.
        "reverse_charge_notice": f"Reverse charge: the buyer accounts for the VAT ({REVERSE_CHARGE_TEXT})",
        "f_skatt": f"Approved for F-tax ({F_SKATT_TEXT})",
        "contact": "Contact",
        "payment_terms": "Payment terms",
        "days_net": "days net",
        "day_net": "day net",
        "amount_gross": "Amount incl. VAT",
        "payable_gross": "Amount due incl. VAT",
        "consumer_prices": "All amounts to pay include VAT. VAT is calculated per rate on the sum of the "
        "lines (see VAT per rate).",
    },
}


@dataclass(frozen=True, slots=True)
class RenderedDocuments:
    ubl: bytes | None
    ubl_sha256: str | None
    pdf: bytes
    pdf_sha256: str


def render_documents(issued: IssuedSnapshot) -> RenderedDocuments:
    """The UBL (without an embedded PDF) and the PDF/A-3b that embeds exactly that UBL as ``<number>.xml``;
    without ``e_invoice`` the PDF/A-3b alone, checked for the same content rules."""
    ubl = render_issued_ubl(issued)
    pdf = _render_pdf(issued, ubl)
    return RenderedDocuments(
        ubl=ubl,
        ubl_sha256=None if ubl is None else hashlib.sha256(ubl).hexdigest(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )


def render_issued_ubl(issued: IssuedSnapshot) -> bytes | None:
    """The Peppol UBL of an e-invoice (``None`` without ``e_invoice``), after the content rules (EN 16931,
    Peppol BIS 3.0) have passed: issuing checks them here, in its transaction, before a number is used up.
    Cheap, unlike the PDF, which the pipeline renders after the commit."""
    if not issued.e_invoice:
        check_snapshot(issued.document)
        return None
    return render_ubl(issued.document)


def render_invoice_pdf(issued: IssuedSnapshot) -> bytes:
    """The PDF/A-3b of an issued invoice or credit note from its snapshot, with its UBL embedded."""
    return _render_pdf(issued, render_issued_ubl(issued))


def _render_pdf(issued: IssuedSnapshot, ubl: bytes | None) -> bytes:
    if ubl is None:
        return render_pdf(TEMPLATE, pdf_context(issued))
    number = issued.document.number
    return render_pdf(
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


def _issued_snapshot(invoice: Invoice) -> IssuedSnapshot:
    return snapshot_from_json(invoice.snapshot)


#: Invoices and credit notes in the document pipeline: the PDF from the stored snapshot, after the commit.
INVOICE_PDF: Final = pipeline.DocumentKind(
    name="invoice",
    model=Invoice,
    pdf_column="pdf",
    sha256_column="pdf_sha256",
    snapshot=_issued_snapshot,
    render=render_invoice_pdf,
    # The audit log names a credit note as one, by its number.
    describe=lambda invoice: {"document": str(invoice.kind), "number": invoice.number},
)
pipeline.register_kind(INVOICE_PDF)


def pdf_context(issued: IssuedSnapshot) -> dict[str, Any]:
    snapshot = issued.document
    calculation = calculation_of(snapshot)
    categories = {row.category for row in calculation.vat_breakdown}
    # BR-O-02: an invoice outside the scope of VAT names no VAT identifier, so neither does its PDF.
    outside_scope = VatCategory.OUTSIDE_SCOPE in categories
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
        "reverse_charge": VatCategory.REVERSE_CHARGE in categories,
        "show_seller_vat": not outside_scope,
        "show_buyer_vat": bool(snapshot.buyer.vat_number) and not outside_scope,
        "units": [unit_name(line.unit, line.quantity, issued.language) for line in snapshot.lines],
        # A private person sees every amount to pay including VAT (prisinformationslagen (2004:347)); the unit
        # price excluding VAT and the VAT per rate stay, as mervärdesskattelagen 17 kap. asks of any invoice.
        "consumer": consumer,
        # A buyer abroad cannot pay a bankgiro: the PDF gives the cooperative's IBAN and BIC too.
        "abroad": pays_from_abroad(snapshot.buyer),
        "amounts_gross": amounts_including_vat(calculation) if consumer else (),
        "payment_terms_days": issued.payment_terms_days,
        "vat_notes": [
            vat_note(row.category, row.exemption_reason, labels=LABELS[issued.language])
            for row in calculation.vat_breakdown
        ],
    }


def unit_name(code: str, quantity: Decimal, language: str) -> str:
    """A line's unit in words in the number its quantity takes (``1 dag``, ``5 dagar``, ``1 day``); a code not
    listed is printed as it is."""
    if quantity == 1 and code in UNIT_NAMES_ONE[language]:
        return UNIT_NAMES_ONE[language][code]
    return UNIT_NAMES[language].get(code, code)


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
    if category is VatCategory.REVERSE_CHARGE:
        # Its reason is always the Swedish words (for the UBL); the heading says them in the reader's words.
        return str(heading)
    parts = dict.fromkeys(part for part in (heading, exemption_reason) if part)
    return ": ".join(parts)

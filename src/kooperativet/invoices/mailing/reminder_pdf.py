"""A payment reminder as a document: its snapshot is written once when the reminder is made, its PDF/A is
rendered from it after the commit by the document pipeline (``REMINDER_PDF``), like an invoice's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from kooperativet.documents import pipeline
from kooperativet.documents.render import render_pdf
from kooperativet.invoices.mailing.models import InvoiceReminder

TEMPLATE: Final = "reminder/reminder.html"

LABELS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "title": "Betalningspåminnelse",
        "number": "Påminnelse nr",
        "date": "Datum",
        "invoice": "Faktura",
        "issue_date": "Fakturadatum",
        "due_date": "Förfallodatum",
        "seller": "Från",
        "buyer": "Till",
        "intro": "Enligt vår bokföring är fakturan nedan inte betald. Om du redan har betalat kan du bortse "
        "från den här påminnelsen.",
        "payable": "Fakturans belopp",
        "settled": "Betalt och krediterat",
        "outstanding": "Kvar att betala på fakturan",
        "interest": "Dröjsmålsränta",
        "interest_days": "dagar",
        "interest_day": "dag",
        "fee": "Påminnelseavgift",
        "total": "Att betala nu",
        "pay_by": "Betala senast",
        "bankgiro": "Bankgiro",
        "iban": "IBAN",
        "bic": "BIC",
        "ocr": "OCR-nummer",
        "rate": "per år från",
        "earlier_fees": "Avgifter för tidigare påminnelser",
        "interest_rule": "Dröjsmålsränta enligt räntelagen (1975:635) 6 §: Riksbankens referensränta plus "
        "åtta procentenheter, räknad från dagen efter förfallodagen till och med påminnelsens datum. Räntan "
        "fortsätter att löpa tills fakturan är betald.",
        "fee_rule": "Påminnelseavgift enligt avtal, lag (1981:739) om ersättning för inkassokostnader m.m. "
        "2 och 4 §§.",
        "contact": "Frågor om fakturan",
    },
    "en": {
        "title": "Payment reminder",
        "number": "Reminder no.",
        "date": "Date",
        "invoice": "Invoice",
        "issue_date": "Invoice date",
        "due_date": "Due date",
        "seller": "From",
        "buyer": "To",
        "intro": "According to our books the invoice below has not been paid. If you have already paid, "
        "please disregard this reminder.",
        "payable": "Invoice amount",
        "settled": "Paid and credited",
        "outstanding": "Left to pay on the invoice",
        "interest": "Late-payment interest",
        "interest_days": "days",
        "interest_day": "day",
        "fee": "Reminder fee",
        "total": "Amount due now",
        "pay_by": "Pay by",
        "bankgiro": "Bankgiro",
        "iban": "IBAN",
        "bic": "BIC (SWIFT)",
        "ocr": "OCR reference",
        "rate": "a year from",
        "earlier_fees": "Fees for earlier reminders",
        "interest_rule": "Late-payment interest under the Swedish Interest Act (räntelagen 1975:635) "
        "section 6: Riksbanken's reference rate plus eight percentage points, from the day after the due "
        "date up to and including the date of this reminder. Interest keeps running until the invoice is "
        "paid.",
        "fee_rule": "Reminder fee as agreed, under sections 2 and 4 of the Swedish Debt Collection Costs Act "
        "(lag (1981:739) om ersättning för inkassokostnader m.m.).",
        "contact": "Questions about the invoice",
    },
}


def _snapshot(reminder: InvoiceReminder) -> dict[str, Any]:
    return dict(reminder.snapshot)


def render_reminder_pdf(snapshot: dict[str, Any]) -> bytes:
    """The PDF/A-3b of a reminder: a pure function of its snapshot."""
    language = snapshot["language"]
    amounts = {key: Decimal(value) for key, value in snapshot["amounts"].items()}
    return render_pdf(
        TEMPLATE,
        {
            "language": language,
            "t": LABELS[language],
            "doc": snapshot,
            "amounts": amounts,
            "rates": [(stretch["from"], Decimal(stretch["rate"])) for stretch in snapshot["rates"]],
            # As on the invoice: a buyer abroad cannot pay a bankgiro; the IBAN and BIC come first.
            "abroad": (snapshot["buyer"].get("country") or "SE") != "SE",
        },
    )


#: Reminders in the document pipeline: the PDF from the stored snapshot, after the commit.
REMINDER_PDF: Final = pipeline.DocumentKind(
    name="invoice_reminder",
    model=InvoiceReminder,
    pdf_column="pdf",
    sha256_column="pdf_sha256",
    snapshot=_snapshot,
    render=render_reminder_pdf,
    describe=lambda reminder: {"number": reminder.number},
)
pipeline.register_kind(REMINDER_PDF)

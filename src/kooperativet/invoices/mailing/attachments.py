"""The documents an invoice e-mail or a reminder e-mail carries, resolved by the mail worker when it sends.

A PDF that is still pending (rendering after the issue failed or has not run yet) is rendered and stored
first through ``documents.pipeline.stored_pdf``, so the attachment is byte for byte the stored document.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kooperativet.documents.pipeline import pdf_attachment_source
from kooperativet.invoices.documents import INVOICE_PDF
from kooperativet.invoices.mailing.reminder_pdf import REMINDER_PDF
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.mail import AttachmentFile, attachment_source

INVOICE_PDF_SOURCE = "invoice_pdf"
CREDIT_NOTE_PDF_SOURCE = "credit_note_pdf"
UBL_SOURCE = "invoice_ubl"
REMINDER_PDF_SOURCE = "reminder_pdf"


def pdf_source(kind: InvoiceKind) -> str:
    return CREDIT_NOTE_PDF_SOURCE if kind == InvoiceKind.credit_note else INVOICE_PDF_SOURCE


pdf_attachment_source(INVOICE_PDF_SOURCE, INVOICE_PDF, lambda invoice: f"{invoice.number}.pdf")
pdf_attachment_source(CREDIT_NOTE_PDF_SOURCE, INVOICE_PDF, lambda invoice: f"{invoice.number}.pdf")
pdf_attachment_source(REMINDER_PDF_SOURCE, REMINDER_PDF, lambda reminder: f"{reminder.number}.pdf")


@attachment_source(UBL_SOURCE)
def invoice_ubl(session: Session, invoice_id: int) -> AttachmentFile:
    """The stored Peppol UBL of an invoice or credit note, as the API serves it (``…/ubl``)."""
    invoice = session.get_one(Invoice, invoice_id)
    if invoice.ubl is None:
        raise LookupError(f"{invoice.number} has no UBL")
    return AttachmentFile(f"{invoice.number}.xml", "application/xml", invoice.ubl)

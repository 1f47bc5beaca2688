"""Demo step: the treasurer invoices the approved assignments, credits part of one, and records payments.

Three invoices — to the municipality with its buyer reference, a concert at 6 % VAT, and a reverse-charged
lecture for the Berlin client — then a partial credit note on the concert, an exact payment recorded by hand
and a partial payment imported from the bank's camt.054 file (``bank/camt054-<day>.xml``, ``demo.bank_file``),
which also holds a stray payment that is left unmatched; last, an invoice to a private person for music at her
wedding, left open. Each invoice and credit note is written as a PDF/A-3b and, when the buyer has a Peppol
address, as Peppol UBL with the same file stem (``invoices/2026-0001.pdf`` + ``invoices/2026-0001.xml``); the
private person's invoice is a PDF only, with every amount to pay including VAT.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from kooperativet.auth.models import User
from kooperativet.demo import DemoContext
from kooperativet.demo.bank_file import Credit, camt054
from kooperativet.invoices import bank_import, payments, service
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.invoices.schemas import CreditNoteIssue, CreditPart, InvoiceIssue, PaymentCreate
from kooperativet.parties import service as parties_service

CONCERT_REDUCTION: Final = Decimal("1500.00")
PARTIAL_PAYMENT: Final = Decimal("5000.00")

#: A payment in the demo's bank file whose OCR reference is valid but names no invoice: left unmatched.
STRAY_PAYMENT: Final = Credit(Decimal("1250.00"), "2026990107")


def run(context: DemoContext) -> None:
    """Issue, credit and pay; write every invoice and credit note as PDF and UBL."""
    session = context.session
    treasurer = session.get_one(User, context.ids["user:treasurer"])

    issued: dict[str, Invoice] = {}
    for key in ("municipality", "six_percent", "reverse_charge"):
        issued[key] = service.issue_invoice(
            session,
            data=InvoiceIssue(assignment_id=context.ids[f"assignment:{key}"]),
            actor=treasurer,
            today=context.today,
            now=context.now,
        )
        context.ids[f"invoice:{key}"] = issued[key].id

    concert = issued["six_percent"]
    credit_note = service.issue_credit_note(
        session,
        invoice_id=concert.id,
        data=CreditNoteIssue(
            parts=[CreditPart(invoice_line_id=concert.lines[0].id, amount=CONCERT_REDUCTION)],
            reason="Avdrag enligt överenskommelse: konserten kortades med en halvtimme.",
        ),
        actor=treasurer,
        today=context.today,
        now=context.now,
    )
    context.ids["credit_note:six_percent"] = credit_note.id

    municipality = issued["municipality"]
    payments.record_payment(
        session,
        data=PaymentCreate(
            invoice_id=municipality.id,
            amount=municipality.payable,
            paid_on=context.today,
            reference=municipality.ocr,
        ),
        actor=treasurer,
        today=context.today,
        now=context.now,
    )
    lecture = issued["reverse_charge"]
    assert lecture.ocr is not None
    _import_bank_file(context, treasurer, Credit(PARTIAL_PAYMENT, lecture.ocr))

    wedding = service.issue_invoice(
        session,
        data=InvoiceIssue(assignment_id=context.ids["assignment:private_person"]),
        actor=treasurer,
        today=context.today,
        now=context.now,
    )
    context.ids["invoice:private_person"] = wedding.id

    for document in [*issued.values(), credit_note, wedding]:
        _write(context, document)


def _import_bank_file(context: DemoContext, treasurer: User, payment: Credit) -> None:
    """Write the bank's camt.054 file (a part payment and a stray payment) and import it as the treasurer."""
    bankgiro = parties_service.get_cooperative(context.session).bankgiro or ""
    content = camt054(
        day=context.today,
        bankgiro="".join(c for c in bankgiro if c.isdigit()),
        credits=[payment, STRAY_PAYMENT],
    )
    day = context.today.isoformat()
    # The bank's file is an input the cooperative reads, not a document it issues: not in the manifest.
    context.write_input(f"bank/camt054-{day}.xml", content)
    bank_import.import_camt054(context.session, content=content, actor=treasurer, now=context.now)


def _write(context: DemoContext, document: Invoice) -> None:
    invoice = document.kind == InvoiceKind.invoice
    folder, kind = ("invoices", "invoice") if invoice else ("credit_notes", "credit_note")
    document_id = f"{kind}:{document.number}"
    context.write_after_commit(
        f"{folder}/{document.number}.pdf", lambda: document.pdf, kind=f"{kind}_pdf", document_id=document_id
    )
    if document.ubl is not None:  # none for a buyer without a Peppol address: the PDF is the invoice
        context.write(
            f"{folder}/{document.number}.xml", document.ubl, kind=f"{kind}_ubl", document_id=document_id
        )

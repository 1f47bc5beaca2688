"""Sending an issued invoice or credit note to the client by e-mail, as often as the treasurer asks.

The message is composed from the document's snapshot (what the PDF says) in the language of the document and
queued in the caller's transaction; the mail worker sends it after the commit with the stored PDF attached,
and the UBL when the client asked for XML by e-mail and the document has one. Each sending is a row of its
own (``InvoiceDispatch``); its result is the ``OutgoingMail`` row's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.documents.render import long_date, money
from kooperativet.errors import RuleViolation
from kooperativet.invoices.mailing.attachments import UBL_SOURCE, pdf_source
from kooperativet.invoices.mailing.models import InvoiceDispatch
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.mail import attachment, queue_mail
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.parties.models import Client

TEMPLATES = {InvoiceKind.invoice: "invoice", InvoiceKind.credit_note: "credit_note"}


@dataclass(frozen=True, slots=True)
class DispatchRecord:
    """A sending with its result, read off the queued message."""

    dispatch: InvoiceDispatch
    state: MailState
    sent_at: datetime | None
    error: str | None


def send_document(
    session: Session, *, invoice: Invoice, actor: User, now: datetime, to: str | None = None
) -> InvoiceDispatch:
    """Queue ``invoice`` (or credit note) for the client's invoice address, or ``to``; flushed, not committed.

    Refused (422) when the document has no number yet or nobody is there to send it to."""
    if not invoice.number or invoice.issue_date is None:
        raise RuleViolation("only an issued document can be sent", code="not_issued")
    client = session.get_one(Client, invoice.client_id)
    address = (to or "").strip() or client.email
    if not address:
        raise RuleViolation(
            f"client {client.name} has no e-mail address for invoices; record one on the client or give `to`",
            code="no_invoice_address",
            field="to",
        )
    with_ubl = client.invoice_xml_by_email and invoice.has_ubl
    references = [attachment(pdf_source(invoice.kind), invoice.id)]
    if with_ubl:
        references.append(attachment(UBL_SOURCE, invoice.id))
    message = queue_mail(
        session,
        to=address,
        template=TEMPLATES[invoice.kind],
        language=str(invoice.language),
        context=document_context(invoice),
        attachments=references,
    )
    dispatch = InvoiceDispatch(
        invoice_id=invoice.id,
        to_address=address,
        with_ubl=with_ubl,
        mail_id=message.id,
        queued_by_id=actor.id,
        queued_at=now,
    )
    session.add(dispatch)
    session.flush()
    append_event(
        session,
        kind="invoice_sent",
        payload={"invoice": invoice.number, "to": address, "mail_id": message.id, "with_ubl": with_ubl},
        now=now,
    )
    return dispatch


def document_context(invoice: Invoice) -> dict[str, Any]:
    """What the e-mail says, from the issued snapshot, with amounts and dates as the reader writes them."""
    snapshot = invoice.snapshot
    language = str(invoice.language)
    due = invoice.due_date
    return {
        "number": invoice.number,
        "cooperative": snapshot["seller"]["name"],
        "client": snapshot["buyer"]["name"],
        "issue_date": long_date(invoice.issue_date, language),
        "due_date": long_date(due, language) if due else None,
        "amount": money(invoice.payable, language),
        "ocr": invoice.ocr,
        "bankgiro": snapshot["seller"].get("bankgiro"),
        "buyer_reference": invoice.buyer_reference,
        "refers_to": snapshot.get("refers_to_number"),
        "contact": snapshot["seller"].get("email"),
    }


def dispatches_of(session: Session, *, invoice_ids: list[int]) -> dict[int, list[DispatchRecord]]:
    """The sendings of each invoice, newest first, with their result: one statement for any number."""
    rows = session.execute(
        select(InvoiceDispatch, OutgoingMail.state, OutgoingMail.sent_at, OutgoingMail.last_error)
        .join(OutgoingMail, OutgoingMail.id == InvoiceDispatch.mail_id)
        .where(InvoiceDispatch.invoice_id.in_(invoice_ids))
        .order_by(InvoiceDispatch.queued_at.desc(), InvoiceDispatch.id.desc())
    )
    found: dict[int, list[DispatchRecord]] = {invoice_id: [] for invoice_id in invoice_ids}
    for dispatch, state, sent_at, error in rows:
        found[dispatch.invoice_id].append(DispatchRecord(dispatch, MailState(state), sent_at, error))
    return found

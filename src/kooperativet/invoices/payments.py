"""Incoming payments: recorded by the treasurer or imported from camt.054 (exports.md, "Incoming payments").

Matching of imported credits is by OCR only: a valid reference of an open invoice and exactly the amount
outstanding → paid; less → partly paid; more, an unknown or invalid reference, or another currency → left
unmatched for the treasurer, never guessed. The bank's entry reference makes an import idempotent: a credit
whose reference is already stored (as a payment or as an unmatched entry) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import is_own_work
from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.db import count_rows
from kooperativet.errors import RuleViolation
from kooperativet.invoices.camt054 import BankCredit, InvalidCamt054, parse_camt054
from kooperativet.invoices.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentSource,
    UnmatchedBankEntry,
)
from kooperativet.invoices.ocr import is_valid_ocr
from kooperativet.invoices.schemas import PaymentCreate
from kooperativet.invoices.service import (
    get_invoice,
    own_member_ids,
    refuse_own_invoice,
    sees_every_invoice,
    settle,
)
from kooperativet.parties.models import Member


def record_payment(session: Session, *, data: PaymentCreate, actor: User, now: datetime) -> Payment:
    """Record money received against an invoice. More than is outstanding is refused unless the treasurer
    says it is an overpayment. Nobody records the payment for her own commission (``assignments.duties``)."""
    invoice = _payable_invoice(session, invoice_id=data.invoice_id, actor=actor)
    refuse_own_invoice(
        session, invoice=invoice, actor=actor, act=f"record a payment on invoice {invoice.number}"
    )
    if data.amount <= 0:
        raise RuleViolation("a payment is above zero", code="invalid_amount", field="amount")
    outstanding = invoice.outstanding
    if data.amount > outstanding and not data.overpayment:
        raise RuleViolation(
            f"{data.amount} is more than the {outstanding} due on invoice {invoice.number}; "
            "send overpayment: true to record it anyway",
            code="overpayment_not_declared",
            field="amount",
        )
    return _pay(
        session,
        invoice=invoice,
        amount=data.amount,
        paid_on=data.paid_on,
        reference=data.reference,
        source=PaymentSource.manual,
        bank_entry_reference=None,
        actor=actor,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class ImportResult:
    matched: int = 0
    partly_paid: int = 0
    unmatched: int = 0
    already_imported: int = 0


def import_camt054(session: Session, *, content: bytes, actor: User, now: datetime) -> ImportResult:
    """Import a camt.054 file: all of it or, on a malformed file, nothing.

    A credit for the importer's own invoice is not matched (``assignments.duties``): it is left unmatched with
    that reason, and another treasurer or an admin records it as a payment.
    """
    try:
        credits = parse_camt054(content)
    except InvalidCamt054 as exc:
        raise RuleViolation(str(exc), code="invalid_camt054", field="file") from exc
    matched = partly = unmatched = skipped = 0
    for credit in credits:
        if _already_imported(session, credit.entry_reference):
            skipped += 1
            continue
        invoice, reason = _match(session, credit, actor=actor)
        if invoice is None:
            session.add(
                UnmatchedBankEntry(
                    bank_entry_reference=credit.entry_reference,
                    amount=credit.amount,
                    currency=credit.currency,
                    booked_on=credit.booked_on,
                    reference=credit.reference,
                    reason=reason,
                    imported_by_id=actor.id,
                )
            )
            session.flush()
            unmatched += 1
            continue
        full = credit.amount == invoice.outstanding
        _pay(
            session,
            invoice=invoice,
            amount=credit.amount,
            paid_on=credit.booked_on,
            reference=credit.reference,
            source=PaymentSource.camt054,
            bank_entry_reference=credit.entry_reference,
            actor=actor,
            now=now,
        )
        if full:
            matched += 1
        else:
            partly += 1
    return ImportResult(matched=matched, partly_paid=partly, unmatched=unmatched, already_imported=skipped)


def _match(session: Session, credit: BankCredit, *, actor: User) -> tuple[Invoice | None, str]:
    if credit.reference is None or not is_valid_ocr(credit.reference, with_length_digit=True):
        return None, "no valid OCR reference"
    invoice = session.scalar(
        select(Invoice)
        .where(Invoice.ocr == credit.reference, Invoice.kind == InvoiceKind.invoice)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if invoice is None:
        return None, "no invoice has this OCR reference"
    if credit.currency != invoice.currency:
        return None, f"paid in {credit.currency}, invoiced in {invoice.currency}"
    if invoice.status not in (InvoiceStatus.open, InvoiceStatus.partly_paid):
        return None, f"invoice {invoice.number} is {invoice.status}"
    if credit.amount > invoice.outstanding:
        return None, f"more than the {invoice.outstanding} due on invoice {invoice.number}"
    if is_own_work(actor_id=actor.id, worker=session.get_one(Member, invoice.member_id)):
        return (
            None,
            f"invoice {invoice.number} is the importer's own work; another treasurer or an admin records it",
        )
    return invoice, ""


def _already_imported(session: Session, reference: str) -> bool:
    return (
        session.scalar(select(Payment.id).where(Payment.bank_entry_reference == reference)) is not None
        or session.scalar(
            select(UnmatchedBankEntry.id).where(UnmatchedBankEntry.bank_entry_reference == reference)
        )
        is not None
    )


def _pay(
    session: Session,
    *,
    invoice: Invoice,
    amount: Decimal,
    paid_on: date,
    reference: str | None,
    source: PaymentSource,
    bank_entry_reference: str | None,
    actor: User,
    now: datetime,
) -> Payment:
    payment = Payment(
        invoice_id=invoice.id,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        source=source,
        bank_entry_reference=bank_entry_reference,
        overpayment=amount > invoice.outstanding,
        recorded_by_id=actor.id,
    )
    session.add(payment)
    invoice.paid_amount += amount
    settle(session, invoice)
    append_event(
        session,
        kind="payment_recorded",
        payload={
            "payment_id": payment.id,
            "invoice_id": invoice.id,
            "invoice_number": invoice.number,
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "source": str(source),
            "bank_entry_reference": bank_entry_reference,
            "recorded_by_id": actor.id,
        },
        now=now,
    )
    return payment


def _payable_invoice(session: Session, *, invoice_id: int, actor: User) -> Invoice:
    invoice = get_invoice(session, invoice_id=invoice_id, actor=actor)
    session.refresh(invoice, with_for_update=True)
    if invoice.kind != InvoiceKind.invoice:
        raise RuleViolation(
            "payments are recorded against invoices", code="not_an_invoice", field="invoice_id"
        )
    if invoice.status == InvoiceStatus.credited:
        raise RuleViolation(
            f"invoice {invoice.number} is credited; nothing is due",
            code="invoice_credited",
            field="invoice_id",
        )
    return invoice


def list_payments(
    session: Session, *, actor: User, limit: int, offset: int, invoice_id: int | None = None
) -> tuple[list[Payment], int]:
    """Payments, newest first; a member sees those on invoices of their own assignments."""
    query = select(Payment)
    if invoice_id is not None:
        query = query.where(Payment.invoice_id == invoice_id)
    if not sees_every_invoice(actor):
        own = select(Invoice.id).where(Invoice.member_id.in_(own_member_ids(session, actor)))
        query = query.where(Payment.invoice_id.in_(own))
    total = count_rows(session, query)
    rows = session.scalars(
        query.order_by(Payment.paid_on.desc(), Payment.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def list_unmatched(session: Session, *, limit: int, offset: int) -> tuple[list[UnmatchedBankEntry], int]:
    query = select(UnmatchedBankEntry)
    total = count_rows(session, query)
    rows = session.scalars(
        query.order_by(UnmatchedBankEntry.booked_on.desc(), UnmatchedBankEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total

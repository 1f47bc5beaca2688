"""Incoming payments recorded by the treasurer, and the lists of payments and unmatched bank entries. A bank
file's credits are imported by ``invoices.bank_import`` (exports.md, "Incoming payments")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_page
from kooperativet.errors import RuleViolation
from kooperativet.invoices.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentSource,
    UnmatchedBankEntry,
)
from kooperativet.invoices.schemas import PaymentCreate
from kooperativet.invoices.service.read import get_invoice, refuse_own_invoice
from kooperativet.invoices.service.settlement import settle
from kooperativet.parties.ownership import owner_user_id


def record_payment(
    session: Session, *, data: PaymentCreate, actor: User, today: date, now: datetime
) -> Payment:
    """Record money received against an invoice. More than is outstanding is refused unless the treasurer
    says it is an overpayment, and so is a payment day after ``today`` (money not yet received). A payment
    day before the invoice was issued is refused unless she says the client paid in advance: typed by hand,
    it is most often a mistyped year, which would book the money in another financial year than the invoice
    and leave it out of this year's SIE file (docs/invoicing.md, "Payments recorded by hand"). Nobody
    records the payment for her own commission (``assignments.duties``)."""
    invoice = payable_invoice(session, invoice_id=data.invoice_id, actor=actor)
    refuse_own_invoice(
        session, invoice=invoice, actor=actor, act=f"record a payment on invoice {invoice.number}"
    )
    if data.amount <= 0:
        raise RuleViolation("a payment is above zero", code="invalid_amount", field="amount")
    if data.paid_on > today:
        raise RuleViolation(
            f"the payment day {data.paid_on} is after today, {today}: record money once it has come in",
            code="paid_in_the_future",
            field="paid_on",
        )
    refuse_a_day_before_issue(invoice, paid_on=data.paid_on, prepayment=data.prepayment)
    outstanding = invoice.outstanding
    if data.amount > outstanding and not data.overpayment:
        raise RuleViolation(
            f"{data.amount} is more than the {outstanding} due on invoice {invoice.number}; "
            "send overpayment: true to record it anyway",
            code="overpayment_not_declared",
            field="amount",
        )
    return apply_payment(
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


def refuse_a_day_before_issue(invoice: Invoice, *, paid_on: date, prepayment: bool) -> None:
    """A payment day typed by hand before ``invoice`` was issued, not said to be paid in advance: most
    often a mistyped year (docs/invoicing.md, "Payments recorded by hand")."""
    if paid_on < invoice.issue_date and not prepayment:
        raise RuleViolation(
            f"the payment day {paid_on} is before invoice {invoice.number} was issued on "
            f"{invoice.issue_date}; if the client paid in advance, send prepayment: true to record it anyway",
            code="paid_before_issue",
            field="paid_on",
        )


def apply_payment(
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
            **payment_facts(
                reference=reference,
                overpayment=payment.overpayment,
                prepayment=paid_on < invoice.issue_date,
            ),
            "recorded_by_id": actor.id,
        },
        now=now,
    )
    return payment


def payment_facts(*, reference: str | None, overpayment: bool, prepayment: bool) -> dict[str, object]:
    """What the ``payment_recorded`` event says of a payment besides its amount and day (since 2026-12-07;
    earlier events stay as they were written): the reference it was recorded with (typed by the treasurer,
    or the payer's reference from the bank's file), whether it paid more than was due, and whether it was
    paid in advance, before the invoice's date, as the invoice's page marks it (docs/invoicing.md)."""
    return {"reference": reference, "overpayment": overpayment, "prepayment": prepayment}


def payable_invoice(session: Session, *, invoice_id: int, actor: User) -> Invoice:
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
    if not policy.sees_everything(actor):
        own = policy.only_own(select(Invoice.id), actor, owner_user_id=owner_user_id(Invoice.member_id))
        query = query.where(Payment.invoice_id.in_(own))
    order = [Payment.paid_on.desc()]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=Payment.id.desc())


def list_unmatched(session: Session, *, limit: int, offset: int) -> tuple[list[UnmatchedBankEntry], int]:
    """Unmatched bank entries: those still to resolve first, then the resolved; newest first within each."""
    return fetch_page(
        session,
        select(UnmatchedBankEntry),
        limit=limit,
        offset=offset,
        order=[UnmatchedBankEntry.resolution.is_not(None)],
        tiebreak=UnmatchedBankEntry.id.desc(),
    )

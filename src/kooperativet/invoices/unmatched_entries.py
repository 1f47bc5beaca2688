"""The treasurer resolves an unmatched bank entry: assigns it to an invoice, or marks it as not ours.

An entry is resolved once (409 ``already_resolved`` afterwards). Assigning records the entry's amount as a
payment on the invoice, with the same rules as a payment recorded by hand: more than is due only when the
treasurer says it is an overpayment, and never on her own invoice (409 ``own_work``, ``assignments.duties``) —
so a credit left unmatched because it was the importer's own work is assigned by another treasurer or an
admin. Both resolutions join the audit chain.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.db import fetch_locked
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.invoices.models import BankEntryResolution, PaymentSource, UnmatchedBankEntry
from kooperativet.invoices.payments import apply_payment, payable_invoice, refuse_a_day_before_issue
from kooperativet.invoices.schemas import BankEntryAssign, BankEntryNotOurs
from kooperativet.invoices.service.read import refuse_own_invoice


def get_entry(session: Session, *, entry_id: int) -> UnmatchedBankEntry:
    entry = session.get(UnmatchedBankEntry, entry_id)
    if entry is None:
        raise NotFound(f"unmatched bank entry {entry_id} does not exist")
    return entry


def assign_entry(
    session: Session, *, entry_id: int, data: BankEntryAssign, actor: User, today: date, now: datetime
) -> UnmatchedBankEntry:
    """Record the entry's amount as a payment on ``data.invoice_id`` and mark the entry assigned. A day
    given by hand, for an entry the bank gave no booking date, is checked as a hand-recorded payment's is."""
    entry = _open_entry(session, entry_id=entry_id)
    if entry.amount is None:
        raise RuleViolation(
            f"bank entry {entry.bank_entry_reference} has no amount; "
            "check it with the bank or mark it not ours",
            code="entry_without_amount",
        )
    paid_on = entry.booked_on or data.paid_on
    if paid_on is None:
        raise RuleViolation(
            "the bank gave no booking date for this entry; give the day the money arrived as paid_on",
            code="paid_on_required",
            field="paid_on",
        )
    if entry.booked_on is None and paid_on > today:  # the bank's own booking date is not second-guessed
        raise RuleViolation(
            f"the payment day {paid_on} is after today, {today}: money is recorded once it has come in",
            code="paid_in_the_future",
            field="paid_on",
        )
    invoice = payable_invoice(session, invoice_id=data.invoice_id, actor=actor)
    refuse_own_invoice(
        session, invoice=invoice, actor=actor, act=f"assign bank entry {entry.id} to invoice {invoice.number}"
    )
    if entry.booked_on is None:  # the bank's own booking date is not second-guessed
        refuse_a_day_before_issue(invoice, paid_on=paid_on, prepayment=data.prepayment)
    if entry.currency != invoice.currency:
        raise RuleViolation(
            f"the entry is in {entry.currency}, invoice {invoice.number} in {invoice.currency}",
            code="currency_mismatch",
            field="invoice_id",
        )
    if entry.amount > invoice.outstanding and not data.overpayment:
        raise RuleViolation(
            f"{entry.amount} is more than the {invoice.outstanding} due on invoice {invoice.number}; "
            "send overpayment: true to assign it anyway",
            code="overpayment_not_declared",
            field="overpayment",
        )
    payment = apply_payment(
        session,
        invoice=invoice,
        amount=entry.amount,
        paid_on=paid_on,
        reference=entry.reference,
        source=PaymentSource.camt054,
        bank_entry_reference=entry.bank_entry_reference,
        actor=actor,
        now=now,
    )
    session.flush()
    _resolve(session, entry, BankEntryResolution.assigned, actor=actor, now=now, payment_id=payment.id)
    append_event(
        session,
        kind="bank_entry_assigned",
        payload={
            "entry_id": entry.id,
            "bank_entry_reference": entry.bank_entry_reference,
            "amount": str(entry.amount),
            "invoice_id": invoice.id,
            "invoice_number": invoice.number,
            "payment_id": payment.id,
            "resolved_by_id": actor.id,
        },
        now=now,
    )
    return entry


def mark_not_ours(
    session: Session, *, entry_id: int, data: BankEntryNotOurs, actor: User, now: datetime
) -> UnmatchedBankEntry:
    """Mark the entry as not the cooperative's money, with the treasurer's reason; no payment is recorded."""
    entry = _open_entry(session, entry_id=entry_id)
    _resolve(session, entry, BankEntryResolution.not_ours, actor=actor, now=now, note=data.reason)
    append_event(
        session,
        kind="bank_entry_not_ours",
        payload={
            "entry_id": entry.id,
            "bank_entry_reference": entry.bank_entry_reference,
            "amount": None if entry.amount is None else str(entry.amount),
            "reason": data.reason,
            "resolved_by_id": actor.id,
        },
        now=now,
    )
    return entry


def _open_entry(session: Session, *, entry_id: int) -> UnmatchedBankEntry:
    """The entry, locked so that two treasurers cannot resolve it at once; 409 when already resolved."""
    entry = fetch_locked(session, select(UnmatchedBankEntry).where(UnmatchedBankEntry.id == entry_id))
    if entry is None:
        raise NotFound(f"unmatched bank entry {entry_id} does not exist")
    if entry.resolution is not None:
        raise Conflict(
            f"bank entry {entry.bank_entry_reference} was already resolved ({entry.resolution})",
            code="already_resolved",
        )
    return entry


def _resolve(
    session: Session,
    entry: UnmatchedBankEntry,
    resolution: BankEntryResolution,
    *,
    actor: User,
    now: datetime,
    payment_id: int | None = None,
    note: str | None = None,
) -> None:
    entry.resolution = resolution
    entry.resolution_note = note
    entry.payment_id = payment_id
    entry.resolved_by_id = actor.id
    entry.resolved_at = now
    session.flush()

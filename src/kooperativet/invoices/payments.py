"""Incoming payments: recorded by the treasurer or imported from camt.054 (exports.md, "Incoming payments").

Matching of imported credits is by OCR only: a valid reference of an open invoice and exactly the amount
outstanding → paid; less → partly paid; more, an unknown or invalid reference, or another currency → left
unmatched for the treasurer, never guessed. A credit with several references pays their invoices in order and
leaves any remainder unmatched. The bank's entry reference makes an import idempotent: a credit whose
reference is already stored (as a payment or as an unmatched entry, whole or in parts) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kooperativet.assignments.duties import is_own_work
from kooperativet.audit.service import append_event
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.db import fetch_locked, fetch_page, take_turns
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
from kooperativet.invoices.payment_notices import tell_treasurers_unmatched
from kooperativet.invoices.schemas import PaymentCreate
from kooperativet.invoices.service.read import get_invoice, refuse_own_invoice
from kooperativet.invoices.service.settlement import settle
from kooperativet.parties.models import Member
from kooperativet.parties.ownership import owner_user_id

#: The work bank-file imports take turns on (``db.take_turns``): whether a credit is already imported is read
#: from rows the other import may be writing, so two imports of the same file at once would both record it.
IMPORTING_BANK_FILES: Final = "importing camt.054 bank files"


def record_payment(
    session: Session, *, data: PaymentCreate, actor: User, today: date, now: datetime
) -> Payment:
    """Record money received against an invoice. More than is outstanding is refused unless the treasurer
    says it is an overpayment, and so is a payment day after ``today`` (money not yet received). Nobody
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


@dataclass
class ImportResult:
    """Payments that settled an invoice, payments that paid part of one, entries stored unmatched, and
    credits skipped because an earlier import stored them."""

    matched: int = 0
    partly_paid: int = 0
    unmatched: int = 0
    already_imported: int = 0
    #: The entries this import stored unmatched, for the treasurers' notice.
    unmatched_entries: list[UnmatchedBankEntry] = field(default_factory=list)


def import_camt054(session: Session, *, content: bytes, actor: User, now: datetime) -> ImportResult:
    """Import a camt.054 file. A file that is not camt.054 is refused whole (422); within a camt.054 file an
    entry that cannot be matched is stored unmatched with its reason and the rest is imported.

    A credit for the importer's own invoice is not matched (``assignments.duties``): it is left unmatched with
    that reason, and another treasurer or an admin assigns it. Imports take turns, so that the same file
    imported twice at once records each credit once.
    """
    try:
        credits = parse_camt054(content)
    except InvalidCamt054 as exc:
        raise RuleViolation(str(exc), code="invalid_camt054", field="file") from exc
    take_turns(session, work=IMPORTING_BANK_FILES)
    result = ImportResult()
    for credit in credits:
        if _already_imported(session, credit.entry_reference):
            result.already_imported += 1
        elif credit.problem is not None or credit.amount is None or credit.booked_on is None:
            entry = _leave_unmatched(
                session, credit, reason=credit.problem or "incomplete entry", actor=actor
            )
            result.unmatched_entries.append(entry)
            result.unmatched += 1
        elif len(credit.references) > 1:
            _import_several(session, credit, amount=credit.amount, actor=actor, now=now, result=result)
        else:
            _import_single(session, credit, amount=credit.amount, actor=actor, now=now, result=result)
    tell_treasurers_unmatched(session, entries=result.unmatched_entries)
    return result


def _import_single(
    session: Session, credit: BankCredit, *, amount: Decimal, actor: User, now: datetime, result: ImportResult
) -> None:
    """One reference: the exact amount pays the invoice, less pays part of it, more is left unmatched."""
    invoice, reason = _open_invoice(session, credit.reference, currency=credit.currency, actor=actor)
    if invoice is not None and amount > invoice.outstanding:
        reason = f"more than the {invoice.outstanding} due on invoice {invoice.number}"
        invoice = None
    if invoice is None:
        result.unmatched_entries.append(_leave_unmatched(session, credit, reason=reason, actor=actor))
        result.unmatched += 1
        return
    _pay_from_bank(
        session,
        credit,
        invoice=invoice,
        amount=amount,
        key=credit.entry_reference,
        now=now,
        actor=actor,
        result=result,
        reference=credit.reference,
    )


def _import_several(
    session: Session, credit: BankCredit, *, amount: Decimal, actor: User, now: datetime, result: ImportResult
) -> None:
    """Several references, one amount: each reference in file order takes what is still due on its invoice
    (or what is left of the amount, if less); a reference that names no open invoice takes nothing; whatever
    is left after the last reference is stored unmatched (invoicing.md, "Bank files")."""
    left = amount
    unpaid: list[str] = []
    notes: list[str] = []
    paid_any = False
    for position, reference in enumerate(credit.references, start=1):
        invoice, reason = _open_invoice(session, reference, currency=credit.currency, actor=actor)
        if invoice is not None and left == 0:
            reason = "nothing was left of the amount"
        elif invoice is not None and invoice.outstanding == 0:
            reason = f"invoice {invoice.number} was already paid"
        if invoice is None or reason:
            unpaid.append(reference)
            notes.append(f"{reference}: {reason}")
            continue
        part = min(left, invoice.outstanding)
        _pay_from_bank(
            session,
            credit,
            invoice=invoice,
            amount=part,
            key=f"{credit.entry_reference}#{position}",
            now=now,
            actor=actor,
            result=result,
            reference=reference,
        )
        left -= part
        paid_any = True
    if left == 0:
        return
    what = f"{left} of {amount} was left after paying the invoices its references name"
    if not paid_any:
        what = "none of its references names an open invoice"
    entry = _leave_unmatched(
        session,
        credit,
        reason="; ".join([what, *notes])[:500],
        actor=actor,
        amount=left,
        key=f"{credit.entry_reference}#rest" if paid_any else credit.entry_reference,
        reference=" ".join(unpaid)[:100] or None,
    )
    result.unmatched_entries.append(entry)
    result.unmatched += 1


def _pay_from_bank(
    session: Session,
    credit: BankCredit,
    *,
    invoice: Invoice,
    amount: Decimal,
    key: str,
    reference: str | None,
    actor: User,
    now: datetime,
    result: ImportResult,
) -> None:
    assert credit.booked_on is not None  # credits without one are stored unmatched
    apply_payment(
        session,
        invoice=invoice,
        amount=amount,
        paid_on=credit.booked_on,
        reference=reference,
        source=PaymentSource.camt054,
        bank_entry_reference=key,
        actor=actor,
        now=now,
    )
    if invoice.status == InvoiceStatus.paid:
        result.matched += 1
    else:
        result.partly_paid += 1


def _leave_unmatched(
    session: Session,
    credit: BankCredit,
    *,
    reason: str,
    actor: User,
    amount: Decimal | None = None,
    key: str | None = None,
    reference: str | None = None,
) -> UnmatchedBankEntry:
    entry = UnmatchedBankEntry(
        bank_entry_reference=key or credit.entry_reference,
        amount=credit.amount if amount is None else amount,
        currency=credit.currency,
        booked_on=credit.booked_on,
        reference=reference or (" ".join(credit.references)[:100] or None),
        uetr=credit.uetr,
        reason=reason[:500],
        imported_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    return entry


def _open_invoice(
    session: Session, reference: str | None, *, currency: str, actor: User
) -> tuple[Invoice | None, str]:
    """The open invoice that ``reference`` names and the importer may match, or None and why not."""
    if reference is None or not is_valid_ocr(reference, with_length_digit=True):
        return None, "no valid OCR reference"
    invoice = fetch_locked(
        session, select(Invoice).where(Invoice.ocr == reference, Invoice.kind == InvoiceKind.invoice)
    )
    if invoice is None:
        return None, "no invoice has this OCR reference"
    if currency != invoice.currency:
        return None, f"paid in {currency}, invoiced in {invoice.currency}"
    if invoice.status not in (InvoiceStatus.open, InvoiceStatus.partly_paid):
        return None, f"invoice {invoice.number} is {invoice.status}"
    if is_own_work(actor_id=actor.id, worker=session.get_one(Member, invoice.member_id)):
        return (
            None,
            f"invoice {invoice.number} is the importer's own work; another treasurer or an admin records it",
        )
    return invoice, ""


def _already_imported(session: Session, reference: str) -> bool:
    """True when an earlier import stored this credit, whole or (several references) in parts ``ref#n``."""
    for model in (Payment, UnmatchedBankEntry):
        column = model.bank_entry_reference
        stored = select(model.id).where(
            or_(column == reference, column.startswith(f"{reference}#", autoescape=True))
        )
        if session.scalar(stored.limit(1)) is not None:
            return True
    return False


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
            "recorded_by_id": actor.id,
        },
        now=now,
    )
    return payment


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

"""Importing the bank's camt.054 notification of incoming payments (exports.md, "Incoming payments"), as one
set: a month's file of a large cooperative holds thousands of credits.

Matching is by OCR only: a valid reference of an open invoice and exactly the amount outstanding → paid;
less → partly paid; more, an unknown or invalid reference, or another currency → left unmatched for the
treasurer, never guessed. A credit with several references pays their invoices in order and leaves any
remainder unmatched. The bank's entry reference makes an import idempotent: a credit whose reference is
already stored (as a payment or as an unmatched entry, whole or in parts) is skipped.

What the credits need is read first, in a constant number of statements (the references already stored,
the invoices their OCR references name, locked, and the members whose work they are); each credit is then
decided in file order in memory, on the invoices as the credits before it left them; and the payments, the
entries left unmatched, the invoices' new states, their assignments' and the audit events are written in
bulk. One credit at a time this took eighteen statements a credit and about 14 s for a file of 1 000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_events
from kooperativet.auth.models import User
from kooperativet.db import clock_of, expire_loaded, in_chunks, insert_new, table_of, take_turns
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
from kooperativet.invoices.payments import payment_facts
from kooperativet.invoices.service.settlement import SETTLED, payment_status, settle_assignments
from kooperativet.parties.models import Member

#: The work bank-file imports take turns on (``db.take_turns``): whether a credit is already imported is read
#: from rows the other import may be writing, so two imports of the same file at once would both record it.
IMPORTING_BANK_FILES: Final = "importing camt.054 bank files"
#: The suffix of the part of a credit with several references that was left after paying their invoices.
REST: Final = "#rest"


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
    books = _Books.read(session, credits, actor=actor)
    for credit in credits:
        books.take(credit)
    books.write(session, now=now)
    return books.result


@dataclass
class _Invoice:
    """An invoice a credit names, as the import decides on it: read as a plain row, its amounts and state
    changed by each payment taken, and written back with the others."""

    id: int
    number: str
    currency: str
    status: InvoiceStatus
    payable: Decimal
    paid_amount: Decimal
    credited_amount: Decimal
    assignment_id: int
    issue_date: date
    #: The importer's own work (``assignments.duties``): never matched by her import.
    own: bool
    paid_now: bool = False

    @property
    def outstanding(self) -> Decimal:
        """What the client still owes (``Invoice.outstanding``)."""
        return max(self.payable - self.credited_amount - self.paid_amount, Decimal("0.00"))


@dataclass
class _Payment:
    invoice: _Invoice
    amount: Decimal
    credit: BankCredit
    key: str
    reference: str | None


@dataclass
class _Books:
    """What the file's credits are decided on, and what they decided, until it is written."""

    actor: User
    #: Entry references already stored, whole or in parts, and those taken from this file so far.
    imported: set[str]
    #: The invoices (not credit notes) the file's valid OCR references name, by reference, locked.
    invoices: dict[str, _Invoice]
    payments: list[_Payment] = field(default_factory=list)
    result: ImportResult = field(default_factory=ImportResult)

    @classmethod
    def read(cls, session: Session, credits: Sequence[BankCredit], *, actor: User) -> _Books:
        invoices = _invoices_named(session, credits, actor=actor)
        return cls(actor=actor, imported=_stored_references(session, credits), invoices=invoices)

    def take(self, credit: BankCredit) -> None:
        if credit.entry_reference in self.imported:
            self.result.already_imported += 1
            return
        self.imported.add(credit.entry_reference)
        if credit.problem is not None or credit.amount is None or credit.booked_on is None:
            self._leave_unmatched(credit, reason=credit.problem or "incomplete entry")
        elif len(credit.references) > 1:
            self._take_several(credit, amount=credit.amount)
        else:
            self._take_single(credit, amount=credit.amount)

    def _take_single(self, credit: BankCredit, *, amount: Decimal) -> None:
        """One reference: the exact amount pays the invoice, less pays part of it, more is left unmatched."""
        invoice, reason = self._open_invoice(credit.reference, currency=credit.currency)
        if invoice is not None and amount > invoice.outstanding:
            reason = f"more than the {invoice.outstanding} due on invoice {invoice.number}"
            invoice = None
        if invoice is None:
            self._leave_unmatched(credit, reason=reason)
            return
        self._pay(
            credit, invoice=invoice, amount=amount, key=credit.entry_reference, reference=credit.reference
        )

    def _take_several(self, credit: BankCredit, *, amount: Decimal) -> None:
        """Several references, one amount: each reference in file order takes what is still due on its
        invoice (or what is left of the amount, if less); a reference that names no open invoice takes
        nothing; what is left after the last reference is stored unmatched (invoicing.md, "Bank files")."""
        left = amount
        unpaid: list[str] = []
        notes: list[str] = []
        paid_any = False
        for position, reference in enumerate(credit.references, start=1):
            invoice, reason = self._open_invoice(reference, currency=credit.currency)
            if invoice is not None and left == 0:
                reason = "nothing was left of the amount"
            elif invoice is not None and invoice.outstanding == 0:
                reason = f"invoice {invoice.number} was already paid"
            if invoice is None or reason:
                unpaid.append(reference)
                notes.append(f"{reference}: {reason}")
                continue
            part = min(left, invoice.outstanding)
            key = f"{credit.entry_reference}#{position}"
            self._pay(credit, invoice=invoice, amount=part, key=key, reference=reference)
            left -= part
            paid_any = True
        if left == 0:
            return
        what = f"{left} of {amount} was left after paying the invoices its references name"
        if not paid_any:
            what = "none of its references names an open invoice"
        self._leave_unmatched(
            credit,
            reason="; ".join([what, *notes]),
            amount=left,
            key=f"{credit.entry_reference}{REST}" if paid_any else credit.entry_reference,
            reference=" ".join(unpaid)[:100] or None,
        )

    def _open_invoice(self, reference: str | None, *, currency: str) -> tuple[_Invoice | None, str]:
        """The open invoice that ``reference`` names and the importer may match, or None and why not."""
        if reference is None or not is_valid_ocr(reference, with_length_digit=True):
            return None, "no valid OCR reference"
        invoice = self.invoices.get(reference)
        if invoice is None:
            return None, "no invoice has this OCR reference"
        if currency != invoice.currency:
            return None, f"paid in {currency}, invoiced in {invoice.currency}"
        if invoice.status not in (InvoiceStatus.open, InvoiceStatus.partly_paid):
            return None, f"invoice {invoice.number} is {invoice.status}"
        if invoice.own:
            own = "is the importer's own work; another treasurer or an admin records it"
            return None, f"invoice {invoice.number} {own}"
        return invoice, ""

    def _pay(
        self, credit: BankCredit, *, invoice: _Invoice, amount: Decimal, key: str, reference: str | None
    ) -> None:
        # The invoice's amounts and state change here, so that the credits after this one see them.
        invoice.paid_amount += amount
        invoice.status = payment_status(
            payable=invoice.payable, credited=invoice.credited_amount, paid=invoice.paid_amount
        )
        invoice.paid_now = True
        self.payments.append(_Payment(invoice, amount, credit, key, reference))
        if invoice.status == InvoiceStatus.paid:
            self.result.matched += 1
        else:
            self.result.partly_paid += 1

    def _leave_unmatched(
        self,
        credit: BankCredit,
        *,
        reason: str,
        amount: Decimal | None = None,
        key: str | None = None,
        reference: str | None = None,
    ) -> None:
        self.result.unmatched_entries.append(
            UnmatchedBankEntry(
                bank_entry_reference=key or credit.entry_reference,
                amount=credit.amount if amount is None else amount,
                currency=credit.currency,
                booked_on=credit.booked_on,
                reference=reference or (" ".join(credit.references)[:100] or None),
                uetr=credit.uetr,
                reason=reason[:500],
                imported_by_id=self.actor.id,
            )
        )
        self.result.unmatched += 1

    def write(self, session: Session, *, now: datetime) -> None:
        """The payments and the entries left unmatched (one bulk insert each), the invoices' new amounts and
        states, their assignments', an audit event per payment, and the treasurers' notice."""
        _write_invoices(session, [invoice for invoice in self.invoices.values() if invoice.paid_now])
        insert_new(
            session,
            [
                Payment(
                    invoice_id=taken.invoice.id,
                    amount=taken.amount,
                    paid_on=taken.credit.booked_on,
                    reference=taken.reference,
                    source=PaymentSource.camt054,
                    bank_entry_reference=taken.key,
                    overpayment=False,  # more than is due is left unmatched, never paid
                    recorded_by_id=self.actor.id,
                )
                for taken in self.payments
            ],
        )
        insert_new(session, self.result.unmatched_entries)
        self.result.unmatched_entries = _stored_entries(session, self.result.unmatched_entries)
        settle_assignments(
            session,
            (taken.invoice.assignment_id for taken in self.payments if taken.invoice.status in SETTLED),
        )
        payment_ids = _payment_ids(session, [taken.key for taken in self.payments])
        append_events(
            session,
            kind="payment_recorded",
            payloads=[
                {
                    "payment_id": payment_ids[taken.key],
                    "invoice_id": taken.invoice.id,
                    "invoice_number": taken.invoice.number,
                    "amount": str(taken.amount),
                    "paid_on": taken.credit.booked_on.isoformat() if taken.credit.booked_on else None,
                    "source": str(PaymentSource.camt054),
                    "bank_entry_reference": taken.key,
                    **payment_facts(
                        reference=taken.reference,
                        overpayment=False,
                        prepayment=_paid_before_issue(taken),
                    ),
                    "recorded_by_id": self.actor.id,
                }
                for taken in self.payments
            ],
            now=now,
        )
        tell_treasurers_unmatched(session, entries=self.result.unmatched_entries)


def _paid_before_issue(taken: _Payment) -> bool:
    """Booked by the bank before the invoice's date: paid in advance (the bank's day is what happened)."""
    return taken.credit.booked_on is not None and taken.credit.booked_on < taken.invoice.issue_date


def _payment_ids(session: Session, keys: list[str]) -> dict[str, int]:
    """The ids of the payments just written, by their bank entry references (unique)."""
    ids: dict[str, int] = {}
    for chunk in in_chunks(keys):
        query = select(Payment.bank_entry_reference, Payment.id).where(
            Payment.bank_entry_reference.in_(chunk)
        )
        ids.update((key, payment_id) for key, payment_id in session.execute(query) if key is not None)
    return ids


def _stored_entries(session: Session, built: list[UnmatchedBankEntry]) -> list[UnmatchedBankEntry]:
    """The unmatched entries just written, read back in the order they were built (their references are
    unique), with their ids."""
    keys = [entry.bank_entry_reference for entry in built]
    stored: dict[str, UnmatchedBankEntry] = {}
    for chunk in in_chunks(keys):
        query = select(UnmatchedBankEntry).where(UnmatchedBankEntry.bank_entry_reference.in_(chunk))
        stored.update((entry.bank_entry_reference, entry) for entry in session.scalars(query))
    return [stored[key] for key in keys]


def _stored_references(session: Session, credits: Sequence[BankCredit]) -> set[str]:
    """The entry references of ``credits`` an earlier import stored, as a payment or an unmatched entry,
    whole or in parts: a credit with several references is stored as ``REF#1``, ``REF#2``, … for the
    invoices it paid and ``REF#rest`` for what was left, and the same credit has the same references."""
    keys: dict[str, str] = {}
    for credit in credits:
        base = credit.entry_reference
        parts = [f"{base}#{position}" for position in range(1, len(credit.references) + 1)]
        for key in (base, f"{base}{REST}", *parts):
            keys[key] = base
    stored: set[str] = set()
    for model in (Payment, UnmatchedBankEntry):
        column = model.bank_entry_reference
        for chunk in in_chunks(keys):
            found = session.scalars(select(column).where(column.in_(chunk)))
            stored.update(keys[key] for key in found if key is not None)
    return stored


def _invoices_named(session: Session, credits: Sequence[BankCredit], *, actor: User) -> dict[str, _Invoice]:
    """The invoices the credits' valid OCR references name, by reference, locked until the transaction ends
    (``SELECT … FOR UPDATE`` on PostgreSQL, as ``db.fetch_locked`` locks one), with whether each is the
    importer's own work: the member whose work it is has her login."""
    references = (
        reference
        for credit in credits
        for reference in credit.references
        if is_valid_ocr(reference, with_length_digit=True)
    )
    invoices: dict[str, _Invoice] = {}
    for chunk in in_chunks(references):
        query = (
            select(
                Invoice.ocr,
                Invoice.id,
                Invoice.number,
                Invoice.currency,
                Invoice.status,
                Invoice.payable,
                Invoice.paid_amount,
                Invoice.credited_amount,
                Invoice.assignment_id,
                Invoice.issue_date,
                (Member.user_id == actor.id).label("own"),  # as assignments.duties.is_own_work
            )
            .join(Member, Member.id == Invoice.member_id)
            .where(
                Invoice.ocr.in_(chunk),
                Invoice.kind == InvoiceKind.invoice,
            )
            .with_for_update(of=Invoice)
        )
        for ocr, *values in session.execute(query):
            assert ocr is not None  # selected by it
            invoice = _Invoice(*values)
            invoice.own = bool(invoice.own)  # NULL for a member without a login: not her own
            invoices[ocr] = invoice
    return invoices


def _write_invoices(session: Session, invoices: list[_Invoice]) -> None:
    """The paid invoices' new amounts and states, in one UPDATE of many rows; copies the session holds are
    expired, so that they are read again as written."""
    if not invoices:
        return
    table = table_of(Invoice)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("paid_id"))
        .values(
            paid_amount=bindparam("new_paid"), status=bindparam("new_status"), updated_at=clock_of(session)
        ),
        [
            {"paid_id": invoice.id, "new_paid": invoice.paid_amount, "new_status": invoice.status}
            for invoice in invoices
        ],
    )
    expire_loaded(session, Invoice, {invoice.id for invoice in invoices})

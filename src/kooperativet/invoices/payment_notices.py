"""Telling the treasurers that an imported bank file held credits that could not be matched: one message per
import listing every entry left unmatched, so a file of many strays is one e-mail, not many."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kooperativet.invoices.models import UnmatchedBankEntry
from kooperativet.notifications import PAYMENT_UNMATCHED, Notice, notify_many, treasurer_recipients


def tell_treasurers_unmatched(session: Session, *, entries: Sequence[UnmatchedBankEntry]) -> None:
    if not entries:
        return
    listed = [
        {
            "reference": entry.reference or entry.bank_entry_reference,
            "amount": entry.amount,
            "currency": entry.currency,
            "booked_on": entry.booked_on,
            "reason": entry.reason,
        }
        for entry in entries
    ]
    facts = {"entries": listed, "count": len(listed)}
    notify_many(session, PAYMENT_UNMATCHED, [Notice(t, facts) for t in treasurer_recipients(session)])

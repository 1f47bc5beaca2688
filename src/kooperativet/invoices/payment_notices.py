"""Telling the treasurers that an imported bank file held credits that could not be matched: one message per
import listing every entry left unmatched, so a file of many strays is one e-mail, not many."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kooperativet.invoices.models import UnmatchedBankEntry
from kooperativet.invoices.unmatched_reasons import reason_in
from kooperativet.notifications import PAYMENT_UNMATCHED, Notice, notify_many, treasurer_recipients


def tell_treasurers_unmatched(session: Session, *, entries: Sequence[UnmatchedBankEntry]) -> None:
    if not entries:
        return
    notices = [
        Notice(treasurer, _facts(entries, language=treasurer.language))
        for treasurer in treasurer_recipients(session)
    ]
    notify_many(session, PAYMENT_UNMATCHED, notices)


def _facts(entries: Sequence[UnmatchedBankEntry], *, language: str) -> dict[str, object]:
    """What the message lists, each entry's reason in the treasurer's language."""
    listed = [
        {
            "reference": entry.reference or entry.bank_entry_reference,
            "amount": entry.amount,
            "currency": entry.currency,
            "booked_on": entry.booked_on,
            "reason": reason_in(entry.reason, language),
        }
        for entry in entries
    ]
    return {"entries": listed, "count": len(listed)}

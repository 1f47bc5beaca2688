"""The treasurer's endpoints for unmatched bank entries: look at one, assign it to an invoice, or mark it as
not ours (the list is ``GET /api/v1/payments/unmatched``)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from kooperativet.api.dependencies import DbSession, Now, Today
from kooperativet.api.idempotency import IdempotencyKey, idempotent
from kooperativet.api.problems import problem_responses
from kooperativet.auth.dependencies import OfficeReader, TreasurerOrAdmin
from kooperativet.invoices import unmatched_entries
from kooperativet.invoices.schemas import BankEntryAssign, BankEntryNotOurs, UnmatchedBankEntryRead

router = APIRouter(prefix="/api/v1/payments/unmatched", tags=["payments"])


@router.get("/{entry_id}", responses=problem_responses(401, 403, 404))
def get_unmatched_bank_entry(
    entry_id: int, _user: OfficeReader, session: DbSession
) -> UnmatchedBankEntryRead:
    """One unmatched bank entry with its reason and, once resolved, how (treasurer or admin)."""
    return UnmatchedBankEntryRead.model_validate(unmatched_entries.get_entry(session, entry_id=entry_id))


@router.post(
    "/{entry_id}/assign",
    response_model=UnmatchedBankEntryRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def assign_unmatched_bank_entry(
    entry_id: int,
    body: BankEntryAssign,
    user: TreasurerOrAdmin,
    session: DbSession,
    today: Today,
    clock: Now,
    key: IdempotencyKey = None,
) -> Response:
    """Assign the entry to an invoice: its amount is recorded as a payment there (treasurer or admin). More
    than is due needs ``overpayment: true``; one's own invoice is a 409 ``own_work``; an entry already
    resolved is a 409 ``already_resolved``; a ``paid_on`` after today is a 422 ``paid_in_the_future``."""
    return idempotent(
        session,
        key=key,
        user_id=user.id,
        operation=f"assign_bank_entry:{entry_id}",
        request=body,
        status_code=status.HTTP_200_OK,
        produce=lambda: UnmatchedBankEntryRead.model_validate(
            unmatched_entries.assign_entry(
                session, entry_id=entry_id, data=body, actor=user, today=today, now=clock
            )
        ),
    )


@router.post("/{entry_id}/not-ours", responses=problem_responses(401, 403, 404, 409, 422))
def mark_unmatched_bank_entry_not_ours(
    entry_id: int, body: BankEntryNotOurs, user: TreasurerOrAdmin, session: DbSession, clock: Now
) -> UnmatchedBankEntryRead:
    """Mark the entry as not the cooperative's money, with a reason (treasurer or admin); no payment is
    recorded. An entry already resolved is a 409 ``already_resolved``."""
    return UnmatchedBankEntryRead.model_validate(
        unmatched_entries.mark_not_ours(session, entry_id=entry_id, data=body, actor=user, now=clock)
    )

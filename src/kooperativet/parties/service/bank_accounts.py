"""A member's bank account for salary: a change waits as pending until a second person confirms it, so one
person alone can never redirect a salary. An account is a clearing and account number, a Swedish IBAN, or
both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.core import identifiers as ids
from kooperativet.errors import Conflict, PermissionDenied, RuleViolation
from kooperativet.parties.models import Member
from kooperativet.parties.service.checks import validated


def confirm_bank_account(session: Session, *, member: Member, actor: User, now: datetime) -> Member:
    """Make a member's new bank account the one salary is paid to. A second person must confirm: another
    treasurer or admin than the one who entered it, or the member herself."""
    if not member.has_pending_bank_account:
        raise Conflict(
            f"member {member.id} has no bank account waiting for confirmation", code="nothing_to_confirm"
        )
    if actor.id == member.bank_account_changed_by_id:
        raise PermissionDenied(
            "you entered this bank account; another treasurer or admin, or the member, must confirm it",
            code="entered_by_you",
        )
    if not policy.may_see(actor, owner_user_id=member.user_id):
        raise PermissionDenied("only the treasurer, an admin or the member can confirm a bank account")
    append_event(
        session,
        kind="member_bank_account_confirmed",
        payload={
            "member_id": member.id,
            "confirmed_by_user_id": actor.id,
            "account": _masked_account(
                member.pending_clearing_number, member.pending_account_number, member.pending_iban
            ),
        },
        now=now,
    )
    member.bank_clearing_number = member.pending_clearing_number
    member.bank_account_number = member.pending_account_number
    member.bank_iban = member.pending_iban
    member.pending_clearing_number = member.pending_account_number = member.pending_iban = None
    member.bank_account_confirmed_at = now
    member.version += 1
    session.flush()
    return member


def change_bank_account(
    session: Session,
    member: Member,
    clearing: str | None,
    account: str | None,
    iban: str | None,
    *,
    actor: User,
    now: datetime,
) -> bool:
    """Enter a changed account (clearing and account number, IBAN) as pending; returns whether it changed.
    The account already paid to stays in use until the change is confirmed, so one person alone can never
    redirect a salary — a new or removed IBAN redirects it as much as a new account number does."""
    confirmed = (member.bank_clearing_number, member.bank_account_number, member.bank_iban)
    new = payout_account(clearing, account, iban)
    pending = (member.pending_clearing_number, member.pending_account_number, member.pending_iban)
    if new == (pending if member.has_pending_bank_account else confirmed):
        return False
    append_event(
        session,
        kind="member_bank_account_changed",
        payload={
            "member_id": member.id,
            "changed_by_user_id": actor.id,
            "old": _masked_account(*confirmed),
            "new": _masked_account(*new),
        },
        now=now,
    )
    member.bank_account_changed_at = now
    member.bank_account_changed_by_id = actor.id
    if new == confirmed or new == (None, None, None):
        # Back to the confirmed account, or no account: nothing to redirect, nothing to confirm.
        member.bank_clearing_number, member.bank_account_number, member.bank_iban = new
        member.pending_clearing_number = member.pending_account_number = member.pending_iban = None
    else:
        member.pending_clearing_number, member.pending_account_number, member.pending_iban = new
    return True


def _masked_account(clearing: str | None, account: str | None, iban: str | None = None) -> str | None:
    """``6000-****6789``, ``6000-****6789, IBAN SE35****0003``; ``None`` for no account."""
    parts = [] if clearing is None or account is None else [f"{clearing}-{ids.mask_account(account)}"]
    if iban is not None:
        parts.append(f"IBAN {ids.mask_iban(iban)}")
    return ", ".join(parts) or None


def _bank_account(clearing: str | None, account: str | None) -> tuple[str | None, str | None]:
    """The normalised (clearing, account) pair, or (None, None); half an account or a bad one is a 422."""
    if clearing is None and account is None:
        return None, None
    if clearing is None or account is None:
        field = "bank_clearing_number" if clearing is None else "bank_account_number"
        raise RuleViolation("give both the clearing number and the account number", field=field)
    bank_account = validated(
        "bank_account_number",
        lambda _: ids.parse_bank_account(clearing_number=clearing, account_number=account),
        account,
    )
    return bank_account.clearing_number, bank_account.account_number


def payout_account(
    clearing: str | None, account: str | None, iban: str | None
) -> tuple[str | None, str | None, str | None]:
    """The normalised (clearing, account, IBAN), or all ``None``. A member gives a clearing and account
    number, a Swedish IBAN instead, or both; salary then goes to the IBAN (payroll.md §5, exports.md)."""
    clearing, account = _bank_account(clearing, account)
    if iban is None:
        return clearing, account, None
    return clearing, account, validated("bank_iban", ids.parse_salary_iban, iban)

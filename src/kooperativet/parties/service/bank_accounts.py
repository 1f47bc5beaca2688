"""A member's bank account for salary: a change waits as pending until a second person confirms it, so one
person alone can never redirect a salary nor stop it. An account is a clearing and account number, a
Swedish IBAN, or both; removing it is a change like any other."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.core import identifiers as ids
from kooperativet.db import read_locked
from kooperativet.errors import Conflict, PermissionDenied, RuleViolation
from kooperativet.parties.models import Member
from kooperativet.parties.service.checks import validated


def confirm_bank_account(
    session: Session, *, member: Member, version: int | None, actor: User, now: datetime
) -> Member:
    """Make a member's waiting change of bank account the one salary is paid to (or, for a removal, stop
    paying to the account). A second person must confirm: another treasurer or admin than the one who entered
    it, or the member herself.

    ``version`` is the member's version the confirmer read: she confirms the change she reviewed, and a change
    entered after her reading is refused (409 ``version_conflict``) rather than confirmed unseen. ``None``
    (an API client that sends none) confirms what waits as the row stands, locked."""
    # Acting, not reading, and asked first: the auditor sees the register (``may_see``) and confirms nothing.
    if not policy.may_act_on(actor, owner_user_id=member.user_id):
        raise PermissionDenied("only the treasurer, an admin or the member can confirm a bank account")
    # The row read afresh and locked first, so that what is checked below is what is confirmed: a change or
    # a confirmation made meanwhile has changed the version.
    if version is None:
        read_locked(member)
    else:
        check_version(member, version, what=f"member {member.id}")
    if not member.has_pending_bank_account:
        raise Conflict(
            f"member {member.id} has no bank account waiting for confirmation", code="nothing_to_confirm"
        )
    if actor.id == member.bank_account_changed_by_id:
        raise PermissionDenied(
            "you entered this bank account; another treasurer or admin, or the member, must confirm it",
            code="entered_by_you",
        )
    append_event(
        session,
        kind="member_bank_account_confirmed",
        payload={
            "member_id": member.id,
            "confirmed_by_user_id": actor.id,
            "account": _masked_account(*member.pending_account),
        },
        now=now,
    )
    member.bank_clearing_number, member.bank_account_number, member.bank_iban = member.pending_account
    _clear_pending(member)
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
    """Enter a changed account (clearing and account number, IBAN), or none at all, as pending; returns
    whether it changed. The account already paid to stays in use until the change is confirmed, so one person
    alone can never redirect a salary — a new or removed IBAN redirects it as much as a new account number
    does — nor stop it by removing the account. Going back to the confirmed account needs no confirmation."""
    confirmed = (member.bank_clearing_number, member.bank_account_number, member.bank_iban)
    new = payout_account(clearing, account, iban)
    if new == (member.pending_account if member.has_pending_bank_account else confirmed):
        return False
    waits = new != confirmed
    append_event(
        session,
        kind="member_bank_account_changed",
        payload={
            "member_id": member.id,
            "changed_by_user_id": actor.id,
            "old": _masked_account(*confirmed),
            "new": _masked_account(*new),
            "waits_for_confirmation": waits,
        },
        now=now,
    )
    member.bank_account_changed_at = now
    member.bank_account_changed_by_id = actor.id
    if waits:
        member.pending_clearing_number, member.pending_account_number, member.pending_iban = new
        member.bank_account_removal_pending = not any(new)
    else:
        _clear_pending(member)  # back to the confirmed account: nothing to redirect, nothing to confirm
    return True


def _clear_pending(member: Member) -> None:
    member.pending_clearing_number = member.pending_account_number = member.pending_iban = None
    member.bank_account_removal_pending = False


def _masked_account(clearing: str | None, account: str | None, iban: str | None = None) -> str | None:
    """``6000-****6789``, ``6000-****6789, IBAN SE35****0003``; ``None`` for no account."""
    parts = [] if clearing is None or account is None else [f"{clearing}-{ids.mask_account(account)}"]
    if iban is not None:
        parts.append(f"IBAN {ids.mask_iban(iban)}")
    return ", ".join(parts) or None


def bank_account(clearing: str | None, account: str | None) -> tuple[str | None, str | None]:
    """The normalised (clearing, account) pair, or (None, None); half an account or a bad one is a 422."""
    if clearing is None and account is None:
        return None, None
    if clearing is None or account is None:
        field = "bank_clearing_number" if clearing is None else "bank_account_number"
        raise RuleViolation(
            "give both the clearing number and the account number",
            code="bank_account_incomplete",
            field=field,
        )
    parsed = validated(
        "bank_account_number",
        lambda _: ids.parse_bank_account(clearing_number=clearing, account_number=account),
        account,
    )
    return parsed.clearing_number, parsed.account_number


def payout_account(
    clearing: str | None, account: str | None, iban: str | None
) -> tuple[str | None, str | None, str | None]:
    """The normalised (clearing, account, IBAN), or all ``None``. A member gives a clearing and account
    number, a Swedish IBAN instead, or both; salary then goes to the IBAN (payroll.md §5, exports.md)."""
    clearing, account = bank_account(clearing, account)
    if iban is None:
        return clearing, account, None
    return clearing, account, salary_iban(iban)


def salary_iban(iban: str) -> str:
    """The normalised Swedish IBAN salary may be paid to; another is a 422 on ``bank_iban``."""
    return validated("bank_iban", ids.parse_salary_iban, iban)

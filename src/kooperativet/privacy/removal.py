"""Removing a member: pseudonymise what bookkeeping law does not require, keep the rest for seven years.

Bokföringslagen (SFS 1999:1078) 7 kap. 2 § makes issued payslips, invoices and their underlag
räkenskapsinformation, kept until the end of the seventh year after the calendar year in which the financial
year ended; Skatteförfarandelagen (SFS 2011:1244) 39 kap. requires the employer to keep the underlag of its
employer declarations (AGI) for the same time, and that needs the personnummer. GDPR art. 17(3)(b) exempts
what a legal obligation requires from erasure. Field by field decisions: docs/personal-data.md.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.auth.service import end_all_sign_ins
from kooperativet.core import retention
from kooperativet.errors import Conflict
from kooperativet.invoices.models import Invoice
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip

REMOVED_FIRST_NAME = "Borttagen"


def pseudonymise_member(session: Session, *, member: Member, actor: User, today: date, now: datetime) -> date:
    """Replace a former member's contact details, bank accounts and login by placeholders; keep personnummer,
    birth date, membership dates, tax settings and every issued document. Returns until when the kept data
    must be retained (BFL 7 kap. 2 §). Only a member who has left can be removed."""
    if member.pseudonymised_at is not None:
        raise Conflict(f"member {member.id} was already removed", code="already_removed")
    if member.left_on is None or member.left_on > today:
        raise Conflict(
            f"member {member.id} has not left the cooperative; set left_on first", code="member_not_left"
        )
    member.first_name = REMOVED_FIRST_NAME
    member.last_name = f"medlem {member.id}"
    member.street = member.postal_code = member.city = member.email = member.phone = None
    member.citizenship = member.tax_identification_number = member.tax_identification_country = None
    member.bank_clearing_number = member.bank_account_number = None
    member.pending_clearing_number = member.pending_account_number = None
    member.bank_iban = member.pending_iban = None
    member.bank_account_removal_pending = False
    member.bank_account_changed_by_id = None
    if member.user_id is not None:
        _disable_login(session, user_id=member.user_id, now=now)
        member.user_id = None
    member.pseudonymised_at = now
    member.version += 1
    retained_until = retention_end(session, member=member)
    append_event(
        session,
        kind="member_pseudonymised",
        payload={
            "member_id": member.id,
            "by_user_id": actor.id,
            "retained_until": retained_until.isoformat(),
        },
        now=now,
    )
    session.flush()
    return retained_until


def retention_end(session: Session, *, member: Member) -> date:
    """The last day the kept data must exist: 31 December of the seventh year after the year of the member's
    last payslip or invoice (or of leaving, when there is none). BFL 7 kap. 2 §; the cooperative's financial
    year is the calendar year."""
    last_payslip = session.scalar(select(func.max(Payslip.pay_date)).where(Payslip.member_id == member.id))
    last_invoice = session.scalar(select(func.max(Invoice.issue_date)).where(Invoice.member_id == member.id))
    return retained_after(last_payslip, last_invoice, member.left_on or member.joined_on)


def retained_after(*days: date | None) -> date:
    """The retention end of a member whose last payslip, last invoice and leaving (or joining) fell on
    ``days`` (each ``None`` when there is none): the end of the seventh year after the latest."""
    return retention.retained_until(max(day for day in days if day is not None).year)


def _disable_login(session: Session, *, user_id: int, now: datetime) -> None:
    user = session.get_one(User, user_id)
    user.is_active = False
    end_all_sign_ins(session, user_id=user.id, now=now)  # no token or browser session of hers outlives it
    user.email = f"removed-user-{user.id}@invalid"
    user.full_name = "Borttagen användare"

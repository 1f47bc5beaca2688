"""The purge after the retention period: erase what was kept of a removed member only for the retention duty.

Removing a member (``removal.pseudonymise_member``) keeps her personnummer, birth date and documents because
Bokföringslagen (SFS 1999:1078) 7 kap. 2 § and Skatteförfarandelagen (SFS 2011:1244) 39 kap. require them
until the end of the seventh year after the year of her last payslip or invoice. Once that day has passed
nothing requires them any more, and GDPR art. 5(1)(e) and 17 require them gone. The purge erases the content
and keeps the rows with their numbers and amounts: payslip and invoice numbers are gap-free series, and the
audit log and the other tables refer to the ids. Field by field decisions: docs/personal-data.md.

The messages that told her of her payslips (``payslip_ready``, found by the Message-ID each was queued
under) are emptied too: recipients, bodies and error, the row kept. They repeat her name, address and pay,
and are no record any law requires beyond the payslip itself. Other messages sent to her cannot be told
apart once the removal cleared her address (docs/personal-data.md).

The retention end is computed afresh on the day of the purge (a document issued after the removal moves it).
A purged member is marked (``Member.purged_at``), so a second run finds nothing to do. On PostgreSQL the
immutability triggers of payslips and their snapshots allow exactly these changes, and only for a member
marked so, on payslips whose own retention had ended (migration ``c4e7a1f9d2b3``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, select, update
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.audit.service import append_event
from kooperativet.employments.models import Employment
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Member, MemberTaxSetting
from kooperativet.payroll.models import Payslip, PayslipSnapshot
from kooperativet.payroll.service.payslip_notices import notice_message_id
from kooperativet.privacy.removal import retention_end

#: The snapshot's ``employee`` fields that identify her; the rest (member id, country, language) does not.
SNAPSHOT_PERSONAL_FIELDS = (
    "street",
    "postal_code",
    "city",
    "personal_identity_number",
    "birth_date",
    "bank_clearing_number",
    "bank_account_number",
    "bank_iban",
)


@dataclass(frozen=True, slots=True)
class MemberPurge:
    """What the purge erases (in a dry run: would erase) of one member: ids and counts, no personal data."""

    member_id: int
    retained_until: date
    payslips: int
    payslip_snapshots: int
    employments: int
    receipts: int
    tax_settings: int
    messages: int

    def as_payload(self) -> dict[str, object]:
        return {
            "member_id": self.member_id,
            "retained_until": self.retained_until.isoformat(),
            "payslips": self.payslips,
            "payslip_snapshots": self.payslip_snapshots,
            "employments": self.employments,
            "receipts": self.receipts,
            "tax_settings": self.tax_settings,
            "messages": self.messages,
        }


def members_due(session: Session, *, today: date) -> list[tuple[Member, date]]:
    """Each removed, not yet purged member whose retention ended before ``today``, with its last day."""
    removed = session.scalars(
        select(Member)
        .where(Member.pseudonymised_at.is_not(None), Member.purged_at.is_(None))
        .order_by(Member.id)
    )
    due = ((member, retention_end(session, member=member)) for member in removed)
    return [(member, retained_until) for member, retained_until in due if retained_until < today]


def plan_purge(session: Session, *, today: date) -> list[MemberPurge]:
    """What a purge on ``today`` would erase; changes nothing (``kooperativet privacy purge --dry-run``)."""
    return [
        _count(session, member=member, retained_until=until)
        for member, until in members_due(session, today=today)
    ]


def purge_after_retention(session: Session, *, today: date, now: datetime) -> list[MemberPurge]:
    """Erase what was kept only for the retention duty of every member whose retention ended before
    ``today``; each purge is one audit event. Run again, it finds nothing to do."""
    purged = []
    for member, retained_until in members_due(session, today=today):
        done = _count(session, member=member, retained_until=retained_until)
        _purge_member(session, member=member, now=now)
        append_event(session, kind="member_purged_after_retention", payload=done.as_payload(), now=now)
        purged.append(done)
    session.flush()
    return purged


def _purge_member(session: Session, *, member: Member, now: datetime) -> None:
    # The member first, marked: the payslip triggers on PostgreSQL allow the rest only for a purged member.
    member.personal_identity_number = None  # and its blind index with it (Member's validator)
    member.birth_date = None
    member.purged_at = now
    member.version += 1
    for setting in member.tax_settings:
        setting.note = None
    session.flush()
    session.execute(
        update(Payslip)
        .where(Payslip.member_id == member.id)
        .values(
            employee_name=None,
            employee_personal_identity_number=None,
            bank_clearing_number=None,
            bank_account_number=None,
            bank_iban=None,
            pdf=None,  # its SHA-256 stays: the record that this document existed, which says nothing of her
        ),
        execution_options={"synchronize_session": False},
    )
    for stored in session.scalars(select(PayslipSnapshot).where(PayslipSnapshot.member_id == member.id)):
        stored.snapshot = without_personal_data(stored.snapshot, name=member.full_name)
    session.execute(
        update(Employment)
        .where(Employment.member_id == member.id)
        .values(certificate_html=None, certificate_pdf=None),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Receipt)
        .where(Receipt.id.in_(_receipt_ids(member.id)))
        .values(content=None, filename=literal("receipt-", String) + cast(Receipt.id, String)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.message_id.in_(_notice_ids(session, member.id)), OutgoingMail.erased_at.is_(None))
        .values(
            to_addresses=[],
            bcc_addresses=[],
            text_body="",
            html_body=None,
            last_error=None,  # it may name the address a server refused
            redact_after_sending=[],
            erased_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    session.flush()


def without_personal_data(snapshot: dict[str, Any], *, name: str) -> dict[str, Any]:
    """The payslip snapshot with the employee's identifying fields empty and her name the removed record's:
    every number, amount, tax setting and parameter stays, so the payslip's content can still be read."""
    employee = dict(snapshot["employee"])
    employee["name"] = name
    for field in SNAPSHOT_PERSONAL_FIELDS:
        if field in employee:
            employee[field] = None
    return {**snapshot, "employee": employee}


def _receipt_ids(member_id: int) -> Select[Any]:
    """The receipts of her expenses (a receipt is uploaded for one expense of one assignment)."""
    return (
        select(Expense.receipt_id)
        .join(Assignment, Assignment.id == Expense.assignment_id)
        .where(Assignment.member_id == member_id, Expense.receipt_id.is_not(None))
    )


def _notice_ids(session: Session, member_id: int) -> list[str]:
    """The Message-IDs the notices of her payslips were queued under (``payslip_notices``)."""
    payslips = session.scalars(select(Payslip.id).where(Payslip.member_id == member_id))
    return [notice_message_id(payslip_id) for payslip_id in payslips]


def _count(session: Session, *, member: Member, retained_until: date) -> MemberPurge:
    def rows(statement: Any) -> int:
        return session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    return MemberPurge(
        member_id=member.id,
        retained_until=retained_until,
        payslips=rows(select(Payslip.id).where(Payslip.member_id == member.id)),
        payslip_snapshots=rows(select(PayslipSnapshot.id).where(PayslipSnapshot.member_id == member.id)),
        employments=rows(select(Employment.id).where(Employment.member_id == member.id)),
        receipts=rows(select(Receipt.id).where(Receipt.id.in_(_receipt_ids(member.id)))),
        tax_settings=rows(select(MemberTaxSetting.id).where(MemberTaxSetting.member_id == member.id)),
        messages=rows(
            select(OutgoingMail.id).where(OutgoingMail.message_id.in_(_notice_ids(session, member.id)))
        ),
    )

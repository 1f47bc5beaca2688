"""The purge after the retention period: erase what was kept of a removed member only for the retention duty.

Removing a member (``removal.pseudonymise_member``) keeps her personnummer, birth date and documents because
Bokföringslagen (SFS 1999:1078) 7 kap. 2 § and Skatteförfarandelagen (SFS 2011:1244) 39 kap. require them
until the end of the seventh year after the year of her last payslip or invoice. Once that day has passed
nothing requires them any more, and GDPR art. 5(1)(e) and 17 require them gone. The purge erases the content
and keeps the rows with their numbers and amounts: payslip and invoice numbers are gap-free series, and the
audit log and the other tables refer to the ids. Field by field decisions: docs/personal-data.md.

Every message addressed to her (``outgoing_mail.member_id``: payslip notices, invitations, password resets,
notices of changed details, meeting notices, vote openings, decisions on her commissions) is emptied too:
recipients, bodies and error, and the subject where it names someone, the row kept. They are no record any
law requires, and nothing else sends them again.

The retention end is computed afresh on the day of the purge (a document issued after the removal moves it).
The purge is set-based: a constant number of statements however many members were removed or are due.
A purged member is marked (``Member.purged_at``), so a second run finds nothing to do. On PostgreSQL the
immutability triggers of payslips and their snapshots allow exactly these changes, and only for a member
marked so, on payslips whose own retention had ended (migration ``c4e7a1f9d2b3``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, String, case, cast, func, literal, select, update
from sqlalchemy.orm import Session, lazyload

from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.audit.service import append_events
from kooperativet.employments.models import Employment
from kooperativet.invoices.models import Invoice
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Member, MemberTaxSetting
from kooperativet.payroll.models import Payslip, PayslipSnapshot
from kooperativet.privacy.removal import retained_after

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
#: The templates whose subject names a person (the member a commission to decide is from); the others name
#: a number, a title or the cooperative, and stay as the record of what was sent.
SUBJECT_NAMES_SOMEONE = ("commission_submitted",)


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
    """Each removed, not yet purged member whose retention ended before ``today``, with its last day: one
    query with the days her retention follows (last payslip, last invoice), however many were removed."""
    removed = select(Member.id).where(Member.pseudonymised_at.is_not(None), Member.purged_at.is_(None))
    last_payslip = _last_day(Payslip.member_id, Payslip.pay_date, removed)
    last_invoice = _last_day(Invoice.member_id, Invoice.issue_date, removed)
    rows = session.execute(
        select(Member, last_payslip.c.day, last_invoice.c.day)
        .outerjoin(last_payslip, last_payslip.c.member_id == Member.id)
        .outerjoin(last_invoice, last_invoice.c.member_id == Member.id)
        .where(Member.id.in_(removed))
        .order_by(Member.id)
        .options(lazyload(Member.tax_settings))  # not needed to decide: no second query
    ).all()
    due = (
        (member, retained_after(payslip_day, invoice_day, member.left_on or member.joined_on))
        for member, payslip_day, invoice_day in rows
    )
    return [(member, retained_until) for member, retained_until in due if retained_until < today]


def _last_day(member_id: Any, day: Any, members: Select[Any]) -> Any:
    """The latest ``day`` of each of ``members`` (a grouped subquery: ``member_id``, ``day``)."""
    return (
        select(member_id.label("member_id"), func.max(day).label("day"))
        .where(member_id.in_(members))
        .group_by(member_id)
        .subquery()
    )


def plan_purge(session: Session, *, today: date) -> list[MemberPurge]:
    """What a purge on ``today`` would erase; changes nothing (``kooperativet privacy purge --dry-run``)."""
    return _counts(session, members_due(session, today=today))


def purge_after_retention(session: Session, *, today: date, now: datetime) -> list[MemberPurge]:
    """Erase what was kept only for the retention duty of every member whose retention ended before
    ``today``; each purge is one audit event. Run again, it finds nothing to do."""
    due = members_due(session, today=today)
    if not due:
        return []
    purged = _counts(session, due)
    _purge_members(session, due, now=now)
    payloads = [done.as_payload() for done in purged]
    append_events(session, kind="member_purged_after_retention", payloads=payloads, now=now)
    session.flush()
    return purged


def _purge_members(session: Session, due: list[tuple[Member, date]], *, now: datetime) -> None:
    ids = [member.id for member, _ in due]
    # The members first, marked: the payslip triggers on PostgreSQL allow the rest only for a purged member.
    session.execute(
        update(Member)
        .where(Member.id.in_(ids))
        .values(
            personal_identity_number=None,
            personal_identity_number_index=None,  # what Member's validator does when it is set by hand
            birth_date=None,
            purged_at=now,
            version=Member.version + 1,
        )
    )
    session.execute(update(MemberTaxSetting).where(MemberTaxSetting.member_id.in_(ids)).values(note=None))
    session.execute(
        update(Payslip)
        .where(Payslip.member_id.in_(ids))
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
    _rewrite_snapshots(session, names={member.id: member.full_name for member, _ in due})
    session.execute(
        update(Employment)
        .where(Employment.member_id.in_(ids))
        .values(certificate_html=None, certificate_pdf=None),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Receipt)
        .where(Receipt.id.in_(_receipt_ids(ids)))
        .values(content=None, filename=literal("receipt-", String) + cast(Receipt.id, String)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.member_id.in_(ids), OutgoingMail.erased_at.is_(None))
        .values(
            to_addresses=[],
            bcc_addresses=[],
            subject=case((OutgoingMail.template.in_(SUBJECT_NAMES_SOMEONE), ""), else_=OutgoingMail.subject),
            text_body="",
            html_body=None,
            last_error=None,  # it may name the address a server refused
            redact_after_sending=[],
            erased_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    session.flush()


def _rewrite_snapshots(session: Session, *, names: dict[int, str]) -> None:
    """Each of these members' payslip snapshots without her personal data, in one read and one
    ``executemany``."""
    stored = session.execute(
        select(PayslipSnapshot.id, PayslipSnapshot.member_id, PayslipSnapshot.snapshot).where(
            PayslipSnapshot.member_id.in_(list(names))
        )
    ).all()
    if stored:
        rewritten = [
            {"id": row.id, "snapshot": without_personal_data(row.snapshot, name=names[row.member_id])}
            for row in stored
        ]
        session.execute(update(PayslipSnapshot), rewritten)


def without_personal_data(snapshot: dict[str, Any], *, name: str) -> dict[str, Any]:
    """The payslip snapshot with the employee's identifying fields empty and her name the removed record's:
    every number, amount, tax setting and parameter stays, so the payslip's content can still be read."""
    employee = dict(snapshot["employee"])
    employee["name"] = name
    for field in SNAPSHOT_PERSONAL_FIELDS:
        if field in employee:
            employee[field] = None
    return {**snapshot, "employee": employee}


def _receipt_ids(member_ids: list[int]) -> Select[Any]:
    """The receipts of their expenses (a receipt is uploaded for one expense of one assignment)."""
    return (
        select(Expense.receipt_id)
        .join(Assignment, Assignment.id == Expense.assignment_id)
        .where(Assignment.member_id.in_(member_ids), Expense.receipt_id.is_not(None))
    )


def _counts(session: Session, due: list[tuple[Member, date]]) -> list[MemberPurge]:
    """What is erased of each member, counted by member: one grouped query per kind of row."""
    ids = [member.id for member, _ in due]
    if not ids:
        return []

    def per_member(member_id: Any, *criteria: Any, counted: Any = None) -> dict[int, int]:
        count = func.count() if counted is None else func.count(func.distinct(counted))
        statement = select(member_id, count).where(member_id.in_(ids), *criteria).group_by(member_id)
        return dict(session.execute(statement).all())

    payslips = per_member(Payslip.member_id)
    snapshots = per_member(PayslipSnapshot.member_id)
    employments = per_member(Employment.member_id)
    tax_settings = per_member(MemberTaxSetting.member_id)
    messages = per_member(OutgoingMail.member_id, OutgoingMail.erased_at.is_(None))
    receipts = per_member(
        Assignment.member_id,
        Assignment.id == Expense.assignment_id,
        Expense.receipt_id.is_not(None),
        counted=Expense.receipt_id,
    )
    return [
        MemberPurge(
            member_id=member.id,
            retained_until=retained_until,
            payslips=payslips.get(member.id, 0),
            payslip_snapshots=snapshots.get(member.id, 0),
            employments=employments.get(member.id, 0),
            receipts=receipts.get(member.id, 0),
            tax_settings=tax_settings.get(member.id, 0),
            messages=messages.get(member.id, 0),
        )
        for member, retained_until in due
    ]

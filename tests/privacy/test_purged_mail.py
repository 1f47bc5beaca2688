"""Every message addressed to a member records her, and the purge after retention empties them all — not only
the notices of her payslips — once the removal has cleared her address and detached her login
(docs/personal-data.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.service.notices import tell_member_rejected, tell_treasurers_submitted
from kooperativet.auth.models import Role, User, UserRole
from kooperativet.governance.mail import queue_notice
from kooperativet.governance.models import Meeting, MeetingKind
from kooperativet.jobs.models import Job
from kooperativet.jobs.queue import JobContext
from kooperativet.mail.models import OutgoingMail
from kooperativet.parties.models import Member
from kooperativet.parties.service.notice import MemberChange, queue_change_notice
from kooperativet.payroll.service.payslip_notices import queue_payslip_notices
from kooperativet.privacy.purge import purge_after_retention
from kooperativet.workflows.invitations import send_invitation
from kooperativet.workflows.password_reset import RESET_JOB, request_password_reset, send_reset_link
from tests.exports.conftest import ApprovedRun
from tests.governance.addressed import addressed
from tests.governance.mail_server import set_a_mail_server
from tests.privacy.purged import DUE, PURGED_AT, member_on, remove

INVITED_AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
#: What was sent to Alva: one of each kind a member (or a treasurer who is one) gets.
HER_TEMPLATES = [
    "commission_rejected",
    "commission_submitted",
    "invitation",
    "meeting_notice",
    "member_details_changed",
    "password_reset",
    "payslip_ready",
]


def _mail_of(session: Session, member_id: int) -> list[OutgoingMail]:
    return list(
        session.scalars(
            select(OutgoingMail).where(OutgoingMail.member_id == member_id).order_by(OutgoingMail.template)
        )
    )


def _assignment_of(session: Session, member: Member) -> Assignment:
    assignment = session.scalars(select(Assignment).where(Assignment.member_id == member.id)).first()
    assert assignment is not None
    return assignment


def _send_her_everything(session: Session, run: ApprovedRun, alva: Member, bertil: Member, settings) -> None:
    """Alva is a treasurer too: she is told of Bertil's commission, named in its subject."""
    login = session.get_one(User, alva.user_id)
    login.role_rows.append(UserRole(role=Role.treasurer))
    session.flush()
    queue_payslip_notices(session, run_id=run.run.id, domain="example.org")
    queue_change_notice(
        session, MemberChange(member=alva, identity_fields=("last_name",), bank_account_changed=False)
    )
    send_invitation(session, user=login, actor=run.treasurer.user, now=INVITED_AT, settings=settings)  # type: ignore[attr-defined]
    request_password_reset(session, email=login.email)
    job = session.scalars(select(Job).where(Job.kind == RESET_JOB).order_by(Job.id.desc())).first()
    assert job is not None
    send_reset_link(JobContext(session=session, settings=settings, job_id=job.id, attempt=1), job.payload)
    meeting = Meeting(
        kind=MeetingKind.ANNUAL, title="Årsmöte 2027", held_on=date(2027, 3, 20), location="Hus"
    )
    set_a_mail_server(settings)  # with none, the notice queues nothing (governance.mail.NOT_CONFIGURED)
    queue_notice(
        session, meeting=meeting, members=addressed(alva, bertil), text="Välkomna!", settings=settings
    )
    mine = _assignment_of(session, alva)
    mine.rejection_reason = "Fel kund"
    tell_member_rejected(session, assignment=mine)
    tell_treasurers_submitted(session, assignment=_assignment_of(session, bertil))
    session.flush()


def test_every_message_addressed_to_her_records_her_and_the_purge_empties_them_all(
    session: Session, approved_run: ApprovedRun, make_user, settings
) -> None:
    alva, _ = member_on(session, approved_run, 0)
    bertil, _ = member_on(session, approved_run, 1)
    _send_her_everything(session, approved_run, alva, bertil, settings)
    hers = _mail_of(session, alva.id)
    assert [message.template for message in hers] == HER_TEMPLATES
    assert all(alva.email in message.to_addresses[0] for message in hers)
    subjects = {message.id: message.subject for message in hers}
    others = {
        message.id: (message.to_addresses, message.subject, message.text_body)
        for message in session.scalars(select(OutgoingMail).where(OutgoingMail.id.not_in(list(subjects))))
    }
    assert {message.member_id for message in session.scalars(select(OutgoingMail))} >= {bertil.id}
    remove(session, alva, make_user)

    [purged] = purge_after_retention(session, today=DUE, now=PURGED_AT)

    assert purged.messages == len(HER_TEMPLATES)
    session.expire_all()
    for message in _mail_of(session, alva.id):
        erased = (message.to_addresses, message.bcc_addresses, message.text_body, message.html_body)
        assert erased == ([], [], "", None), message.template
        assert (message.erased_at, message.last_error, message.redact_after_sending) == (PURGED_AT, None, [])
        # The subject stays as the record of what was sent, unless it names someone (Bertil, here).
        expected = "" if message.template == "commission_submitted" else subjects[message.id]
        assert message.subject == expected, message.template
    assert "Medlem" in subjects[next(m.id for m in hers if m.template == "commission_submitted")]
    for message_id, kept in others.items():
        other = session.get_one(OutgoingMail, message_id)
        assert (other.to_addresses, other.subject, other.text_body) == kept
        assert other.erased_at is None
    # Run again, nothing is left to erase.
    assert purge_after_retention(session, today=DUE, now=PURGED_AT) == []


def test_a_handled_password_reset_keeps_no_address_in_its_job(
    session: Session, make_member, settings
) -> None:
    alva = make_member()
    request_password_reset(session, email=alva.user.email)
    request_password_reset(session, email="nobody@example.se")
    for job in session.scalars(select(Job).where(Job.kind == RESET_JOB)).all():
        send_reset_link(JobContext(session=session, settings=settings, job_id=job.id, attempt=1), job.payload)

    session.expire_all()
    payloads = [job.payload for job in session.scalars(select(Job).where(Job.kind == RESET_JOB))]
    assert payloads == [{"email": None}, {"email": None}]
    [reset] = session.scalars(select(OutgoingMail).where(OutgoingMail.template == "password_reset"))
    assert (reset.to_addresses, reset.member_id) == ([alva.user.email], alva.member.id)

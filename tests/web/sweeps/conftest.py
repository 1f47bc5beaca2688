"""The sweeps' rows: a signed-in person who reaches every page and form, and the real rows their addresses
name (``World``), for each test anew."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role
from kooperativet.governance import meetings as meetings_service
from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate, MotionCreate
from kooperativet.knowledge.bank import default_bank
from kooperativet.parameters.catalog import CATALOG
from kooperativet.payroll import service as payroll_service
from tests.governance import conftest as governance
from tests.governance.conftest import MEETING_DAY, NOW, TODAY
from tests.payroll import conftest as payroll
from tests.web import test_office_billing as billing
from tests.web import test_office_words as office_words
from tests.web.conftest import form_token, sign_in
from tests.web.sweeps.sweeping import World

seller = billing.seller
library = billing.library
rulebook = governance.rulebook
clock = governance.clock
paid_assignment = payroll.paid_assignment


@pytest.fixture
def client_record(library):
    """The client of the run's paid work (``paid_assignment``): the sweep's own, whose organisation number is
    the shared one's."""
    return library


@pytest.fixture
def everyone(make_member):
    """Admin, treasurer and board at once, and a member on the board (chair), so that every form reaches its
    handler."""
    return make_member(Role.admin, Role.treasurer, Role.board)


@pytest.fixture
def world(
    browser_client, session, everyone, make_member, make_user, seller, library, rulebook, clock
) -> World:
    """The rows the addresses name: commissions (a draft of hers, one handed in, one invoiced), an invoice, a
    bank entry, meetings (one planned with a proposal and her motion, one in session with an open vote), an
    e-mail and a job; and she is signed in."""
    session.add(
        BoardAssignment(member_id=everyone.member.id, role=BoardRole.chair, term_from=date(2025, 5, 1))
    )
    worker = make_member()
    other = make_user(Role.treasurer)
    draft = billing.commission(session, everyone.member, library, status=AssignmentStatus.draft)
    submitted = billing.commission(session, worker.member, library)
    approved = billing.commission(session, worker.member, library, status=AssignmentStatus.approved)
    invoice = billing.issue(session, approved, other)
    entry = billing.unmatched(session, other)
    planned = meetings_service.create_meeting(
        session, kind=MeetingKind.ANNUAL, title="Årsmöte", held_on=MEETING_DAY, location="Kulturgatan 7"
    )
    item = meetings_service.add_agenda_item(
        session, meeting=planned, data=AgendaItemCreate(kind="board_proposal", title="Budget", text="Förslag")
    )
    motion = meetings_service.submit_motion(
        session,
        meeting=planned,
        member=everyone.member,
        data=MotionCreate(title="Lokal", text="Ny"),
        today=TODAY,
    )
    in_session = meetings_service.create_meeting(
        session, kind=MeetingKind.EXTRA, title="Extra stämma", held_on=TODAY, location="Kulturgatan 7"
    )
    meetings_service.give_notice(
        session, meeting=in_session, text="Välkomna", today=TODAY - timedelta(days=30)
    )
    meetings_service.open_meeting(session, meeting=in_session, override_reason=None, now=NOW)
    meetings_service.register_attendance(session, meeting=in_session, member_id=everyone.member.id)
    mail = office_words._mail(session, 1)
    job = office_words._job(session, "send_mail", {"mail_id": mail.id})
    session.flush()
    sign_in(browser_client, everyone.user.email)
    page = f"/meetings/{in_session.id}/votes/new"
    opened = browser_client.post(
        page,
        data={
            "method": "open",
            "question": "Sommarfest?",
            "decision_kind": "ordinary",
            "csrf_token": form_token(browser_client.get(page).text),
        },
    )
    assert opened.status_code == 303, opened.text[:500]
    vote_id = opened.headers["location"].rsplit("/", 1)[1]
    return World(
        ids={
            "assignment_id": [str(draft.id), str(submitted.id)],
            "expense_id": [str(draft.expenses[0].id)],
            "invoice_id": [str(invoice.id)],
            "entry_id": [str(entry.id)],
            "client_id": [str(library.id)],
            "member_id": [str(worker.member.id)],
            "user_id": [str(worker.user.id)],
            "meeting_id": [str(planned.id), str(in_session.id)],
            "item_id": [str(item.id), str(motion.id)],
            "mail_id": [str(mail.id)],
            "job_id": [str(job.id)],
            "vote_id": [vote_id],
            "key": sorted({str(spec.kind): spec.key for spec in CATALOG.values()}.values()),
            "slug": sorted(default_bank())[:2],
        },
        named={"assignment_id": str(approved.id)},
    )


@pytest.fixture
def pages_world(world: World, session, everyone, make_member, paid_assignment) -> World:
    """The sweep's rows and an approved payroll run with its payslips, for the run's and payslips' pages."""
    worker = make_member()
    paid_assignment(worker.member, "20000.00")
    draft = payroll_service.create_run(
        session,
        today=TODAY,
        pay_date=TODAY,
        pay_on=None,
        created_by_id=everyone.user.id,
    ).run
    run = payroll_service.approve_run(
        session, run_id=draft.id, approved_by_id=make_member().user.id, now=datetime.now(UTC)
    )
    [payslip] = payroll_service.run_payslips(session, run_id=run.id)
    session.flush()
    return World(
        ids={
            **world.ids,
            "run_id": [str(run.id)],
            "payslip_id": [str(payslip.id)],
            "language": ["sv", "en"],
        },
        named=world.named,
    )

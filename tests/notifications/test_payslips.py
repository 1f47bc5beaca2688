"""Payslips ready: approval enqueues one job for the run; the worker tells each member, with her payslip PDF
attached, in a constant number of statements however many payslips the run has."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.jobs.models import Job
from kooperativet.mail.models import OutgoingMail
from kooperativet.payroll.models import Payslip
from kooperativet.payroll.service.payslip_notices import NOTIFY_PAYSLIPS_READY, queue_payslip_notices
from tests.mailbox import Mailbox
from tests.notifications.conftest import html_of, pdf_attachments, text_of
from tests.payroll.conftest import create_and_approve

RUNS = "/api/v1/payroll-runs"
NBSP = "\N{NO-BREAK SPACE}"  # how Swedish groups thousands: 12 772,57


def test_each_member_gets_her_payslip_pdf_when_the_run_is_approved(
    api: TestClient,
    session: Session,
    mailbox: Mailbox,
    payroll_ready,
    make_user,
    make_member,
    paid_assignment,
) -> None:
    treasurer = make_user(Role.treasurer)
    alva, bo = make_member(), make_member()
    bo.member.language = "en"
    paid_assignment(alva.member, "20000.00")
    paid_assignment(bo.member, "10000.00")
    draft = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers).json()

    approved = api.post(f"{RUNS}/{draft['id']}/approve", headers=treasurer.headers)

    assert approved.status_code == 200, approved.text
    [job] = session.scalars(select(Job).where(Job.kind == NOTIFY_PAYSLIPS_READY)).all()
    assert job.payload == {"run_id": draft["id"]}
    for actor, subject, amount_text, regards in (
        (alva, "Din lönespecifikation {} är klar", "du får {} kr efter skatt", "Vänliga hälsningar"),
        (bo, "Your payslip {} is ready", "you receive SEK {} after tax", "Kind regards"),
    ):
        payslip = session.scalars(select(Payslip).where(Payslip.member_id == actor.member.id)).one()
        session.refresh(payslip)
        [message] = mailbox.to(actor.user.email)
        assert message["Subject"] == subject.format(payslip.number)
        # The From address's domain, as every message's; not one fixed name shared by every installation.
        assert message["Message-ID"] == f"<payslip-{payslip.id}@{message['From'].addresses[0].domain}>"
        [(filename, content_type, content)] = pdf_attachments(message)
        assert (filename, content_type) == (f"{payslip.number}.pdf", "application/pdf")
        assert payslip.pdf is not None
        assert content == payslip.pdf
        shown = _written(payslip.net_pay, swedish=actor is alva)
        assert amount_text.format(shown) in text_of(message)
        assert "\nhttp://127.0.0.1:8000/pay\n" in text_of(message).replace("\r\n", "\n")
        # Signed with the cooperative's name from its record, not a word for any cooperative.
        assert text_of(message).replace("\r\n", "\n").rstrip().endswith(f"{regards}\nTestkooperativet")
        assert f"{regards}<br>Testkooperativet</p>" in html_of(message)


def _written(amount, *, swedish: bool) -> str:
    whole, ore = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}"
    return grouped.replace(",", NBSP) + "," + ore if swedish else f"{grouped}.{ore}"


def test_a_member_who_turned_payslips_off_gets_none(
    api: TestClient, mailbox: Mailbox, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva, bo = make_member(), make_member()
    paid_assignment(alva.member, "20000.00")
    paid_assignment(bo.member, "10000.00")
    off = api.put(
        "/api/v1/me/notifications", json={"notifications": {"payslip_ready": False}}, headers=bo.headers
    )
    assert off.status_code == 200, off.text
    draft = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers).json()

    assert api.post(f"{RUNS}/{draft['id']}/approve", headers=treasurer.headers).status_code == 200

    assert len(mailbox.to(alva.user.email)) == 1
    assert mailbox.to(bo.user.email) == []


def _approved_run(session: Session, make_user, many_members, paid_assignment, n: int) -> int:
    treasurer = make_user(Role.treasurer)
    for index, member in enumerate(many_members(n)):
        paid_assignment(member, f"{10000 + 100 * index}.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )
    return run.id


@pytest.mark.parametrize("n", [3, 12])
def test_the_messages_of_a_run_take_a_constant_number_of_statements(
    session: Session, count_statements, payroll_ready, make_user, many_members, paid_assignment, n: int
) -> None:
    run_id = _approved_run(session, make_user, many_members, paid_assignment, n)
    with count_statements() as counter:
        queued = queue_payslip_notices(session, run_id=run_id, domain="example.org")

    assert queued == n
    # payslips, members, preferences, messages already queued, the cooperative's name they are signed with,
    # the messages, their ids, their send jobs
    assert counter.count == 8, "\n".join(counter.sql)
    # a job run twice tells nobody twice
    assert queue_payslip_notices(session, run_id=run_id, domain="example.org") == 0
    assert session.scalar(select(OutgoingMail.id).where(OutgoingMail.template == "payslip_ready").limit(1))

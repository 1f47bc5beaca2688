"""The purge after the retention period erases what was kept of a removed member only for the retention duty
(BFL 7 kap. 2 §, SFF 39 kap.) and keeps the rows with their numbers and amounts (docs/personal-data.md)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Receipt
from kooperativet.audit import service as audit_service
from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.employments.models import Employment
from kooperativet.exports.formats import sie_read
from kooperativet.invoices.models import Invoice
from kooperativet.jobs.models import Job
from kooperativet.jobs.queue import JobContext
from kooperativet.mail.models import MailState, OutgoingMail
from kooperativet.mail.outbox import sending_key
from kooperativet.mail.send_job import send_queued_mail
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip
from kooperativet.payroll.service.payslip_notices import notice_message_id, queue_payslip_notices
from kooperativet.privacy.purge import MemberPurge, plan_purge, purge_after_retention
from tests.exports.conftest import ApprovedRun
from tests.privacy.purged import DUE, PURGED_AT, RETAINED_UNTIL, member_on, remove, with_documents


def _amounts(payslip: Payslip) -> dict[str, object]:
    return {
        "number": payslip.number,
        "sequence": payslip.sequence,
        "pay_date": payslip.pay_date,
        "gross_salary": payslip.gross_salary,
        "tax": payslip.tax,
        "employer_contributions": payslip.employer_contributions,
        "net_pay": payslip.net_pay,
        "pdf_sha256": payslip.pdf_sha256,
    }


def _purge_events(session: Session) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.kind == "member_purged_after_retention")
            .order_by(AuditEvent.id)
        )
    )


def test_the_purge_erases_what_was_kept_for_the_retention_and_keeps_the_rows_numbers_and_amounts(
    session: Session, approved_run: ApprovedRun, make_user
) -> None:
    alva, payslip = member_on(session, approved_run, 0)
    bertil, _ = member_on(session, approved_run, 1)
    employment, receipt = with_documents(session, alva, payslip)
    remove(session, alva, make_user)
    before = _amounts(payslip)
    snapshot_before = payslip.snapshot
    lines_before = [(line.id, line.gross_salary, line.tax, line.net_pay) for line in payslip.lines]
    [invoice] = session.scalars(select(Invoice).where(Invoice.member_id == alva.id))
    invoice_before = (invoice.number, invoice.payable, invoice.pdf, invoice.snapshot)
    bertil_number = bertil.personal_identity_number

    purged = purge_after_retention(session, today=DUE, now=PURGED_AT)

    assert purged == [
        MemberPurge(
            member_id=alva.id,
            retained_until=RETAINED_UNTIL,
            payslips=1,
            payslip_snapshots=1,
            employments=1,
            receipts=1,
            tax_settings=1,
            messages=0,
        )
    ]
    session.expire_all()
    stored = session.execute(
        text(
            "SELECT personal_identity_number, personal_identity_number_index, birth_date, first_name "
            "FROM members WHERE id = :id"
        ),
        {"id": alva.id},
    ).one()
    assert tuple(stored) == (None, None, None, "Borttagen")
    assert session.get_one(Member, alva.id).purged_at is not None
    assert session.get_one(Member, alva.id).tax_settings[0].note is None
    assert session.get_one(Member, alva.id).tax_settings[0].percent == Decimal("30.00")
    payslip = session.get_one(Payslip, payslip.id)
    assert _amounts(payslip) == before
    assert [(line.id, line.gross_salary, line.tax, line.net_pay) for line in payslip.lines] == lines_before
    personal = session.execute(
        text(
            "SELECT employee_name, employee_personal_identity_number, bank_clearing_number, "
            "bank_account_number, bank_iban, pdf FROM payslips WHERE id = :id"
        ),
        {"id": payslip.id},
    ).one()
    assert tuple(personal) == (None,) * 6
    employee = payslip.snapshot["employee"]
    assert employee["name"] == f"Borttagen medlem {alva.id}"
    assert employee["member_id"] == alva.id
    for field in ("personal_identity_number", "birth_date", "street", "postal_code", "city"):
        assert employee[field] is None
    assert employee["bank_account_number"] is None
    assert {k: v for k, v in payslip.snapshot.items() if k != "employee"} == {
        k: v for k, v in snapshot_before.items() if k != "employee"
    }
    invoice = session.get_one(Invoice, invoice.id)
    assert (invoice.number, invoice.payable, invoice.pdf, invoice.snapshot) == invoice_before
    employment = session.get_one(Employment, employment.id)
    assert (employment.certificate_html, employment.certificate_pdf, employment.certificate_sha256) == (
        None,
        None,
        "1" * 64,
    )
    receipt = session.get_one(Receipt, receipt.id)
    assert (receipt.content, receipt.filename, receipt.size, receipt.sha256) == (
        None,
        f"receipt-{receipt.id}",
        4,
        "2" * 64,
    )
    # A member who was never removed is never touched.
    assert session.get_one(Member, bertil.id).personal_identity_number == bertil_number
    [event] = _purge_events(session)
    assert json.loads(event.payload) == {
        "member_id": alva.id,
        "retained_until": "2033-12-31",
        "payslips": 1,
        "payslip_snapshots": 1,
        "employments": 1,
        "receipts": 1,
        "tax_settings": 1,
        "messages": 0,
    }
    assert audit_service.verify(session, anchor=None).problem is None

    assert purge_after_retention(session, today=date(2034, 6, 1), now=PURGED_AT) == []
    assert len(_purge_events(session)) == 1


def test_a_member_whose_retention_has_not_ended_is_untouched_and_a_later_document_moves_the_day(
    session: Session, approved_run: ApprovedRun, make_user, paid_assignment
) -> None:
    alva, _ = member_on(session, approved_run, 0)
    cleo, _ = member_on(session, approved_run, 2)
    remove(session, alva, make_user)
    remove(session, cleo, make_user)
    paid_assignment(cleo, "1000.00", issue_date=date(2027, 2, 1))  # invoiced after she was removed
    cleo_number = cleo.personal_identity_number

    assert purge_after_retention(session, today=RETAINED_UNTIL, now=PURGED_AT) == []
    assert alva.personal_identity_number is not None
    [purged] = purge_after_retention(session, today=DUE, now=PURGED_AT)

    assert purged.member_id == alva.id
    session.expire_all()
    assert session.get_one(Member, cleo.id).personal_identity_number == cleo_number
    assert session.get_one(Member, cleo.id).purged_at is None
    [later] = purge_after_retention(session, today=date(2035, 1, 1), now=datetime(2035, 1, 1, tzinfo=UTC))
    assert (later.member_id, later.retained_until) == (cleo.id, date(2034, 12, 31))


def test_the_dry_run_says_what_the_purge_would_erase_and_changes_nothing(
    session: Session, approved_run: ApprovedRun, make_user
) -> None:
    alva, payslip = member_on(session, approved_run, 0)
    remove(session, alva, make_user)
    number = alva.personal_identity_number

    planned = plan_purge(session, today=DUE)

    session.expire_all()
    assert session.get_one(Member, alva.id).personal_identity_number == number
    assert session.get_one(Payslip, payslip.id).employee_name is not None
    assert _purge_events(session) == []
    assert planned == purge_after_retention(session, today=DUE, now=PURGED_AT)


def test_after_the_purge_the_old_period_s_bookkeeping_export_works_its_agi_and_the_pdf_are_refused(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva, payslip = member_on(session, approved_run, 0)
    with_documents(session, alva, payslip)
    remove(session, alva, make_user)
    purge_after_retention(session, today=DUE, now=PURGED_AT)
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]
    admin = make_user(Role.admin)

    batch = api.post("/api/v1/exports/sie", json={"from": "2026-11-01", "to": "2026-11-30"}, headers=headers)
    assert batch.status_code == 201, batch.text
    content = api.get(f"/api/v1/exports/{batch.json()['id']}/file", headers=headers).content
    texts = [voucher.text for voucher in sie_read.read(content).vouchers]
    assert f"Utlägg Borttagen medlem {alva.id}: Tåg" in texts
    # The AGI of that month names her by personnummer: it cannot be made again, and says why.
    agi = api.post("/api/v1/exports/agi", json={"period": "2026-11"}, headers=headers)
    assert (agi.status_code, agi.json()["code"]) == (409, "erased_after_retention")
    pdf = api.get(f"/api/v1/payslips/{payslip.id}/pdf", headers=admin.headers)
    assert pdf.status_code == 404, pdf.text
    assert pdf.json()["code"] == "erased_after_retention", pdf.text
    # Her arbetsgivarintyg would certify no employment of nobody: not printed blank, and says why.
    for path in ("employer-certificate", "employer-certificate.pdf"):
        certificate = api.get(f"/api/v1/members/{alva.id}/{path}", headers=headers)
        assert (certificate.status_code, certificate.json()["code"]) == (404, "erased_after_retention")


def test_the_database_still_refuses_ordinary_changes_to_issued_payslips_after_the_purge_exception(
    session: Session, approved_run: ApprovedRun, make_user
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; SQLite relies on the service")
    alva, payslip = member_on(session, approved_run, 0)
    bertil, _ = member_on(session, approved_run, 1)
    with_documents(session, alva, payslip)
    remove(session, alva, make_user)
    ids = {"alva": alva.id, "bertil": bertil.id}
    removed_not_purged = [
        "UPDATE payslips SET employee_name = NULL WHERE member_id = :alva",
        "UPDATE payslip_snapshots SET snapshot = snapshot WHERE member_id = :alva",
    ]
    for statement in removed_not_purged:
        with pytest.raises(DBAPIError, match="never"), session.begin_nested():
            session.execute(text(statement), ids)

    purge_after_retention(session, today=DUE, now=PURGED_AT)

    refused = [
        # Nothing but the personal columns, and those only to empty, even for a purged member …
        "UPDATE payslips SET net_pay = net_pay + 1 WHERE member_id = :alva",
        "UPDATE payslips SET pdf_sha256 = NULL WHERE member_id = :alva",
        "UPDATE payslips SET employee_name = 'x' WHERE member_id = :alva",
        "UPDATE payslips SET employee_name = NULL, tax = 0 WHERE member_id = :alva",
        "DELETE FROM payslips WHERE member_id = :alva",
        "DELETE FROM payslip_snapshots WHERE member_id = :alva",
        "UPDATE payslip_snapshots SET member_id = :bertil WHERE member_id = :alva",
        "UPDATE payslip_lines SET tax = 0",
        # … and nothing of a member who was not purged.
        "UPDATE payslips SET employee_name = NULL, pdf = NULL WHERE member_id = :bertil",
        "UPDATE payslip_snapshots SET snapshot = snapshot WHERE member_id = :bertil",
        "UPDATE invoices SET pdf = NULL",
    ]
    for statement in refused:
        with pytest.raises(DBAPIError, match="never"), session.begin_nested():
            session.execute(text(statement), ids)
    assert session.get_one(Payslip, payslip.id).net_pay == _amounts(payslip)["net_pay"]
    # What the purge did is what the exception allows: doing it again is allowed (and changes nothing).
    with session.begin_nested():
        session.execute(text("UPDATE payslips SET employee_name = NULL WHERE member_id = :alva"), ids)


def test_the_notices_of_her_payslips_lose_recipient_and_text_and_are_never_sent_again(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, settings
) -> None:
    alva, payslip = member_on(session, approved_run, 0)
    assert queue_payslip_notices(session, run_id=approved_run.run.id, domain="example.org") == 3
    notices = {
        message.message_id: message
        for message in session.scalars(select(OutgoingMail).where(OutgoingMail.template == "payslip_ready"))
    }
    hers = notices[notice_message_id(payslip.id, "example.org")]
    hers.state, hers.last_error = MailState.failed, "550 5.1.1 <alva@example.se>: no such user"
    others = {message.id: message.text_body for message in notices.values() if message is not hers}
    subject, queued_at = hers.subject, hers.queued_at
    remove(session, alva, make_user)

    [purged] = purge_after_retention(session, today=DUE, now=PURGED_AT)

    assert purged.messages == 1
    session.expire_all()
    hers = session.get_one(OutgoingMail, hers.id)
    erased = (hers.to_addresses, hers.bcc_addresses, hers.text_body, hers.html_body, hers.last_error)
    assert erased == ([], [], "", None, None)
    assert (hers.erased_at, hers.template, hers.subject, hers.queued_at) == (
        PURGED_AT,
        "payslip_ready",
        subject,
        queued_at,
    )
    for message_id, text_body in others.items():
        other = session.get_one(OutgoingMail, message_id)
        assert (other.text_body, other.erased_at) == (text_body, None)
        assert other.to_addresses != []
    admin = make_user(Role.admin)
    again = api.post(f"/api/v1/mail/{hers.id}/send-again", headers=admin.headers)
    assert (again.status_code, again.json()["code"]) == (409, "erased_after_retention"), again.text
    read = api.get(f"/api/v1/mail/{hers.id}", headers=admin.headers).json()
    assert (read["to_addresses"], read["text_body"], read["erased_at"]) == ([], "", "2034-01-01T03:00:00Z")
    # Its own job, retried from the jobs page, finds nobody to send to and leaves it as it is.
    job = session.scalar(select(Job).where(Job.key == sending_key(hers.id)))
    assert job is not None
    send_queued_mail(
        JobContext(session=session, settings=settings, job_id=job.id, attempt=2), {"mail_id": hers.id}
    )
    session.expire_all()
    assert (
        session.get_one(OutgoingMail, hers.id).last_error,
        session.get_one(OutgoingMail, hers.id).state,
    ) == (
        None,
        MailState.failed,
    )

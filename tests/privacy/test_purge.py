"""The purge after the retention period erases what was kept of a removed member only for the retention duty
(BFL 7 kap. 2 §, SFF 39 kap.) and keeps the rows with their numbers and amounts (docs/personal-data.md)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, Expense, Receipt
from kooperativet.audit import service as audit_service
from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.employments.models import Employment
from kooperativet.exports.formats import sie_read
from kooperativet.invoices.models import Invoice
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip
from kooperativet.privacy.purge import MemberPurge, plan_purge, purge_after_retention
from kooperativet.privacy.removal import pseudonymise_member
from tests.exports.conftest import EXPORT_DAY, ApprovedRun

#: Alva's last document is of 2026: her data is kept until 31 December 2033 and is due on 1 January 2034.
RETAINED_UNTIL = date(2033, 12, 31)
DUE = date(2034, 1, 1)
PURGED_AT = datetime(2034, 1, 1, 3, 0, tzinfo=UTC)
REMOVED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7 payslip of Alva"


def _member_on(session: Session, run: ApprovedRun, position: int) -> tuple[Member, Payslip]:
    payslips = session.scalars(select(Payslip).where(Payslip.run_id == run.run.id).order_by(Payslip.sequence))
    payslip = list(payslips)[position]
    return session.get_one(Member, payslip.member_id), payslip


def _remove(session: Session, member: Member, make_user) -> None:
    member.left_on = date(2026, 11, 26)
    pseudonymise_member(
        session, member=member, actor=make_user(Role.admin).user, today=EXPORT_DAY, now=REMOVED_AT
    )


def _with_documents(session: Session, member: Member, payslip: Payslip) -> tuple[Employment, Receipt]:
    """Her payslip's PDF, an anställningsbevis, a receipt for her outlay and a note on her tax setting."""
    payslip.pdf, payslip.pdf_sha256 = PDF, hashlib.sha256(PDF).hexdigest()
    assignment = session.scalars(select(Assignment).where(Assignment.member_id == member.id)).first()
    assert assignment is not None
    employment = Employment(
        member_id=member.id,
        assignment_id=assignment.id,
        start=assignment.period_start,
        end=assignment.period_end,
        title=assignment.title,
        duties="Spela",
        workplace="Scenen",
        extent_quantity=Decimal("2"),
        extent_unit=assignment.extent_unit,
        pay_form="Lön per uppdrag",
        certificate_html=f"<p>{member.full_name}</p>",
        certificate_sha256="1" * 64,
        certificate_pdf=b"%PDF certificate",
    )
    receipt = Receipt(
        filename="kvitto Alva.jpg",
        media_type="image/jpeg",
        size=4,
        sha256="2" * 64,
        content=b"\xff\xd8\xff\xe0",
        uploaded_by_id=payslip.issued_by_id or 1,
    )
    session.add_all([employment, receipt])
    session.flush()
    [expense] = session.scalars(select(Expense).where(Expense.assignment_id == assignment.id))
    expense.receipt_id = receipt.id
    member.tax_settings[0].note = "Jämkning för Alva"
    session.flush()
    return employment, receipt


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
    alva, payslip = _member_on(session, approved_run, 0)
    bertil, _ = _member_on(session, approved_run, 1)
    employment, receipt = _with_documents(session, alva, payslip)
    _remove(session, alva, make_user)
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
    }
    assert audit_service.verify(session, anchor=None).problem is None

    assert purge_after_retention(session, today=date(2034, 6, 1), now=PURGED_AT) == []
    assert len(_purge_events(session)) == 1


def test_a_member_whose_retention_has_not_ended_is_untouched_and_a_later_document_moves_the_day(
    session: Session, approved_run: ApprovedRun, make_user, paid_assignment
) -> None:
    alva, _ = _member_on(session, approved_run, 0)
    cleo, _ = _member_on(session, approved_run, 2)
    _remove(session, alva, make_user)
    _remove(session, cleo, make_user)
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
    alva, payslip = _member_on(session, approved_run, 0)
    _remove(session, alva, make_user)
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
    alva, payslip = _member_on(session, approved_run, 0)
    _with_documents(session, alva, payslip)
    _remove(session, alva, make_user)
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


def test_the_database_still_refuses_ordinary_changes_to_issued_payslips_after_the_purge_exception(
    session: Session, approved_run: ApprovedRun, make_user
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; SQLite relies on the service")
    alva, payslip = _member_on(session, approved_run, 0)
    bertil, _ = _member_on(session, approved_run, 1)
    _with_documents(session, alva, payslip)
    _remove(session, alva, make_user)
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

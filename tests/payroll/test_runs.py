"""payroll.md §5: a run goes draft → approved → paid; payslips are numbered, immutable and complete."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.invoices.models import Invoice, InvoiceStatus
from kooperativet.parameters import service as parameters_service
from kooperativet.parameters.models import ParameterValue
from kooperativet.parties.models import TaxMode
from kooperativet.payroll import service, tax_table_store
from kooperativet.payroll.models import PayOn, PayrollRun, Payslip, PayslipSnapshot, RunStatus
from kooperativet.payroll.service.issue import VALUE_COLUMNS
from tests.payroll.conftest import SYNTHETIC_TABLES, create_and_approve, set_tax

RUNS = "/api/v1/payroll-runs"
NOVEMBER = {"pay_date": "2026-11-25"}


def test_a_run_goes_from_draft_to_approved_to_paid_over_the_api(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()  # born 1990: full contributions, flat 30 %
    assignment = paid_assignment(alva.member, "20000.00", expenses="789.00")

    draft = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers)
    assert draft.status_code == 201, draft.text
    run = draft.json()
    assert (run["status"], run["pay_date"], run["pay_on"]) == ("draft", "2026-11-25", "payment")
    [preview] = run["payslips"]
    assert preview["id"] is None
    amounts = ("gross_salary", "tax", "expense_reimbursement", "net_pay")
    assert tuple(preview[name] for name in amounts) == (
        "12772.57", "4291.00", "789.00", "10803.28",
    )  # fmt: skip  # worked example A, plus the tax-free expense

    approved = api.post(
        f"{RUNS}/{run['id']}/approve", headers=treasurer.headers | {"Idempotency-Key": "approve-1"}
    )
    assert approved.status_code == 200, approved.text
    [payslip] = approved.json()["payslips"]
    assert approved.json()["status"] == "approved"
    assert payslip["number"] == "L2026-00001"
    [line] = payslip["lines"]
    amounts = ("fee_rate", "fee", "holiday_pay", "employer_contributions", "residue")
    assert tuple(line[name] for name in amounts) == (
        "0.06", "1200.00", "1532.71", "4494.72", "0.00",
    )  # fmt: skip
    assert line["invoice_numbers"]
    assert line["contribution_category"] == "full"
    approval = session.scalars(select(AuditEvent).where(AuditEvent.kind == "payroll_run_approved")).one()
    assert json.loads(approval.payload) | {"approved_by_id": None} == {
        "run_id": run["id"], "pay_date": "2026-11-25", "payslips": ["L2026-00001"],
        "gross_salary": "12772.57", "tax": "4291.00", "employer_contributions": "4494.72",
        "net_pay": "10803.28", "approved_by_id": None,
    }  # fmt: skip
    session.expire_all()
    assert session.get(Assignment, assignment.id).status == AssignmentStatus.salaried

    paid = api.post(f"{RUNS}/{run['id']}/mark-paid", headers=treasurer.headers)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    assert paid.json()["paid_on"] is not None
    # Saying the salaries left the bank is audited as the approval is: which run, on what day, by whom.
    marked = session.scalars(select(AuditEvent).where(AuditEvent.kind == "payroll_run_paid")).one()
    assert json.loads(marked.payload) == {
        "run_id": run["id"], "pay_date": "2026-11-25", "paid_on": paid.json()["paid_on"],
        "paid_by_id": treasurer.user.id,
    }  # fmt: skip


def test_a_payslip_stores_every_parameter_value_it_used_with_its_source(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    run = service.create_run(
        session, today=date(2026, 11, 20), pay_date=None, pay_on=None, created_by_id=None
    ).run
    assert run.pay_date == date(2026, 11, 25)
    service.approve_run(
        session,
        run_id=run.id,
        approved_by_id=treasurer.user.id,
        now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
    )
    [payslip] = service.run_payslips(session, run_id=run.id)

    read = api.get(f"/api/v1/payslips/{payslip.id}", headers=alva.headers).json()
    used = {item["key"]: item for item in read["parameters"]}
    assert set(used) == {
        "fee_rate", "holiday_pay_rate", "employer_contribution_rules", "sink_rate", "asink_rate",
        "table_surcharge_rate", "employer_contribution_threshold",
    }  # fmt: skip
    stored = parameters_service.value_in_force(
        session, key="employer_contribution_rules", on=date(2026, 11, 25)
    )
    assert used["employer_contribution_rules"]["parameter_id"] == stored.id
    assert used["employer_contribution_rules"]["valid_from"] == "2026-01-01"
    assert "SFS 2026:100" in used["employer_contribution_rules"]["source"]
    assert used["fee_rate"]["value"] == "0.06"
    assert read["tax_setting"]["mode"] == "flat"
    assert (read["year_to_date_gross"], read["year_to_date_taxable"], read["year_to_date_tax"]) == (
        "14305.28", "14305.28", "4291.00",
    )  # fmt: skip


def test_a_youth_members_second_payout_in_a_month_crosses_the_cap_in_order(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    """Case C then the same month again: 9 336.97 of base used, so 15 663.03 is left at 20.81 %."""
    treasurer = make_user(Role.treasurer)
    make_member(), make_member()
    cleo = make_member()  # born 2004-08-30: youth in 2026
    paid_assignment(cleo.member, "12000.00")
    june = create_and_approve(
        session, today=date(2026, 6, 1), pay_date=date(2026, 6, 10), approved_by_id=treasurer.user.id
    )
    paid_assignment(cleo.member, "40000.00")
    later = create_and_approve(
        session, today=date(2026, 6, 11), pay_date=date(2026, 6, 25), approved_by_id=treasurer.user.id
    )

    [first] = service.run_payslips(session, run_id=june.id)
    [second] = service.run_payslips(session, run_id=later.id)
    assert first.employer_contributions == Decimal("1943.02")  # worked example C
    [line] = second.lines
    assert line.contribution_category == "youth"
    assert line.contribution_base_month_to_date_before == Decimal("9336.97")
    assert [part["base"] for part in line.contribution_parts] == [
        "15663.03",
        str(line.taxable_pay - Decimal("15663.03")),
    ]
    assert (
        line.invoiced_amount
        == line.fee + line.gross_salary + line.holiday_pay + line.employer_contributions + line.residue
    )
    assert (first.number, second.number) == ("L2026-00001", "L2026-00002")
    assert second.year_to_date_taxable == first.taxable_pay + second.taxable_pay


def test_several_payouts_to_one_member_become_one_payslip_with_a_line_each(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    make_member(), make_member()
    cleo = make_member()
    paid_assignment(cleo.member, "12000.00")
    paid_assignment(cleo.member, "30000.00")
    run = create_and_approve(
        session, today=date(2026, 6, 1), pay_date=date(2026, 6, 25), approved_by_id=treasurer.user.id
    )
    [payslip] = service.run_payslips(session, run_id=run.id)
    first, second = payslip.lines
    assert second.contribution_base_month_to_date_before == first.taxable_pay
    assert payslip.net_pay == first.net_pay + second.net_pay


def test_table_mode_uses_the_imported_table_and_month_to_date_pay(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    set_tax(
        session, alva.member, valid_from=date(2026, 1, 1), mode=TaxMode.table, table_number=33, table_column=1
    )
    record = tax_table_store.import_tax_tables(
        session, content=SYNTHETIC_TABLES.read_bytes(), filename=SYNTHETIC_TABLES.name, year=2026
    )
    paid_assignment(alva.member, "20000.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )
    [payslip] = service.run_payslips(session, run_id=run.id)
    assert payslip.tax == Decimal("3000.00")  # 14 305.28 kr falls in the 10 001–20 000 bracket
    assert payslip.snapshot["tax_table"] == {"import_id": record.id, "sha256": record.sha256}
    assert payslip.lines[0].tax_percent is None


def test_table_mode_without_the_table_is_a_422_naming_table_and_year_and_stores_nothing(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    set_tax(
        session, alva.member, valid_from=date(2026, 1, 1), mode=TaxMode.table, table_number=32, table_column=1
    )
    paid_assignment(alva.member, "20000.00")
    response = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "missing_tax_table"
    assert "tax table 32 for 2026" in response.json()["detail"]
    assert session.scalar(select(func.count(PayrollRun.id))) == 0


def test_a_run_with_nothing_ready_is_a_409_saying_so(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(
        alva.member, "5000.00", status=AssignmentStatus.invoiced, invoice_status=InvoiceStatus.open
    )
    response = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers)
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_ready"
    assert "no payout is ready" in response.json()["detail"]
    on_invoice = api.post(RUNS, json=NOVEMBER | {"pay_on": "invoice"}, headers=treasurer.headers)
    assert on_invoice.status_code == 201, on_invoice.text
    assert on_invoice.json()["payslips"][0]["invoiced_amount"] == "5000.00"


def test_on_invoice_the_salary_is_advanced_and_the_clients_payment_closes_the_assignment(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    assignment = paid_assignment(
        alva.member, "5000.00", status=AssignmentStatus.invoiced, invoice_status=InvoiceStatus.open
    )
    run = api.post(RUNS, json=NOVEMBER | {"pay_on": "invoice"}, headers=treasurer.headers).json()
    approved = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.salaried
    invoice = session.scalars(select(Invoice).where(Invoice.assignment_id == assignment.id)).one()
    paid = api.post(
        "/api/v1/payments",
        json={"invoice_id": invoice.id, "amount": "5000.00", "paid_on": "2026-11-26"},
        headers=treasurer.headers,
    )
    assert paid.status_code == 201, paid.text
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.closed


def test_an_assignment_in_a_run_is_not_collected_again(
    session: Session, payroll_ready, make_member, paid_assignment
) -> None:
    alva = make_member()
    paid_assignment(alva.member, "5000.00")
    service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    )
    with pytest.raises(Conflict, match="no payout is ready"):
        service.create_run(
            session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
        )


def test_approving_twice_is_a_409_and_changes_nothing(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    assert api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers).status_code == 200
    again = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "run_locked"
    assert session.scalar(select(func.count(Payslip.id))) == 1


def test_a_replayed_approval_with_the_same_key_returns_the_first_response(
    api: TestClient, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    run = api.post(
        RUNS, json=NOVEMBER, headers=treasurer.headers | {"Idempotency-Key": "create-run-1"}
    ).json()
    replay = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers | {"Idempotency-Key": "create-run-1"})
    assert replay.json()["id"] == run["id"]
    headers = treasurer.headers | {"Idempotency-Key": "approve-run-1"}
    first = api.post(f"{RUNS}/{run['id']}/approve", headers=headers)
    second = api.post(f"{RUNS}/{run['id']}/approve", headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()


def test_a_member_without_a_valid_bank_account_stops_the_approval_by_name(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    alva.member.bank_clearing_number = alva.member.bank_account_number = None
    session.flush()
    paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    refused = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "member_without_bank_account"
    assert alva.member.full_name in refused.json()["detail"]
    assert api.get(f"{RUNS}/{run['id']}", headers=treasurer.headers).json()["status"] == "draft"
    assert session.scalar(select(func.count(Payslip.id))) == 0


def test_a_member_whose_only_account_awaits_confirmation_stops_the_approval_and_is_told_why(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    alva.member.bank_clearing_number = alva.member.bank_account_number = None
    alva.member.pending_clearing_number, alva.member.pending_account_number = "5000", "1234560"
    session.flush()
    paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    refused = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert refused.json()["code"] == "member_without_bank_account"
    assert "awaits confirmation" in refused.json()["detail"]


def test_a_locked_run_and_its_payslips_cannot_be_changed_by_any_endpoint(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer, admin = make_user(Role.treasurer), make_user(Role.admin)
    alva = make_member()
    assignment = paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    approved = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers).json()
    payslip_id = approved["payslips"][0]["id"]
    before = api.get(f"/api/v1/payslips/{payslip_id}", headers=admin.headers).json()
    correction = {
        "payslip_id": payslip_id,
        "assignment_id": assignment.id,
        "invoiced_amount": "100.00",
        "reason": "x",
    }
    for method, path, body in [
        ("POST", f"{RUNS}/{run['id']}/approve", None),
        ("POST", f"{RUNS}/{run['id']}/corrections", correction),
        ("DELETE", f"{RUNS}/{run['id']}", None),
    ]:
        for actor in (treasurer, admin):
            response = api.request(method, path, json=body, headers=actor.headers)
            assert response.status_code == 409, (method, path, response.text)
    assert api.post(f"{RUNS}/{run['id']}/mark-paid", headers=treasurer.headers).status_code == 200
    assert api.post(f"{RUNS}/{run['id']}/mark-paid", headers=treasurer.headers).status_code == 409
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.request(method, f"/api/v1/payslips/{payslip_id}", headers=admin.headers).status_code == 405
    after = api.get(f"/api/v1/payslips/{payslip_id}", headers=admin.headers).json()
    assert after == before


def test_a_mistake_is_corrected_by_a_payout_in_a_later_run_referring_to_the_original(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    assignment = paid_assignment(alva.member, "20000.00")
    october = create_and_approve(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), approved_by_id=treasurer.user.id
    )
    [original] = service.run_payslips(session, run_id=october.id)
    paid_assignment(make_member().member, "1000.00")
    november = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    body = {
        "payslip_id": original.id,
        "assignment_id": assignment.id,
        "invoiced_amount": "1000.00",
        "reason": "a second invoice of the assignment was left out",
    }
    corrected = api.post(f"{RUNS}/{november['id']}/corrections", json=body, headers=treasurer.headers)
    assert corrected.status_code == 201, corrected.text
    approved = api.post(f"{RUNS}/{november['id']}/approve", headers=treasurer.headers).json()
    alvas = next(p for p in approved["payslips"] if p["member_id"] == alva.member.id)
    [line] = alvas["lines"]
    assert line["corrects_payslip_id"] == original.id
    assert line["correction_reason"] == body["reason"]
    assert line["invoiced_amount"] == "1000.00"
    session.refresh(original)
    assert original.lines[0].invoiced_amount == Decimal("20000.00")


def test_members_read_only_their_own_payslips(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva, bertil = make_member(), make_member()
    paid_assignment(alva.member, "20000.00")
    paid_assignment(bertil.member, "15000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    own = api.get("/api/v1/payslips", headers=alva.headers).json()
    assert [p["member_id"] for p in own["items"]] == [alva.member.id]
    bertils = api.get(f"/api/v1/payslips?member_id={bertil.member.id}", headers=alva.headers).json()
    assert bertils["items"] == []
    other_id = api.get("/api/v1/payslips", headers=bertil.headers).json()["items"][0]["id"]
    assert api.get(f"/api/v1/payslips/{other_id}", headers=alva.headers).status_code == 404
    assert api.get(f"/api/v1/payslips/{other_id}/pdf", headers=alva.headers).status_code == 404
    ytd = api.get(f"/api/v1/members/{bertil.member.id}/payroll-year-to-date?year=2026", headers=alva.headers)
    assert ytd.status_code == 404
    everyone = api.get("/api/v1/payslips", headers=treasurer.headers).json()
    assert everyone["total"] == 2


def test_a_member_reads_their_year_to_date_totals(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    ytd = api.get(
        f"/api/v1/members/{alva.member.id}/payroll-year-to-date?year=2026", headers=alva.headers
    ).json()
    assert ytd == {
        "member_id": alva.member.id, "year": 2026, "gross": "14305.28", "taxable": "14305.28",
        "tax": "4291.00", "payslips": 1,
    }  # fmt: skip


def test_the_default_pay_date_is_the_25th_or_the_bank_day_before(session: Session, payroll_ready) -> None:
    assert service.default_pay_date(session, today=date(2026, 11, 20)) == date(2026, 11, 25)
    assert service.default_pay_date(session, today=date(2026, 11, 26)) == date(2026, 12, 23)  # 24–25 Dec
    assert service.default_pay_date(session, today=date(2026, 10, 1)) == date(2026, 10, 23)  # 25 Oct: Sunday
    assert service.default_pay_date(session, today=date(2026, 4, 1)) == date(2026, 4, 24)  # 25 Apr: Saturday


def test_a_discarded_draft_frees_its_payouts(
    session: Session, payroll_ready, make_member, paid_assignment
) -> None:
    paid_assignment(make_member().member, "5000.00")
    run = service.create_run(
        session,
        today=date(2026, 11, 1),
        pay_date=date(2026, 11, 25),
        pay_on=PayOn.payment,
        created_by_id=None,
    ).run
    service.discard_run(session, run_id=run.id)
    again = service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    ).run
    assert again.status == RunStatus.draft
    assert len(again.payouts) == 1


def test_the_database_refuses_changes_to_issued_payslips_on_postgresql(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; SQLite relies on the service")
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )
    [payslip] = service.run_payslips(session, run_id=run.id)
    service.store_payslip_pdfs(session, pdfs={payslip.id: b"%PDF-1.7 first"})
    for statement in [
        "UPDATE payslips SET net_pay = net_pay + 1",
        "UPDATE payslips SET pdf_sha256 = 'x'",
        "DELETE FROM payslips",
        "UPDATE payslip_lines SET tax = 0",
        "UPDATE payroll_runs SET pay_date = '2026-11-24'",
        "DELETE FROM payroll_run_payouts",
        "UPDATE payslip_snapshots SET snapshot = snapshot",
        "DELETE FROM payslip_snapshots",
    ]:
        with pytest.raises(DBAPIError, match="never"), session.begin_nested():
            session.execute(text(statement))


def test_a_draft_s_snapshots_go_with_it_and_an_issued_payslip_keeps_the_one_reviewed(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    """The snapshot is a row of its own (``PayslipSnapshot``): a recalculation replaces the draft's, a
    discarded run takes its own along, and the approval leaves the reviewed one to the issued payslip."""
    treasurer = make_user(Role.treasurer)
    member = make_member().member
    paid_assignment(member, "20000.00")
    november = {"today": date(2026, 11, 1), "pay_date": date(2026, 11, 25), "pay_on": None}
    run = service.create_run(session, **november, created_by_id=None).run
    service.discard_run(session, run_id=run.id)
    assert session.scalars(select(PayslipSnapshot)).all() == []

    run = service.create_run(session, **november, created_by_id=None).run
    [first] = service.show_run(session, run=run).payslips
    assert first.snapshot["employee"]["street"] != "Nygatan 3"
    member.street = "Nygatan 3"
    session.flush()
    service.recalculate_run(session, run_id=run.id)
    session.expire_all()
    [stored] = session.scalars(select(PayslipSnapshot)).all()  # the first draft's went with it
    assert stored.snapshot["employee"]["street"] == "Nygatan 3"
    [reviewed] = service.show_run(session, run=run).payslips
    assert reviewed.snapshot == stored.snapshot

    approved_at = datetime(2026, 11, 20, tzinfo=UTC)
    service.approve_run(session, run_id=run.id, approved_by_id=treasurer.user.id, now=approved_at)
    session.expire_all()
    [payslip] = service.run_payslips(session, run_id=run.id)
    assert session.scalars(select(PayslipSnapshot.id)).all() == [stored.id]  # kept, not copied
    assert payslip.snapshot == reviewed.snapshot
    assert payslip.snapshot["employee"]["name"] == member.full_name


def test_an_unreadable_contribution_rule_is_a_422_naming_the_parameter(
    session: Session, payroll_ready, make_member, paid_assignment
) -> None:
    # Stored as a row: adding it through the service is refused now (parameters.catalog.check_json_with), but
    # a value stored before that, or by hand, must still stop a run by its name.
    session.add(
        ParameterValue(
            key="employer_contribution_rules",
            valid_from=date(2026, 11, 1),
            value='[{"category": "full"}]',
            source="test",
        )
    )
    session.flush()
    paid_assignment(make_member().member, "5000.00")
    with pytest.raises(
        RuleViolation, match="employer_contribution_rules valid from 2026-11-01, rule 1: rate is missing"
    ):
        service.create_run(
            session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
        )


def test_a_payslip_added_through_the_orm_stores_the_snapshot_set_on_it(session: Session, make_member) -> None:
    """The services write snapshots in bulk; a payslip added as an object keeps the one set on it too, once
    per run and member, and a different one for the same payslip is refused rather than dropped."""
    member = make_member().member
    run = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.payment, status=RunStatus.draft)
    session.add(run)
    session.flush()
    money = {name: Decimal("0.00") for name in VALUE_COLUMNS if name not in _NOT_MONEY}
    common = {"run_id": run.id, "member_id": member.id, "year": 2026, "pay_date": date(2026, 11, 25)}
    first = Payslip(
        **common, sequence=1, number="L2026-09001", language="sv", **money, snapshot={"lines": [1]}
    )
    session.add(first)
    session.flush()
    session.expire_all()
    assert session.get(Payslip, first.id).snapshot == {"lines": [1]}  # read back from payslip_snapshots
    again = Payslip(
        **common, sequence=2, number="L2026-09002", language="sv", **money, snapshot={"lines": [1]}
    )
    session.add(again)
    session.flush()  # the same snapshot: kept, not stored twice
    assert session.scalar(select(func.count()).select_from(PayslipSnapshot)) == 1
    other = Payslip(
        **common, sequence=3, number="L2026-09003", language="sv", **money, snapshot={"lines": [2]}
    )
    session.add(other)
    with pytest.raises(ValueError, match="another snapshot"):
        session.flush()


_NOT_MONEY = {
    "language", "employee_name", "employee_personal_identity_number", "bank_clearing_number",
    "bank_account_number", "bank_iban",
}  # fmt: skip


def test_a_runs_payslips_are_read_a_page_at_a_time_with_the_unpayable_first_and_the_whole_in_order(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer, approver = make_user(Role.treasurer), make_user(Role.admin)
    members = [make_member() for _ in range(5)]
    for member in members:
        paid_assignment(member.member, "10000.00")
    unpayable = members[2].member
    unpayable.bank_clearing_number = unpayable.bank_account_number = None
    session.flush()
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    pages = f"{RUNS}/{run['id']}/payslips"

    first = api.get(pages, params={"limit": 2}, headers=treasurer.headers)
    assert first.status_code == 200, first.text
    assert (first.json()["total"], first.json()["limit"], first.json()["offset"]) == (5, 2, 0)
    # the member who cannot be paid stops the approval: she comes first, then the others by member
    others = sorted(m.member.id for m in members if m.member is not unpayable)
    drafted = [p["member_id"] for p in first.json()["items"]]
    rest = api.get(pages, params={"limit": 2, "offset": 2}, headers=treasurer.headers).json()["items"]
    last = api.get(pages, params={"limit": 2, "offset": 4}, headers=treasurer.headers).json()["items"]
    drafted += [p["member_id"] for p in rest + last]
    assert drafted == [unpayable.id, *others]
    whole = {
        p["member_id"]: p
        for p in api.get(f"{RUNS}/{run['id']}", headers=treasurer.headers).json()["payslips"]
    }
    assert all(p == whole[p["member_id"]] for p in first.json()["items"] + rest + last)
    assert api.get(pages, params={"limit": 101}, headers=treasurer.headers).status_code == 422

    # issued: in number order, the same as the whole run shows them
    unpayable.bank_clearing_number, unpayable.bank_account_number = "6000", "123456789"
    session.flush()
    api.post(f"{RUNS}/{run['id']}/recalculate", headers=treasurer.headers)
    approved = api.post(
        f"{RUNS}/{run['id']}/approve", headers=approver.headers | {"Idempotency-Key": "approve-pages"}
    )
    assert approved.status_code == 200, approved.text
    numbers = [p["number"] for p in approved.json()["payslips"]]
    paged = api.get(pages, params={"limit": 3, "offset": 1}, headers=treasurer.headers).json()
    assert paged["total"] == 5
    assert [p["number"] for p in paged["items"]] == sorted(numbers)[1:4]
    assert paged["items"][0]["gross_salary"] == approved.json()["payslips"][1]["gross_salary"]

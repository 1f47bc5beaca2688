"""Payroll runs at their edges, over the API: what a draft is calculated from changing, corrections that
would take pay back, idempotency, the order of the steps, an assignment invoiced in part, two runs made at
once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role, User
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Cooperative, TaxMode
from kooperativet.payroll import service, tax_table_store
from kooperativet.payroll.models import PayOn, PayrollRun, Payslip, RunPayout, RunStatus
from tests.assignments.factories import approve, assignment_body, register, submit
from tests.concurrency import at_once
from tests.conftest import TEST_AUDIT_KEY
from tests.invoices.conftest import municipality, on_day, seller
from tests.payroll.conftest import SYNTHETIC_TABLES, create_and_approve
from tests.payroll.population import MemberPlan, build_population

__all__ = ["municipality", "on_day", "seller"]

RUNS = "/api/v1/payroll-runs"
NOVEMBER = {"pay_date": "2026-11-25"}


def _approved_october(session: Session, make_user, make_member, paid_assignment):
    """Alva's October payslip (20 000.00 invoiced), approved by a treasurer; November has Bo ready."""
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    assignment = paid_assignment(alva.member, "20000.00")
    october = create_and_approve(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), approved_by_id=treasurer.user.id
    )
    [original] = service.run_payslips(session, run_id=october.id)
    paid_assignment(make_member().member, "1000.00")
    return treasurer, alva, assignment, original


def test_a_negative_correction_is_refused_as_a_422_not_a_server_error(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    """CorrectionCreate takes any Money, negative included; the calculation refuses a negative N. A
    correction that takes pay back must be refused with a problem naming the field, not a 500."""
    treasurer, _alva, assignment, original = _approved_october(
        session, make_user, make_member, paid_assignment
    )
    november = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    before = session.scalar(select(func.count(RunPayout.id)).where(RunPayout.run_id == november["id"]))
    for amounts in (
        {"invoiced_amount": "-1000.00"},
        {"invoiced_amount": "0.00", "expense_reimbursement": "-50.00"},
    ):
        body = {
            "payslip_id": original.id,
            "assignment_id": assignment.id,
            "reason": "paid too much",
        } | amounts
        response = api.post(f"{RUNS}/{november['id']}/corrections", json=body, headers=treasurer.headers)
        assert response.status_code == 422, (amounts, response.status_code, response.text)
        assert response.json()["field"] in ("invoiced_amount", "expense_reimbursement")
    session.expire_all()
    after = session.scalar(select(func.count(RunPayout.id)).where(RunPayout.run_id == november["id"]))
    assert after == before


def test_a_correction_of_nothing_or_of_a_commission_not_on_the_payslip_is_refused_by_its_code(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer, _alva, assignment, original = _approved_october(
        session, make_user, make_member, paid_assignment
    )
    november = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    other = paid_assignment(make_member().member, "500.00")
    for amounts, code, field in (
        (
            {"assignment_id": assignment.id, "invoiced_amount": "0.00"},
            "correction_without_amount",
            "invoiced_amount",
        ),
        (
            {"assignment_id": other.id, "invoiced_amount": "100.00"},
            "payslip_without_assignment",
            "assignment_id",
        ),
    ):
        body = {"payslip_id": original.id, "reason": "missing"} | amounts
        response = api.post(f"{RUNS}/{november['id']}/corrections", json=body, headers=treasurer.headers)
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, code, field)


def test_a_tax_table_imported_after_the_draft_stops_the_approval_until_recalculated(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    tax_table_store.import_tax_tables(
        session, content=SYNTHETIC_TABLES.read_bytes(), filename=SYNTHETIC_TABLES.name, year=2026
    )
    session.commit()
    shown = api.get(f"{RUNS}/{run['id']}", headers=treasurer.headers).json()
    assert shown["changed_since_calculation"] == ["tax_tables"]
    refused = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert (refused.status_code, refused.json()["code"], refused.json()["changed"]) == (
        409, "draft_changed", ["tax_tables"],
    )  # fmt: skip
    assert api.post(f"{RUNS}/{run['id']}/recalculate", headers=treasurer.headers).status_code == 200
    approved = api.post(f"{RUNS}/{run['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["payslips"][0]["net_pay"] == "10014.28"  # flat 30 %: the table is not hers


def test_an_idempotency_key_replayed_with_another_body_creates_no_second_run(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    headers = treasurer.headers | {"Idempotency-Key": "run-key-0001"}
    first = api.post(RUNS, json=NOVEMBER, headers=headers)
    assert first.status_code == 201, first.text
    other = api.post(RUNS, json={"pay_date": "2026-12-23"}, headers=headers)
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert session.scalar(select(func.count(PayrollRun.id))) == 1


def test_a_draft_cannot_be_marked_paid_and_a_discarded_one_is_gone_and_made_again(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    early = api.post(f"{RUNS}/{run['id']}/mark-paid", headers=treasurer.headers)
    assert (early.status_code, early.json()["code"]) == (409, "run_not_approved")
    assert api.delete(f"{RUNS}/{run['id']}", headers=treasurer.headers).status_code == 204
    for method, path in (("GET", ""), ("POST", "/approve"), ("POST", "/recalculate"), ("DELETE", "")):
        gone = api.request(method, f"{RUNS}/{run['id']}{path}", headers=treasurer.headers)
        assert gone.status_code == 404, (method, path, gone.text)
    again = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers)
    assert again.status_code == 201, again.text
    approved = api.post(f"{RUNS}/{again.json()['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["payslips"][0]["number"] == "L2026-00001"  # the discarded draft used no number
    assert session.scalar(select(func.count(Payslip.id))) == 1


def test_on_invoice_an_assignment_invoiced_in_part_waits_for_the_rest_and_is_paid_whole(
    api: TestClient, session: Session, seller, municipality, make_member, make_user, on_day
) -> None:
    """pay_on=invoice advances salary once the assignment is invoiced. One invoiced in part (README: "an
    approved commission is invoiced whole or part of each line") is not ready yet: were it salaried with its
    first invoice, the rest of the work could never be invoiced or paid. Once the rest is invoiced, one run
    pays all of it."""
    member = make_member()
    treasurer = make_user(Role.treasurer)
    on_day(date(2026, 11, 2))
    created = register(api, member.headers, assignment_body(municipality.id, expenses=[]))
    approved = approve(api, treasurer.headers, submit(api, member.headers, created))
    [line] = approved["lines"]
    invoices = "/api/v1/invoices"
    part = {"assignment_id": created["id"], "parts": [{"assignment_line_id": line["id"], "quantity": "2"}]}
    first = api.post(invoices, json=part, headers=treasurer.headers)
    assert first.status_code == 201, first.text
    early = api.post(RUNS, json=NOVEMBER | {"pay_on": "invoice"}, headers=treasurer.headers)
    assert (early.status_code, early.json()["code"]) == (409, "nothing_ready"), early.text

    rest = api.post(invoices, json={"assignment_id": created["id"]}, headers=treasurer.headers)
    assert rest.status_code == 201, rest.text
    assert rest.json()["net_total"] == "9000.00"
    run = api.post(RUNS, json=NOVEMBER | {"pay_on": "invoice"}, headers=treasurer.headers)
    assert run.status_code == 201, run.text
    [payslip] = run.json()["payslips"]
    assert Decimal(payslip["invoiced_amount"]) == Decimal("15000.00")
    assert [line["invoice_numbers"] for line in payslip["lines"]] == [
        [first.json()["number"], rest.json()["number"]]
    ]
    assert api.post(f"{RUNS}/{run.json()['id']}/approve", headers=treasurer.headers).status_code == 200
    assignment = session.get_one(Assignment, created["id"])
    session.refresh(assignment)
    assert assignment.status == AssignmentStatus.salaried


def _seed_paid_assignments(factory: sessionmaker[Session], count: int) -> list[int]:
    """Committed: the parameters, a cooperative, ``count`` members each with an assignment paid in full."""
    with transaction(factory) as session:
        parameters_service.seed_defaults(session)
        session.add(Cooperative(name="Testkooperativet", organisation_number="769600-1234", country="SE"))
        issuer = User(email="issuer@example.se", full_name="Issuer", password_hash="x", is_active=True)
        session.add(issuer)
        session.flush()
        plan = MemberPlan(tax=TaxMode.flat, birth_date=date(1990, 5, 14), amounts=(Decimal("20000.00"),))
        members = build_population(session, plans=[plan] * count, issuer=issuer)
        return list(
            session.scalars(
                select(Assignment.id)
                .where(Assignment.member_id.in_([member.id for member in members]))
                .order_by(Assignment.id)
            )
        )


def test_two_runs_made_at_once_never_both_collect_the_same_assignment(committed_url: str) -> None:
    """Two treasurers press "create run" at the same moment. Each ready assignment must end up in one run
    only: otherwise both drafts pay it, and each can be approved (after a recalculation), paying twice.
    A read of the ready assignments alone does not guard this: PostgreSQL's READ COMMITTED does not
    serialise it. Creating a run takes turns, and a unique index on the payouts' assignment backs it."""
    engine = make_engine(
        committed_url, **({"pool_size": 4} if committed_url.startswith("postgresql") else {})
    )
    try:
        factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
        assignment_ids = _seed_paid_assignments(factory, 3)

        def treasurer() -> str:
            with transaction(factory) as session:
                service.create_run(
                    session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None,
                    created_by_id=None,
                )  # fmt: skip
            return "created"

        outcomes = at_once(treasurer, treasurer)
        with transaction(factory) as session:
            collected = session.execute(
                select(RunPayout.assignment_id, func.count(RunPayout.id))
                .where(RunPayout.corrects_payslip_id.is_(None))
                .group_by(RunPayout.assignment_id)
            ).all()
        # The second waits for the first (``db.take_turns``) and then finds nothing left to collect. Were it
        # not made to wait, the payouts' unique index would still refuse its copy (an IntegrityError, which
        # the API answers as 409 ``concurrent_change``): the outcome names which of the two guards held.
        assert sorted(outcomes) == ["created", "nothing_ready"], outcomes
        assert sorted(collected) == [(assignment_id, 1) for assignment_id in assignment_ids], outcomes
    finally:
        engine.dispose()


def test_a_refused_approval_leaves_its_idempotency_key_free_for_the_retry(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    """The approval is refused (409 draft_changed); the treasurer recalculates and presses approve again, and
    her client sends the same Idempotency-Key: nothing was stored by the refusal, so the approval runs."""
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers).json()
    alva.member.city = "Malmö"
    session.commit()
    headers = treasurer.headers | {"Idempotency-Key": "approve-after-change"}
    refused = api.post(f"{RUNS}/{run['id']}/approve", headers=headers)
    assert (refused.status_code, refused.json()["changed"]) == (409, ["members"])
    assert api.post(f"{RUNS}/{run['id']}/recalculate", headers=treasurer.headers).status_code == 200
    approved = api.post(f"{RUNS}/{run['id']}/approve", headers=headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_a_pay_date_before_any_parameter_is_a_problem_not_a_server_error(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    response = api.post(RUNS, json={"pay_date": "2001-01-25"}, headers=treasurer.headers)
    assert (response.status_code, response.json()["code"]) == (422, "missing_parameter"), response.text
    assert session.scalar(select(func.count(PayrollRun.id))) == 0


def test_the_database_lets_an_assignment_into_one_run_only_and_its_corrections_into_others(
    session: Session, payroll_ready, make_member, make_user, paid_assignment
) -> None:
    """Beneath the lock, the unique index on the payouts that are not corrections: a second run's payout of
    the same assignment is refused by the database itself; a correction referring to it is not."""
    assignment = paid_assignment(make_member().member, "20000.00")
    approver = make_user(Role.treasurer).user.id
    first = create_and_approve(
        session, today=date(2026, 10, 1), pay_date=date(2026, 10, 23), approved_by_id=approver
    )
    [original] = service.run_payslips(session, run_id=first.id)
    second = PayrollRun(pay_date=date(2026, 11, 25), pay_on=PayOn.payment, status=RunStatus.draft)
    session.add(second)
    session.flush()

    def payout(position: int, **correction: object) -> RunPayout:
        return RunPayout(
            run_id=second.id, position=position, member_id=assignment.member_id, assignment_id=assignment.id,
            client_name="Malmö stad", invoice_numbers=[], invoiced_amount=Decimal("100.00"),
            expense_reimbursement=Decimal("0.00"), **correction,
        )  # fmt: skip

    with session.begin_nested():
        session.add(payout(1))
        with pytest.raises(IntegrityError):
            session.flush()
    session.add(payout(2, corrects_payslip_id=original.id, correction_reason="left out"))
    session.flush()
    assert session.scalar(select(func.count(RunPayout.id)).where(RunPayout.run_id == second.id)) == 1


def test_a_member_with_the_longest_names_is_paid_and_named_as_she_is(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    """First and last names of 100 characters each, every one of them two or four bytes in UTF-8: the
    payslip's encrypted name column holds them (it held 255 characters, and PostgreSQL refused the run)."""
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    alva.member.first_name, alva.member.last_name = "Åsa" + "ö" * 96 + "🎻", "Ödegård" + "ä" * 92 + "🎺"
    paid_assignment(alva.member, "20000.00")
    session.commit()
    run = api.post(RUNS, json=NOVEMBER, headers=treasurer.headers)
    assert run.status_code == 201, run.text
    approved = api.post(f"{RUNS}/{run.json()['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    [payslip] = approved.json()["payslips"]
    assert payslip["member_name"] == alva.member.full_name
    assert len(payslip["member_name"]) == 201

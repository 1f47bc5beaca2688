"""Issue 14: approval issues the draft the treasurer reviewed, unchanged and numbered, or says what changed.

A run's draft is calculated and stored when the run is made; the approval copies it into issued payslips
without calculating again, and refuses (409 ``draft_changed``, naming the part) when anything the draft was
calculated from has changed since. Recalculating stores a new draft and approval then goes through.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.db import zero_padded
from kooperativet.errors import Conflict
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Cooperative, Member, TaxMode
from kooperativet.payroll import service
from kooperativet.payroll.documents import render_payslip_pdf
from kooperativet.payroll.models import DraftPayslip, DraftPayslipLine, PayrollRun, RunPayout, RunStatus
from kooperativet.payroll.service.issue import LINE_COLUMNS, VALUE_COLUMNS
from tests.payroll.conftest import (
    APPROVED_AT,
    create_and_approve,
    credit_note,
    invoice_of,
    later_invoice,
    set_tax,
)

RUNS = "/api/v1/payroll-runs"
NOVEMBER = date(2026, 11, 25)
#: A credit note issued after the draft of the November run was made, before its pay date.
CREDITED_ON = date(2026, 11, 10)


def _draft_run(session: Session) -> PayrollRun:
    return service.create_run(
        session, today=date(2026, 11, 1), pay_date=NOVEMBER, pay_on=None, created_by_id=None
    ).run


def test_approval_issues_the_stored_draft_value_for_value(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer).user
    alva, bo = make_member().member, make_member().member
    paid_assignment(alva, "20000.00")
    paid_assignment(alva, "3000.00", expenses="450.00")
    paid_assignment(bo, "12500.00")
    run = _draft_run(session)
    drafts = service.show_run(session, run=run).payslips
    assert [draft.member_id for draft in drafts] == [alva.id, bo.id]
    reviewed = [
        (
            {name: getattr(draft, name) for name in VALUE_COLUMNS},
            [{name: getattr(line, name) for name in LINE_COLUMNS} for line in draft.lines],
        )
        for draft in drafts
    ]
    assert len(reviewed[0][1]) == 2  # Alva's two payouts on one payslip

    service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    session.expire_all()

    issued = service.run_payslips(session, run_id=run.id)
    assert [
        (
            {name: getattr(payslip, name) for name in VALUE_COLUMNS},
            [{name: getattr(line, name) for name in LINE_COLUMNS} for line in payslip.lines],
        )
        for payslip in issued
    ] == reviewed
    assert [payslip.number for payslip in issued] == ["L2026-00001", "L2026-00002"]
    # whom each was issued to, in columns of their own as in the snapshot (the month's files read these)
    assert [(p.employee_name, p.employee_personal_identity_number) for p in issued] == [
        (member.full_name, member.personal_identity_number) for member in (alva, bo)
    ]
    assert [p.snapshot["employee"]["name"] for p in issued] == [alva.full_name, bo.full_name]
    assert [payslip.issued_by_id for payslip in issued] == [treasurer.id, treasurer.id]
    assert {payslip.issued_at for payslip in issued} == {APPROVED_AT}
    # the draft is gone once issued
    assert session.scalars(select(DraftPayslip).where(DraftPayslip.run_id == run.id)).all() == []
    assert session.scalars(select(DraftPayslipLine)).all() == []


def _change_tax_setting(session: Session, member: Member, _treasurer: int) -> None:
    set_tax(session, member, valid_from=date(2026, 11, 1), mode=TaxMode.flat, percent=Decimal("34"))


def _move_member(session: Session, member: Member, _treasurer: int) -> None:
    member.street = "Nygatan 3"
    session.flush()


def _raise_the_fee(session: Session, _member: Member, _treasurer: int) -> None:
    parameters_service.add_value(
        session,
        key="fee_rate",
        valid_from=date(2026, 11, 1),
        value="0.07",
        source="Stämman 2026-10-30",
    )


def _rename_the_cooperative(session: Session, _member: Member, _treasurer: int) -> None:
    cooperative = session.scalars(select(Cooperative)).one()
    cooperative.name = "Interim kultur ek. för."
    session.flush()


@pytest.mark.parametrize(
    ("change", "part"),
    [
        (_change_tax_setting, "tax_settings"),
        (_move_member, "members"),
        (_raise_the_fee, "parameters"),
        (_rename_the_cooperative, "cooperative"),
    ],
)
def test_a_change_since_calculation_stops_the_approval_until_the_run_is_recalculated(
    session: Session,
    payroll_ready,
    make_user,
    make_member,
    paid_assignment,
    change: Callable[[Session, Member, int], None],
    part: str,
) -> None:
    treasurer = make_user(Role.treasurer).user
    alva = make_member().member
    paid_assignment(alva, "20000.00")
    run = _draft_run(session)
    assert service.show_run(session, run=run).changed_since_calculation == []

    change(session, alva, treasurer.id)

    assert service.show_run(session, run=run).changed_since_calculation == [part]
    with pytest.raises(Conflict) as refused:
        service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert refused.value.code == "draft_changed"
    assert refused.value.extra["changed"] == [part]
    assert session.get_one(PayrollRun, run.id).status == RunStatus.draft

    recalculated = service.recalculate_run(session, run_id=run.id)
    assert service.show_run(session, run=recalculated.run).changed_since_calculation == []
    approved = service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert approved.status == RunStatus.approved


def test_another_run_approved_for_the_same_member_changes_the_draft(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    """Another run paying the same member in the same month moves her month-to-date tax and youth cap: the
    first draft's figures are stale, and the approval says so."""
    treasurer = make_user(Role.treasurer).user
    alva = make_member().member
    paid_assignment(alva, "20000.00")
    stale = _draft_run(session)
    paid_assignment(alva, "5000.00")  # ready after the draft was made: a run of its own takes it
    other = service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 20), pay_on=None, created_by_id=None
    ).run
    service.approve_run(session, run_id=other.id, approved_by_id=treasurer.id, now=APPROVED_AT)

    with pytest.raises(Conflict) as refused:
        service.approve_run(session, run_id=stale.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert refused.value.extra["changed"] == ["issued_payslips"]


def test_the_api_names_the_change_and_recalculates(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member().member
    paid_assignment(alva, "20000.00")
    created = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["changed_since_calculation"] == []
    assert body["calculated_at"] is not None
    set_tax(session, alva, valid_from=date(2026, 11, 1), mode=TaxMode.flat, percent=Decimal("34"))
    session.commit()

    shown = api.get(f"{RUNS}/{body['id']}", headers=treasurer.headers).json()
    assert shown["changed_since_calculation"] == ["tax_settings"]
    assert shown["payslips"][0]["tax"] == body["payslips"][0]["tax"]  # still the reviewed draft

    refused = api.post(f"{RUNS}/{body['id']}/approve", headers=treasurer.headers)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "draft_changed"
    assert problem["changed"] == ["tax_settings"]
    assert "a member's tax setting" in problem["detail"]

    recalculated = api.post(f"{RUNS}/{body['id']}/recalculate", headers=treasurer.headers)
    assert recalculated.status_code == 200, recalculated.text
    fresh = recalculated.json()
    assert fresh["changed_since_calculation"] == []
    assert fresh["payslips"][0]["tax"] != body["payslips"][0]["tax"]  # 34 % flat now, not the table
    approved = api.post(f"{RUNS}/{body['id']}/approve", headers=treasurer.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["payslips"][0]["tax"] == fresh["payslips"][0]["tax"]


def test_the_api_counts_the_payouts_ready_since_the_draft_was_made(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva, bo = make_member().member, make_member().member
    paid_assignment(alva, "20000.00")
    created = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers)
    assert created.status_code == 201, created.text
    run_id = created.json()["id"]
    assert created.json()["ready_since_created"] == 0
    paid_assignment(bo, "8000.00")  # paid after the draft was made
    late = paid_assignment(bo, "500.00", issue_date=date(2026, 11, 30))  # issued after the pay date
    session.commit()

    shown = api.get(f"{RUNS}/{run_id}", headers=treasurer.headers).json()
    assert shown["ready_since_created"] == 1
    assert [payslip["member_id"] for payslip in shown["payslips"]] == [alva.id]
    recalculated = api.post(f"{RUNS}/{run_id}/recalculate", headers=treasurer.headers).json()
    assert (recalculated["ready_since_created"], len(recalculated["payslips"])) == (1, 1)
    approved = api.post(f"{RUNS}/{run_id}/approve", headers=treasurer.headers).json()
    assert approved["ready_since_created"] is None
    assert api.get(f"{RUNS}/{run_id}", headers=treasurer.headers).json()["ready_since_created"] is None
    following = api.post(RUNS, json={"pay_date": "2026-12-23"}, headers=treasurer.headers).json()
    assert [payslip["member_id"] for payslip in following["payslips"]] == [bo.id]
    assert (
        session.scalar(select(RunPayout.run_id).where(RunPayout.assignment_id == late.id)) == following["id"]
    )


@pytest.mark.parametrize(
    ("sequence", "number"), [(7, "L2026-00007"), (99_999, "L2026-99999"), (123_456, "L2026-123456")]
)
def test_payslip_numbers_made_in_sql_are_those_made_in_python(
    session: Session, sequence: int, number: str
) -> None:
    made: Any = session.scalar(select(literal("L2026-") + zero_padded(literal(sequence), 5)))
    assert made == number == service.payslip_number(2026, sequence)


def test_create_and_approve_helper_still_issues(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer).user
    paid_assignment(make_member().member, "1000.00")
    run = create_and_approve(session, today=date(2026, 11, 1), pay_date=NOVEMBER, approved_by_id=treasurer.id)
    assert [p.number for p in service.run_payslips(session, run_id=run.id)] == ["L2026-00001"]


@pytest.mark.parametrize("issued_on", [CREDITED_ON, date(2026, 11, 27)], ids=["before", "after_pay_date"])
def test_a_credit_note_issued_after_the_draft_lowers_what_the_run_pays(
    session: Session, payroll_ready, make_user, make_member, paid_assignment, issued_on: date
) -> None:
    """A run's payouts are collected when it is made. A credit note issued before the approval lowers what
    the client owes: the approval refuses the draft naming the invoices, and the recalculated run pays N
    less the credit, as a run made after the credit note would. So does one dated after the pay date (a run
    approved late): it takes back what its invoice, issued before, brought in."""
    treasurer = make_user(Role.treasurer).user
    alva, bo = make_member().member, make_member().member
    credited = paid_assignment(alva, "20000.00")
    paid_assignment(alva, "3000.00")
    paid_assignment(bo, "12500.00")
    run = _draft_run(session)
    reviewed = {p.member_id: p for p in service.show_run(session, run=run).payslips}

    note = credit_note(session, invoice_of(session, credited), Decimal("5000.00"), issued_on=issued_on)

    assert service.show_run(session, run=run).changed_since_calculation == ["invoices"]
    with pytest.raises(Conflict) as refused:
        service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert refused.value.extra["changed"] == ["invoices"]

    service.recalculate_run(session, run_id=run.id)
    session.expire_all()
    payouts = session.scalars(
        select(RunPayout).where(RunPayout.run_id == run.id).order_by(RunPayout.position)
    ).all()
    assert [(p.assignment_id, p.invoiced_amount) for p in payouts if p.assignment_id == credited.id] == [
        (credited.id, Decimal("15000.00"))
    ]
    assert next(p for p in payouts if p.assignment_id == credited.id).invoice_numbers[-1] == note.number
    fresh = {p.member_id: p for p in service.show_run(session, run=run).payslips}
    assert fresh[bo.id].gross_salary == reviewed[bo.id].gross_salary  # Bo's pay is untouched
    assert fresh[alva.id].gross_salary < reviewed[alva.id].gross_salary

    # The approval issues the recalculated draft: the credited payout as it stands now.
    approved = service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert approved.status == RunStatus.approved
    issued = {p.member_id: p for p in service.run_payslips(session, run_id=run.id)}
    assert issued[alva.id].gross_salary == fresh[alva.id].gross_salary
    lines = {line.assignment_id: line.invoiced_amount for line in issued[alva.id].lines}
    assert lines[credited.id] == Decimal("15000.00")
    # Her payslip names the credit note as one, so she sees why 15 000 of an invoice of 20 000 was paid.
    payslip = issued[alva.id]
    text = " ".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(render_payslip_pdf(number=payslip.number, snapshot=payslip.snapshot, language="sv"))
        ).pages
    )
    assert f"Kreditfaktura: {note.number}" in " ".join(text.split())
    assert "Fakturerat belopp för arbete, efter kreditering 15 000,00" in " ".join(text.split())


def test_an_assignment_credited_in_full_leaves_the_run_and_a_run_left_empty_is_refused(
    session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer).user
    alva, bo = make_member().member, make_member().member
    first = paid_assignment(alva, "20000.00")
    second = paid_assignment(bo, "12500.00")
    run = _draft_run(session)

    credit_note(session, invoice_of(session, first), Decimal("20000.00"), issued_on=CREDITED_ON)
    service.recalculate_run(session, run_id=run.id)
    session.expire_all()
    assert [
        p.assignment_id for p in session.scalars(select(RunPayout).where(RunPayout.run_id == run.id))
    ] == [second.id]
    assert [p.member_id for p in service.show_run(session, run=run).payslips] == [bo.id]

    credit_note(session, invoice_of(session, second), Decimal("12500.00"), issued_on=CREDITED_ON)
    with pytest.raises(Conflict) as refused:
        service.recalculate_run(session, run_id=run.id)
    assert refused.value.code == "nothing_left_to_pay"
    assert session.get_one(PayrollRun, run.id).status == RunStatus.draft
    with pytest.raises(Conflict) as still_refused:
        service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert still_refused.value.extra["changed"] == ["invoices"]


def test_an_invoice_issued_after_the_pay_date_and_its_credit_note_wait_for_a_later_run(
    session: Session, payroll_ready, make_member, paid_assignment
) -> None:
    """N counts the invoices issued by the pay date and the credit notes of those invoices; a later invoice
    of the same assignment, and a credit note of that one, belong to the run that pays it."""
    alva = make_member().member
    work = paid_assignment(alva, "20000.00")
    first = invoice_of(session, work)
    late = later_invoice(session, first, Decimal("4000.00"), issued_on=date(2026, 11, 28))
    credit_note(session, late, Decimal("4000.00"), issued_on=date(2026, 11, 29))

    run = _draft_run(session)
    [payout] = session.scalars(select(RunPayout).where(RunPayout.run_id == run.id)).all()
    assert payout.invoiced_amount == Decimal("20000.00")
    assert payout.invoice_numbers == [first.number]
    service.recalculate_run(session, run_id=run.id)
    session.expire_all()
    [payout] = session.scalars(select(RunPayout).where(RunPayout.run_id == run.id)).all()
    assert payout.invoiced_amount == Decimal("20000.00")

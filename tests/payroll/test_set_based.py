"""Issue 14: a payroll run is read, calculated and written as a set.

Creating, approving and marking a run paid take the same number of SQL statements for 10 payouts as for 200,
and a run's payslips are exactly what calculating each member's payouts alone gives: from that member's own
tax setting, tax table, month and year so far, by the existing pure function.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, inspect, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.auth.models import Role, User
from kooperativet.parties.models import Member, TaxMode
from kooperativet.payroll import service, tax_table_store
from kooperativet.payroll.calculation import Payout, PayoutInput, YearToDatePay, calculate_payouts_in_order
from kooperativet.payroll.calculation import TaxMode as CalculationTaxMode
from kooperativet.payroll.models import PayrollRun, Payslip, PayslipLine, PayslipNumberCounter
from kooperativet.payroll.parameters import payroll_parameters_on
from kooperativet.payroll.service import calculate
from kooperativet.payroll.service.calculate import TOTALS, _calculation_tax_setting, tax_setting_on
from kooperativet.payroll.service.history import months_to_date, year_pay_before, year_to_date
from tests.payroll.conftest import APPROVED_AT
from tests.payroll.population import (
    BIRTH_DATES,
    MemberPlan,
    add_paid_work,
    build_population,
    default_plans,
)
from tests.statement_count import counted

NOVEMBER = date(2026, 11, 25)
EARLIER_IN_NOVEMBER = date(2026, 11, 10)


def _statements_for_a_run(
    session: Session, connection: Connection, treasurer: User, *, payouts: int, first_serial: int
) -> tuple[int, int, int]:
    build_population(session, plans=default_plans(payouts), issuer=treasurer, first_serial=first_serial)
    session.expire_all()  # nothing the builder left in the session helps the service
    tax_table_store.forget_read_tables()  # nor tables an earlier run in this process read
    with counted(connection) as creating:
        created = service.create_run(
            session, today=date(2026, 11, 1), pay_date=NOVEMBER, pay_on=None, created_by_id=None
        )
    assert sum(len(draft.payouts) for draft in created.payslips) == payouts
    session.expire_all()
    with counted(connection) as approving:
        service.approve_run(session, run_id=created.run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    with counted(connection) as paying:
        service.mark_run_paid(
            session, run_id=created.run.id, paid_on=NOVEMBER, today=NOVEMBER, paid_by_id=treasurer.id
        )
    return creating.count, approving.count, paying.count


def test_a_run_of_200_payouts_takes_as_many_statements_as_one_of_10(
    session: Session, connection: Connection, payroll_ready, make_user
) -> None:
    treasurer = make_user(Role.treasurer).user
    # The year's first payslip number creates the counter row (a few statements once a year): both runs
    # below find it in place, as every run but the year's first does.
    session.add(PayslipNumberCounter(year=2026, last_sequence=0))
    small = _statements_for_a_run(session, connection, treasurer, payouts=10, first_serial=1)
    large = _statements_for_a_run(session, connection, treasurer, payouts=200, first_serial=100)
    assert small == large
    creating, approving, paying = large
    # the whole run, not per payout (2 000 payouts took about 14 500 and 19 400 statements before); creating
    # calculates and stores the draft with its snapshots, approving issues the stored draft without
    # calculating again and records the jobs that tell the members and render the PDFs; creating reads the
    # run's credit notes too, to name them on the payslips (one statement, since 2026-12-05)
    assert creating <= 43
    assert approving <= 32
    assert paying <= 5  # the run's UPDATE, and its audit event (the chain's head read and moved on)

    [run_of_200] = session.scalars(select(PayrollRun).order_by(PayrollRun.id.desc()).limit(1))
    payslips = service.run_payslips(session, run_id=run_of_200.id)
    assert sum(len(payslip.lines) for payslip in payslips) == 200
    first = payslips[0].sequence
    assert [p.sequence for p in payslips] == list(range(first, first + len(payslips)))
    assert [p.number for p in payslips][:2] == [f"L2026-{first:05d}", f"L2026-{first + 1:05d}"]
    # the block taken is the block used: the counter stands at the last payslip, no gap
    assert session.get_one(PayslipNumberCounter, 2026).last_sequence == payslips[-1].sequence


def test_approval_moves_every_paid_assignment_to_salaried_in_one_statement(
    session: Session, connection: Connection, payroll_ready, make_user
) -> None:
    treasurer = make_user(Role.treasurer).user
    members = build_population(session, plans=default_plans(30), issuer=treasurer)
    run = service.create_run(
        session, today=date(2026, 11, 1), pay_date=NOVEMBER, pay_on=None, created_by_id=None
    )
    with counted(connection) as approving:
        service.approve_run(session, run_id=run.run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    assert sum(statement.startswith("UPDATE assignments") for statement in approving.sql) == 1
    states = session.scalars(
        select(Assignment.status).where(Assignment.member_id.in_([m.id for m in members]))
    ).all()
    assert len(states) == 30
    assert set(states) == {AssignmentStatus.salaried}


# --- the property: a run's payslips are each member's payouts calculated alone -------------------------

_AMOUNTS = st.decimals(min_value=Decimal("500.00"), max_value=Decimal("90000.00"), places=2)
_PLANS = st.builds(
    MemberPlan,
    tax=st.sampled_from([TaxMode.flat, TaxMode.table, TaxMode.sink, TaxMode.asink]),
    birth_date=st.sampled_from(BIRTH_DATES),
    amounts=st.lists(_AMOUNTS, min_size=1, max_size=3).map(tuple),
    expenses=st.one_of(
        st.none(), st.decimals(min_value=Decimal("1.00"), max_value=Decimal("5000.00"), places=2)
    ),
    # The extra tax a month (flat and table mode; the population gives SINK and A-SINK none): none, some the
    # earlier run in the month has already withheld, or more than a small payout leaves room for.
    extra_tax=st.sampled_from([Decimal(0), Decimal(500), Decimal(30_000)]),
)
#: Per member: the plan, whether they were already paid earlier in the month, and a correction of that pay.
_MEMBERS = st.lists(
    st.tuples(_PLANS, st.one_of(st.none(), _AMOUNTS), st.one_of(st.none(), _AMOUNTS)), min_size=1, max_size=6
)


def _alone(session: Session, member: Member, inputs: list[PayoutInput]) -> tuple[Payout, ...]:
    """The member's payouts calculated by themselves: their own setting, table and history, each read by
    the per-member path, and the pure function."""
    tax = _calculation_tax_setting(tax_setting_on(member, on=NOVEMBER))
    table = None
    if tax.mode is CalculationTaxMode.TABLE:
        assert tax.table_number is not None
        table, _record = tax_table_store.tax_table(session, year=2026, table_number=tax.table_number)
    loaded = payroll_parameters_on(session, pay_date=NOVEMBER)
    threshold = loaded.parameters.contribution_threshold
    year_pay = year_pay_before(
        session, member_ids=[member.id], year=2026, threshold=threshold.value if threshold else None
    )
    return calculate_payouts_in_order(
        payouts=inputs,
        birth_date=member.birth_date,
        pay_date=NOVEMBER,
        parameters=loaded.parameters,
        tax=tax,
        month_to_date=months_to_date(session, member_ids=[member.id], pay_date=NOVEMBER)[member.id],
        tax_table=table,
        year_to_date=year_pay.get(member.id, YearToDatePay()),
    )


Planned = list[tuple[MemberPlan, Decimal | None, Decimal | None]]


def _run_with_history_and_corrections(session: Session, treasurer: User, planned: Planned) -> PayrollRun:
    """Members paid earlier in November (some), a November run of their new work, and a correction of the
    earlier payslip for those the plan says; the draft run."""
    members = build_population(
        session, plans=[replace(plan, amounts=()) for plan, _, _ in planned], issuer=treasurer
    )
    earlier = [(m, amount, None) for m, (_, amount, _) in zip(members, planned, strict=True) if amount]
    if earlier:
        add_paid_work(session, earlier, issuer=treasurer)
        first = service.create_run(
            session, today=date(2026, 11, 1), pay_date=EARLIER_IN_NOVEMBER, pay_on=None, created_by_id=None
        )
        service.approve_run(session, run_id=first.run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    work = [
        (member, amount, plan.expenses)
        for member, (plan, _, _) in zip(members, planned, strict=True)
        for amount in plan.amounts
    ]
    add_paid_work(session, work, issuer=treasurer)
    run = service.create_run(
        session, today=date(2026, 11, 11), pay_date=NOVEMBER, pay_on=None, created_by_id=None
    ).run
    for member, (_, paid_before, correction) in zip(members, planned, strict=True):
        if paid_before and correction:
            [original] = session.scalars(select(Payslip).where(Payslip.member_id == member.id))
            service.add_correction(
                session,
                run=run,
                payslip_id=original.id,
                assignment_id=original.lines[0].assignment_id,
                invoiced_amount=correction,
                expense_reimbursement=Decimal("0.00"),
                reason="a second invoice was left out",
                actor_id=treasurer.id,
            )
    return run


def _stored(line: PayslipLine) -> dict[str, object]:
    """What a line stores, compared by value (a rate read back from the database has more decimals)."""
    return {
        attribute.key: getattr(line, attribute.key)
        for attribute in inspect(PayslipLine).column_attrs
        if attribute.key not in ("id", "payslip_id")
    }


def _expected_inputs(plan: MemberPlan, paid_before: Decimal | None, correction: Decimal | None) -> list:
    inputs = [
        PayoutInput(invoiced_amount=amount, expense_reimbursement=plan.expenses or Decimal("0.00"))
        for amount in plan.amounts
    ]
    if paid_before and correction:
        inputs.append(PayoutInput(invoiced_amount=correction, expense_reimbursement=Decimal("0.00")))
    return inputs


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(planned=_MEMBERS)
def test_a_runs_payslips_are_each_members_payouts_calculated_alone(
    session: Session, payroll_ready, make_user, planned: Planned
) -> None:
    savepoint = session.begin_nested()  # each example starts from the same empty cooperative
    try:
        treasurer = make_user(Role.treasurer).user
        run = _run_with_history_and_corrections(session, treasurer, planned)
        drafts = service.calculate_run(session, run=run)
        by_member = {draft.member.id: draft for draft in drafts}
        members = sorted(by_member)
        assert len(members) == len(planned)
        for member_id, (plan, paid_before, correction) in zip(members, planned, strict=True):
            draft = by_member[member_id]
            alone = _alone(session, draft.member, _expected_inputs(plan, paid_before, correction))
            assert draft.results == alone
            before = year_to_date(session, member_id=member_id, pay_date=NOVEMBER)
            assert draft.year_to_date.tax == before.tax + sum(r.tax for r in alone)

        service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
        issued = service.run_payslips(session, run_id=run.id)
        assert [p.member_id for p in issued] == members
        for payslip in issued:
            draft = by_member[payslip.member_id]
            assert [_stored(line) for line in payslip.lines] == [_stored(line) for line in draft.lines]
            assert {name: getattr(payslip, name) for name in TOTALS} == {
                name: draft.total(name) for name in TOTALS
            }
            assert payslip.year_to_date_tax == draft.year_to_date.tax
    finally:
        savepoint.rollback()
        # Rows loaded inside the savepoint stay in the session; the next example may reuse their ids.
        session.expire_all()


def test_a_payroll_run_is_calculated_with_the_collector_paused(
    session: Session, payroll_ready, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Creating a run builds every payslip, its lines and snapshot at once: the collector would walk them all
    again and again for nothing (core/batch.py)."""
    treasurer = make_user(Role.treasurer).user
    build_population(session, plans=default_plans(3), issuer=treasurer, first_serial=1)
    calculate_run = calculate.calculate_run
    during: list[bool] = []

    def watched(*args: object, **kwargs: object) -> object:
        during.append(gc.isenabled())
        return calculate_run(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("kooperativet.payroll.service.drafts.calculate_run", watched)
    created = service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    )
    assert sum(len(draft.payouts) for draft in created.payslips) == 3
    assert during == [False]
    assert gc.isenabled()

"""Approving a run records its rendering in jobs of ``DOCUMENTS_PER_JOB`` payslips, for the workers to share,
in as many statements for 200 payslips as for 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.documents.pipeline import DOCUMENTS_PER_JOB, RENDER_DOCUMENTS
from kooperativet.jobs.models import Job, JobState
from kooperativet.parties.models import TaxMode
from kooperativet.payroll import service
from kooperativet.payroll.models import PayslipNumberCounter
from tests.payroll.conftest import APPROVED_AT
from tests.payroll.population import BIRTH_DATES, MemberPlan, build_population
from tests.statement_count import counted


def _draft(session: Session, treasurer: User, *, members: int, first_serial: int) -> int:
    plan = MemberPlan(tax=TaxMode.flat, birth_date=BIRTH_DATES[0], amounts=(Decimal("20000.00"),))
    build_population(session, plans=[plan] * members, issuer=treasurer, first_serial=first_serial)
    run = service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    ).run
    session.expire_all()  # as in a request: nothing of the draft's objects helps the approval
    return run.id


def _approve(
    session: Session, connection: Connection, treasurer_id: int, run_id: int
) -> tuple[list[str], list[int]]:
    """Approve the run; the statements it took and its payslips."""
    with counted(connection) as statements:
        service.approve_run(session, run_id=run_id, approved_by_id=treasurer_id, now=APPROVED_AT)
    return statements.sql, [payslip.id for payslip in service.run_payslips(session, run_id=run_id)]


def _jobs(session: Session, payslips: list[int]) -> list[Job]:
    jobs = session.scalars(select(Job).where(Job.kind == RENDER_DOCUMENTS).order_by(Job.id)).all()
    return [job for job in jobs if set(job.payload["ids"]) <= set(payslips)]


def test_approving_records_the_rendering_in_jobs_of_documents_per_job_in_as_many_statements_for_200_as_3(
    session: Session, connection: Connection, payroll_ready, make_user
) -> None:
    treasurer = make_user(Role.treasurer).user
    treasurer_id = treasurer.id  # read now: the drafts expire every object, as a request ends
    session.add(PayslipNumberCounter(year=2026, last_sequence=0))  # the year's first run made it already
    small_run = _draft(session, treasurer, members=3, first_serial=1)
    large_run = _draft(session, treasurer, members=200, first_serial=100)

    approving_small, small = _approve(session, connection, treasurer_id, small_run)
    approving_large, large = _approve(session, connection, treasurer_id, large_run)

    assert len(approving_small) == len(approving_large)
    # one INSERT for the members' notices, one for every rendering job however many
    assert sum(statement.startswith("INSERT INTO jobs") for statement in approving_large) == 2
    parts = [large[start : start + DOCUMENTS_PER_JOB] for start in range(0, 200, DOCUMENTS_PER_JOB)]
    assert len(parts) > 1
    assert [job.payload for job in _jobs(session, large)] == [
        {"kind": "payslip", "ids": part} for part in parts
    ]
    assert [job.payload for job in _jobs(session, small)] == [{"kind": "payslip", "ids": small}]
    assert {job.state for job in _jobs(session, large + small)} == {JobState.pending}

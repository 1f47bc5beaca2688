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
from tests.payroll.test_set_based import counted


def _approved(session: Session, treasurer: User, *, members: int, first_serial: int) -> tuple[int, list[int]]:
    plan = MemberPlan(tax=TaxMode.flat, birth_date=BIRTH_DATES[0], amounts=(Decimal("20000.00"),))
    build_population(session, plans=[plan] * members, issuer=treasurer, first_serial=first_serial)
    run = service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    ).run
    service.approve_run(session, run_id=run.id, approved_by_id=treasurer.id, now=APPROVED_AT)
    session.expire_all()  # as in a request: nothing of the approval's objects helps the recording
    return run.id, [payslip.id for payslip in service.run_payslips(session, run_id=run.id)]


def _jobs(session: Session, payslips: list[int]) -> list[Job]:
    jobs = session.scalars(select(Job).where(Job.kind == RENDER_DOCUMENTS).order_by(Job.id)).all()
    return [job for job in jobs if set(job.payload["ids"]) <= set(payslips)]


def test_a_run_is_rendered_in_jobs_of_documents_per_job_recorded_in_as_many_statements_for_200_as_for_3(
    session: Session, connection: Connection, payroll_ready, make_user
) -> None:
    treasurer = make_user(Role.treasurer).user
    session.add(PayslipNumberCounter(year=2026, last_sequence=0))  # the year's first run made it already
    small_run, small = _approved(session, treasurer, members=3, first_serial=1)
    large_run, large = _approved(session, treasurer, members=200, first_serial=100)

    with counted(connection) as recording_small:
        service.render_payslips_after_commit(session, run_id=small_run)
    with counted(connection) as recording_large:
        service.render_payslips_after_commit(session, run_id=large_run)

    # the run (with its payouts), the payslip ids, one INSERT for every job
    assert len(recording_small) == len(recording_large) <= 4
    assert sum(statement.startswith("INSERT INTO jobs") for statement in recording_large) == 1
    parts = [large[start : start + DOCUMENTS_PER_JOB] for start in range(0, 200, DOCUMENTS_PER_JOB)]
    assert len(parts) > 1
    assert [job.payload for job in _jobs(session, large)] == [
        {"kind": "payslip", "ids": part} for part in parts
    ]
    assert [job.payload for job in _jobs(session, small)] == [{"kind": "payslip", "ids": small}]
    assert {job.state for job in _jobs(session, large + small)} == {JobState.pending}

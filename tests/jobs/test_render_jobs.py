"""A payroll run's payslip PDFs in jobs that real ``kooperativet worker`` processes share: two workers split
the jobs between them and store every payslip once, and a worker killed in the middle of a job leaves the
rest to another, which renders what is not stored yet; every payslip is still stored exactly once.

Real commits are needed, so these use a throw-away database of their own (SQLite file or a new PostgreSQL
database), like ``test_worker_process.py``.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import User
from kooperativet.documents.pipeline import RENDER_DOCUMENTS, render_after_commit
from kooperativet.jobs.models import Job, JobState
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Cooperative, TaxMode
from kooperativet.payroll import service
from kooperativet.payroll.models import Payslip
from kooperativet.payroll.service.payslip_pdfs import PAYSLIP_PDF, payslip_pdf_progress
from tests.jobs.render_gate import GATE, GATED_PAYSLIP_PDF
from tests.jobs.test_worker_process import wait_for, worker_environment
from tests.payroll.population import BIRTH_DATES, MemberPlan, build_population


def approved_run(factory: sessionmaker[Session], *, members: int) -> tuple[int, list[int]]:
    """A committed, approved run of ``members`` payslips, no PDF rendered yet and no job to render one:
    (run, its payslips)."""
    with factory() as session:
        parameters_service.seed_defaults(session)
        session.add(Cooperative(name="Testkooperativet", organisation_number="769600-1234", country="SE"))
        treasurer = User(email="kassor@example.se", full_name="Karin Kassör", password_hash="!")
        session.add(treasurer)
        session.flush()
        plan = MemberPlan(tax=TaxMode.flat, birth_date=BIRTH_DATES[0], amounts=(Decimal("20000.00"),))
        build_population(session, plans=[plan] * members, issuer=treasurer)
        run = service.create_run(
            session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
        ).run
        service.approve_run(
            session, run_id=run.id, approved_by_id=treasurer.id, now=datetime(2026, 11, 20, 12, tzinfo=UTC)
        )
        # The approval's own rendering jobs go: each test records the jobs it needs, when its workers are up.
        session.execute(delete(Job).where(Job.kind == RENDER_DOCUMENTS))
        session.commit()
        return run.id, [payslip.id for payslip in service.run_payslips(session, run_id=run.id)]


def start_worker(url: str, folder: Path, name: str, **settings: str) -> subprocess.Popen[bytes]:
    """``kooperativet worker`` in a process of its own, its output in ``folder/name.log``."""
    with (folder / f"{name}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.jobs.worker_main", "worker"],
            cwd=folder,
            env={**worker_environment(url, folder), "PYTHONUNBUFFERED": "1", **settings},
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)  # a clean stop, between jobs
    assert worker.wait(timeout=60) == 0


def rendered(factory: sessionmaker[Session], run_id: int) -> int:
    with factory() as session:
        return payslip_pdf_progress(session, run_id=run_id).rendered


def stored_once(factory: sessionmaker[Session], document: str) -> Counter[int]:
    """How often each document of ``document``'s kind was stored (its ``document_rendered`` audit events)."""
    with factory() as session:
        events = session.scalars(select(AuditEvent.payload).where(AuditEvent.kind == "document_rendered"))
        stored = [json.loads(payload) for payload in events]
        return Counter(event["id"] for event in stored if event["document"] == document)


def test_two_workers_share_a_runs_rendering_jobs_and_store_each_payslip_once(
    committed_url: str, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    run_id, payslips = approved_run(factory, members=8)
    # Both workers are up and looking before the approval's jobs are recorded, so that both find work.
    settings = {"KOOPERATIVET_LOG_LEVEL": "INFO", "KOOPERATIVET_WORKER_LEASE_SECONDS": "60"}
    names = ("first", "second")
    workers = [start_worker(committed_url, tmp_path, name, **settings) for name in names]
    try:
        for log in (tmp_path / f"{name}.log" for name in names):
            wait_for(lambda log=log: "waiting for jobs" in log.read_text(), f"{log.stem} to be up")
        with factory() as session:
            service.render_payslips_after_commit(session, run_id=run_id, per_job=2)
            session.commit()
        wait_for(lambda: rendered(factory, run_id) == 8, "the workers to render the run", seconds=120)
    finally:
        for worker in workers:
            stop(worker)

    assert stored_once(factory, PAYSLIP_PDF.name) == dict.fromkeys(payslips, 1)
    with factory() as session:
        jobs = session.scalars(select(Job).where(Job.kind == RENDER_DOCUMENTS).order_by(Job.id)).all()
        assert [job.payload["ids"] for job in jobs] == [payslips[i : i + 2] for i in range(0, 8, 2)]
        assert {job.state for job in jobs} == {JobState.done}
        assert len({job.locked_by for job in jobs}) == 2  # each worker did some of them
        first = session.get_one(Payslip, payslips[0])
        assert first.pdf == PAYSLIP_PDF.render(PAYSLIP_PDF.snapshot(first))
    logs = "".join((tmp_path / f"{name}.log").read_text() for name in names)
    assert f"payroll run {run_id}: 8 of 8 payslip PDFs stored" in logs


def test_a_worker_killed_in_the_middle_of_a_job_leaves_the_rest_to_another_and_each_payslip_is_stored_once(
    committed_url: str, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    run_id, payslips = approved_run(factory, members=6)
    first_job, second_job, third_job = [payslips[i : i + 2] for i in range(0, 6, 2)]
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "held").write_text(str(second_job[0]))  # the first worker stops inside the second job
    with factory() as session:
        render_after_commit(session, GATED_PAYSLIP_PDF, payslips, per_job=2)
        session.commit()
        job_ids = list(session.scalars(select(Job.id).where(Job.kind == RENDER_DOCUMENTS).order_by(Job.id)))
    settings = {GATE: str(gate), "KOOPERATIVET_WORKER_LEASE_SECONDS": "2"}

    killed = start_worker(committed_url, tmp_path, "killed", **settings)
    try:
        wait_for(lambda: (gate / "started").exists(), "the first worker to reach the second job", seconds=60)
    finally:
        killed.kill()  # SIGKILL: no clean-up, its lease on the second job is left to run out
        killed.wait()
    assert rendered(factory, run_id) == 2  # the first job's payslips, and nothing of the second
    assert set(stored_once(factory, GATED_PAYSLIP_PDF.name)) == set(first_job)

    (gate / "release").touch()
    finisher = start_worker(committed_url, tmp_path, "finisher", **settings)
    try:
        wait_for(lambda: rendered(factory, run_id) == 6, "the second worker to finish the run", seconds=120)
        wait_for(lambda: _states(factory, job_ids) == {JobState.done}, "every job to be done")
    finally:
        stop(finisher)

    assert stored_once(factory, GATED_PAYSLIP_PDF.name) == dict.fromkeys(payslips, 1)
    with factory() as session:
        attempts = [session.get_one(Job, job_id).attempts for job_id in job_ids]
        assert attempts == [1, 2, 1]  # only the job the first worker died in was run again
        for payslip_id in second_job + third_job:
            payslip = session.get_one(Payslip, payslip_id)
            assert payslip.pdf == PAYSLIP_PDF.render(PAYSLIP_PDF.snapshot(payslip))


def _states(factory: sessionmaker[Session], job_ids: list[int]) -> set[JobState]:
    with factory() as session:
        return {session.get_one(Job, job_id).state for job_id in job_ids}

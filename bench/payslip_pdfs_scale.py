"""P7: a payroll month's payslip PDFs through the document pipeline and real workers — documents per second
per worker, and how that scales when a second worker joins.

The cooperative of P1 (``payroll_month.load_prerequisites``: 20 000 payouts among about 9 700 members, bulk
loaded) gets its run created and approved through the payroll services, and the approval records the run's
rendering jobs (``render_payslips_after_commit``: one job per ``DOCUMENTS_PER_JOB`` payslips). Then real
``kooperativet worker`` processes render them: one worker, and two workers on a fresh copy of the same month,
on PostgreSQL; one worker on SQLite. The figure is payslips per second per worker from the workers' start
until the last PDF is stored, with the progress printed as the treasurer would read it (the run's
``payslip_pdfs``). Each phase also checks that every payslip was stored exactly once (one
``document_rendered`` audit event each) and that every job is done.

Target: two workers render at least 0.8 × twice what one does (on a machine with at least two cores).

``python -m bench pdfs-scale``; ``KOOPERATIVET_BENCH_PDF_PAYOUTS`` sets the payouts (default 20 000, about
9 700 payslips: an hour or more on two cores), ``KOOPERATIVET_BENCH_PDF_PHASES`` the phases
(``postgresql:1,postgresql:2,sqlite:1``; the scaling needs the first two), ``KOOPERATIVET_BENCH_POSTGRES``
the server as for P1. The CPU seconds per payslip are reported too: on a machine shared with other work the
wall-clock scaling says how busy the machine was as much as how the workers share.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import report
from bench.payroll_month import (
    AUDIT_KEY,
    NOW,
    PAY_DATE,
    TODAY,
    _configure_keys,
    _database,
    load_prerequisites,
)

PAYOUTS = 20_000
PROGRESS_EVERY_SECONDS = 15.0
#: database:workers in the order they run; the scaling compares one and two workers on PostgreSQL.
PHASES = "postgresql:1,postgresql:2,sqlite:1"
SOURCE = Path(__file__).resolve().parents[1] / "src"


def _factory(url: str) -> Any:
    """Sessions on the real clock: the jobs the approval records are due now, for the workers."""
    from kooperativet.db import make_engine, make_session_factory

    engine = make_engine(url)
    return engine, make_session_factory(engine, audit_key=AUDIT_KEY)


def approve_with_jobs(url: str) -> tuple[int, int, int]:
    """Create and approve the month's run through the services, its rendering jobs recorded with the approval
    as the API records them; (run id, payslips, jobs)."""
    from sqlalchemy import func, select

    from kooperativet import all_jobs, all_models
    from kooperativet.auth.models import User
    from kooperativet.documents.pipeline import RENDER_DOCUMENTS
    from kooperativet.jobs.models import Job
    from kooperativet.payroll import service
    from kooperativet.payroll.models import Payslip

    assert all_jobs  # every document kind registered, as in a worker
    assert all_models
    engine, factory = _factory(url)
    try:
        with factory() as session:
            treasurer_id = session.scalar(select(User.id))
            run_id = service.create_run(
                session, today=TODAY, pay_date=PAY_DATE, pay_on=None, created_by_id=treasurer_id
            ).run.id
            session.commit()
            service.approve_run(session, run_id=run_id, approved_by_id=treasurer_id, now=NOW)
            session.commit()
            payslips = session.scalar(select(func.count()).where(Payslip.run_id == run_id)) or 0
            jobs = session.scalar(select(func.count()).where(Job.kind == RENDER_DOCUMENTS)) or 0
    finally:
        engine.dispose()
    return run_id, payslips, jobs


def _worker_environment(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE), os.environ.get("PYTHONPATH")])),
        "KOOPERATIVET_ENV": "development",
        "KOOPERATIVET_DATABASE_URL": url,
        "KOOPERATIVET_DATA_DIR": str(data_dir),
        "KOOPERATIVET_AUDIT_KEY": AUDIT_KEY.decode(),
        "KOOPERATIVET_JOBS_MODE": "external",
        "KOOPERATIVET_WORKER_POLL_SECONDS": "0.5",
        "KOOPERATIVET_LOG_LEVEL": "WARNING",  # the benchmark prints the progress itself
    }


def _children_cpu_seconds() -> float:
    """CPU time of every finished child process and theirs (the workers and their renderer processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render_with_workers(url: str, run_id: int, workers: int, label: str) -> tuple[float, float]:
    """Start ``workers`` ``kooperativet worker`` processes and wait until the run's every payslip PDF is
    stored, printing the progress; the seconds from their start to the last PDF, and the CPU seconds the
    workers used (on a machine shared with other work, the second shows what the first cannot)."""
    from kooperativet.payroll.service.payslip_pdfs import payslip_pdf_progress

    engine, factory = _factory(url)
    with tempfile.TemporaryDirectory() as folder:
        environment = _worker_environment(url, Path(folder))
        cpu_before = _children_cpu_seconds()
        start = time.perf_counter()
        processes = [
            subprocess.Popen([sys.executable, "-m", "kooperativet", "worker"], cwd=folder, env=environment)
            for _ in range(workers)
        ]
        try:
            last_print = start
            while True:
                with factory() as session:
                    done = payslip_pdf_progress(session, run_id=run_id)
                now = time.perf_counter()
                if done.rendered == done.total or now - last_print >= PROGRESS_EVERY_SECONDS:
                    rate = done.rendered / (now - start)
                    print(
                        f"    {label}: {done.rendered} of {done.total} payslip PDFs ready "
                        f"({now - start:.0f} s, {rate:.2f}/s)",
                        flush=True,
                    )
                    last_print = now
                if done.rendered == done.total:
                    elapsed = now - start
                    break
                if any(process.poll() is not None for process in processes):
                    raise RuntimeError(f"{label}: a worker stopped before the run was rendered")
                time.sleep(1.0)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)  # a clean stop, between jobs
            for process in processes:
                process.wait(timeout=120)
            engine.dispose()
    return elapsed, _children_cpu_seconds() - cpu_before


def check_exactly_once(url: str, run_id: int) -> bool:
    """Every payslip of the run has its PDF, each stored once (one audit event each); every job is done."""
    from sqlalchemy import func, select

    from kooperativet.audit.models import AuditEvent
    from kooperativet.documents.pipeline import RENDER_DOCUMENTS
    from kooperativet.jobs.models import Job, JobState
    from kooperativet.payroll.models import Payslip

    engine, factory = _factory(url)
    try:
        with factory() as session:
            payslips = session.scalar(select(func.count()).where(Payslip.run_id == run_id))
            stored = session.scalar(select(func.count(Payslip.pdf_sha256)).where(Payslip.run_id == run_id))
            events = session.scalar(select(func.count()).where(AuditEvent.kind == "document_rendered"))
            unfinished = session.scalar(
                select(func.count()).where(Job.kind == RENDER_DOCUMENTS, Job.state != JobState.done)
            )
    finally:
        engine.dispose()
    return bool(payslips == stored == events and unfinished == 0)


def phase(kind: str, workers: int, payouts: int) -> dict[str, Any]:
    label = f"{kind}, {workers} worker{'s' if workers > 1 else ''}"
    with _database(kind) as url:
        _configure_keys()
        started = time.perf_counter()
        load_prerequisites(url, payouts)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        run_id, payslips, jobs = approve_with_jobs(url)
        approved = time.perf_counter() - started
        print(
            f"  {label}: {payslips} payslips, {jobs} jobs (loaded {loaded:.0f} s, approved {approved:.1f} s)"
        )
        seconds, cpu_seconds = render_with_workers(url, run_id, workers, label)
        once = check_exactly_once(url, run_id)
    per_second = payslips / seconds
    return {
        "payslips": payslips,
        "jobs": jobs,
        "workers": workers,
        "seconds": round(seconds, 1),
        "payslips per second": round(per_second, 2),
        "payslips per second per worker": round(per_second / workers, 2),
        "CPU seconds per payslip (workers and their renderer processes)": round(cpu_seconds / payslips, 3),
        "each stored exactly once": once,
    }


def run() -> None:
    payouts = int(os.environ.get("KOOPERATIVET_BENCH_PDF_PAYOUTS", PAYOUTS))
    os.environ.setdefault("KOOPERATIVET_ENV", "development")
    phases = [name.split(":") for name in os.environ.get("KOOPERATIVET_BENCH_PDF_PHASES", PHASES).split(",")]
    results = {f"{kind}, {workers} worker(s)": phase(kind, int(workers), payouts) for kind, workers in phases}
    one, two = (results[f"postgresql, {n} worker(s)"] for n in (1, 2))
    scaling = two["payslips per second"] / (2 * one["payslips per second"])
    cpu = "CPU seconds per payslip (workers and their renderer processes)"
    cpu_scaling = one[cpu] / two[cpu]
    cores = os.cpu_count() or 1
    exactly_once = all(figures["each stored exactly once"] for figures in results.values())
    # The largest any worker or renderer process grew (the renderer is replaced after each job).
    largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report(
        "P7-payslip-pdfs-scale",
        {
            "payouts": payouts,
            **results,
            "scaling, 2 workers vs 1 (fraction of linear)": round(scaling, 2),
            "CPU per payslip, 1 worker over 2 workers": round(cpu_scaling, 2),
            "largest worker or renderer process (MB)": round(largest_mb, 1),
        },
        target="≥ 0.8 × linear with 2 workers; every payslip stored exactly once",
        met=(scaling >= 0.8 or cores < 2) and exactly_once,
    )

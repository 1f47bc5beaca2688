"""The PDFs of issued payslips: rendered from each payslip's snapshot after the commit by the document
pipeline (``PAYSLIP_PDF``), stored once with their SHA-256, read one by one or as a zip.

Approving a run records its rendering jobs (``render_payslips_after_commit``: one per
``pipeline.DOCUMENTS_PER_JOB`` payslips), which any number of workers share after the commit, each job on
one renderer process of its worker's; ``payslip_pdf_progress`` says how many are done. ``kooperativet payroll
render`` and the demo render a run's pending payslips on a process pool, by the same path. The stored PDF is
in the member's language; another language is rendered on demand and not stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.documents.pipeline import (
    DocumentKind,
    register_kind,
    render_after_commit,
    render_now,
    store_once,
    stored_pdf,
)
from kooperativet.errors import Conflict, NotFound
from kooperativet.payroll.documents import render_in_pool, render_payslip_pdf, zip_documents
from kooperativet.payroll.models import Payslip, RunStatus
from kooperativet.payroll.service.payslips import run_payslips
from kooperativet.payroll.service.runs import get_run

#: (payslip id, number, snapshot, language): what a pool worker needs to render one payslip.
PayslipJob = tuple[int, str, dict[str, Any], str]
#: From this many payslips on, the pipeline renders them on a process pool rather than one by one.
POOL_FROM: Final = 16
#: A worker renders each job's payslips on one process of its own: a worker is one core's work, and more
#: workers (``kooperativet worker``, on any machine) render a run faster. The process is a fresh one, so
#: whatever the native libraries under WeasyPrint keep leaves with it instead of growing in a worker that runs
#: for months.
PROCESSES_PER_WORKER: Final = 1


@dataclass(frozen=True, slots=True)
class PdfProgress:
    """How many of a run's issued payslips have their PDF stored."""

    rendered: int
    total: int


def issued_payslips(session: Session, *, run_id: int) -> list[Payslip]:
    """The payslips of a locked run; a draft has none yet (409)."""
    _require_locked(session, run_id=run_id)
    return run_payslips(session, run_id=run_id)


def _require_locked(session: Session, *, run_id: int) -> None:
    if get_run(session, run_id=run_id).status == RunStatus.draft:
        raise Conflict(
            f"payroll run {run_id} is a draft; payslips are issued at approval", code="run_not_approved"
        )


def _job(payslip: Payslip) -> PayslipJob:
    return (payslip.id, payslip.number, payslip.snapshot, str(payslip.language))


def _render(job: PayslipJob) -> bytes:
    _payslip_id, number, snapshot, language = job
    return render_payslip_pdf(number=number, snapshot=snapshot, language=language)


def payslip_documents(
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    pool_from: int = POOL_FROM,
) -> DocumentKind[PayslipJob]:
    """Payslips in the document pipeline, in the member's language; ``pool_from`` or more at once are
    rendered on a process pool of ``workers`` (``progress(done, total)`` after each)."""

    def render_many(jobs: Mapping[int, PayslipJob]) -> dict[int, bytes]:
        if len(jobs) < pool_from:
            return {payslip_id: _render(job) for payslip_id, job in jobs.items()}
        return render_in_pool(jobs.values(), workers=workers, progress=progress)

    return DocumentKind(
        name="payslip",
        model=Payslip,
        pdf_column="pdf",
        sha256_column="pdf_sha256",
        snapshot=_job,
        render=_render,
        render_many=render_many,
        describe=lambda payslip: {"number": payslip.number},
        progress=_run_progress,
    )


def payslip_pdf_progress(session: Session, *, run_id: int) -> PdfProgress:
    """How many of the run's payslips have their PDF stored, of how many: one query (a draft has none)."""
    total, rendered = session.execute(
        select(func.count(Payslip.id), func.count(Payslip.pdf_sha256)).where(Payslip.run_id == run_id)
    ).one()
    return PdfProgress(rendered=rendered, total=total)


def _run_progress(session: Session, payslip_id: int) -> str:
    """For the worker's log: how far the run of ``payslip_id`` has come."""
    run_id = session.scalar(select(Payslip.run_id).where(Payslip.id == payslip_id))
    if run_id is None:
        return f"payslip {payslip_id} does not exist"
    done = payslip_pdf_progress(session, run_id=run_id)
    return f"payroll run {run_id}: {done.rendered} of {done.total} payslip PDFs stored"


PAYSLIP_PDF: Final = payslip_documents(workers=PROCESSES_PER_WORKER)
register_kind(PAYSLIP_PDF)


def render_payslips_after_commit(session: Session, *, run_id: int, per_job: int | None = None) -> None:
    """The approved run's payslips are rendered once the approval is committed, by the workers: one job per
    ``per_job`` payslips (``pipeline.DOCUMENTS_PER_JOB``), recorded in one INSERT after one query for their
    ids, however large the run (the snapshots are read by the pipeline when it renders)."""
    _require_locked(session, run_id=run_id)
    ids = session.scalars(select(Payslip.id).where(Payslip.run_id == run_id).order_by(Payslip.sequence))
    render_after_commit(session, PAYSLIP_PDF, list(ids), per_job=per_job)


def pending_payslip_ids(session: Session, *, run_id: int) -> list[int]:
    """The issued payslips of a run whose PDF is not stored yet."""
    return [p.id for p in issued_payslips(session, run_id=run_id) if p.pdf_sha256 is None]


def render_run_payslips(
    session: Session,
    *,
    run_id: int,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render a run's pending payslips now, on a process pool, and store them; how many were stored.
    ``session`` holds no uncommitted work: the pipeline commits its own short transactions."""
    pending = pending_payslip_ids(session, run_id=run_id)
    kind = payslip_documents(workers=workers, progress=progress, pool_from=1)
    return render_now(session, kind, pending)


def payslip_render_jobs(session: Session, *, run_id: int) -> list[PayslipJob]:
    """(payslip id, number, snapshot, language) of each issued payslip of a run without a stored PDF."""
    return [
        _job(payslip) for payslip in issued_payslips(session, run_id=run_id) if payslip.pdf_sha256 is None
    ]


def store_payslip_pdfs(session: Session, *, pdfs: dict[int, bytes]) -> None:
    """Store each payslip's PDF and SHA-256, once: a payslip that already has a PDF keeps it."""
    for payslip_id, pdf in sorted(pdfs.items()):
        if session.get(Payslip, payslip_id) is None:
            raise NotFound(f"payslip {payslip_id} does not exist")
        store_once(session, PAYSLIP_PDF, payslip_id, pdf)


def payslip_pdf(session: Session, *, payslip: Payslip, language: str | None = None) -> bytes:
    """The payslip PDF in ``language`` (default: the member's): the stored one when it is in that language
    (a pending one is rendered and stored first), else rendered from the snapshot and not stored. Once the
    stored PDF was erased after the retention period no language is rendered either: the snapshot has lost
    the name, personnummer and account a payslip shows (``privacy.purge``)."""
    chosen = language or str(payslip.language)
    if chosen == str(payslip.language):
        return stored_pdf(session, PAYSLIP_PDF, payslip)
    if payslip.pdf_sha256 is not None and payslip.pdf is None:
        stored_pdf(session, PAYSLIP_PDF, payslip)  # raises its 404 erased_after_retention
    return render_payslip_pdf(number=payslip.number, snapshot=payslip.snapshot, language=chosen)


#: The zip's note on the payslips whose PDF was erased after the retention period, in both languages: the
#: zip is a download for the office, which may read either. Named in Swedish, as the zip itself is.
ERASED_NOTE: Final = "raderade-efter-lagringstiden.txt"


def run_payslips_zip_filename(run_id: int) -> str:
    """The name a run's payslips zip is downloaded under, by the web page and the API alike: Swedish, as the
    treasurer reads it ("lönespecifikationer, körning"), in ASCII as the other downloads' names are."""
    return f"lonespecifikationer-korning-{run_id}.zip"


def run_payslips_zip(session: Session, *, run_id: int) -> bytes:
    """Every issued payslip of a run as PDFs in one zip, each in the member's language. A payslip whose PDF
    was erased after the retention period is left out, and named in the zip's ``ERASED_NOTE``, so that the
    others still come and the missing one is not missing unsaid."""
    files = []
    erased = []
    for payslip in issued_payslips(session, run_id=run_id):
        try:
            files.append((f"{payslip.number}.pdf", payslip_pdf(session, payslip=payslip)))
        except NotFound as exc:
            if exc.code != "erased_after_retention":
                raise
            erased.append(payslip.number)
    if erased:
        numbers = "".join(f"{number}\n" for number in erased)
        note = (
            "PDF:erna för dessa lönespecifikationer raderades efter lagringstiden (bokföringslagen "
            f"7 kap. 2 §) och finns inte i zip-filen:\n{numbers}\n"
            "The PDFs of these payslips were erased after the retention period (Bokföringslagen "
            f"7 kap. 2 §) and are not in the zip:\n{numbers}"
        )
        files.append((ERASED_NOTE, note.encode()))
    return zip_documents(files)

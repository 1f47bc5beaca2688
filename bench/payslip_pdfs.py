"""P2: payslip PDFs — our rendering costs no more than WeasyPrint itself, and a pool scales with the cores.

Builds the demo cooperative in a temporary folder and renders its payslip snapshots again and again:
per-document time of ``render_payslip_pdf`` against raw WeasyPrint on the same HTML in the same process, the
fastest of seven each, taking turns (target ≤ 1.1 ×; raw WeasyPrint, given no font configuration, makes one
per document, where ours keeps one per process), a batch on the product's pool with one worker against
the same batch with one worker per core (target ≥ 0.8 × linear), and memory: the growth of a process per
document, times the documents a pool worker renders before it is replaced, is the growth a worker can reach
(target < 20 MB).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import best_of_each, report

DOCUMENTS = 120


def _snapshots() -> list[tuple[int, str, dict[str, Any], str]]:
    """The demo's payslips as the pipeline renders them, from a demo built in a temporary folder."""
    from kooperativet.demo import run_demo

    with tempfile.TemporaryDirectory() as folder:
        run_demo(out=Path(folder), today=date(2026, 11, 20))
        return demo_snapshots(Path(folder))


def demo_snapshots(folder: Path) -> list[tuple[int, str, dict[str, Any], str]]:
    """The payslips of the demo built in ``folder``, read through the ORM. Their snapshots are encrypted at
    rest under the demo's own keys, which it keeps in its folder (``demo.demo_keyring``), not this
    process's: read under the process's keys they cannot be decrypted, and ``make bench`` stopped here."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kooperativet import encryption
    from kooperativet.db import make_engine
    from kooperativet.demo import demo_keyring
    from kooperativet.payroll.models import Payslip

    engine = make_engine(f"sqlite:///{folder / 'demo.sqlite3'}")
    try:
        with encryption.using(demo_keyring(folder)), Session(engine) as session:
            payslips = session.scalars(select(Payslip).order_by(Payslip.id)).all()
            return [(p.id, p.number, p.snapshot, "sv") for p in payslips]
    finally:
        engine.dispose()


def _raw_weasyprint(html: str) -> bytes:
    import weasyprint

    from kooperativet.documents.render import templates_dir

    document = weasyprint.HTML(string=html, base_url=templates_dir().as_uri() + "/")
    pdf: bytes = document.write_pdf(pdf_variant="pdf/a-3b")
    return pdf


def _render_batch(jobs: list[tuple[int, str, dict[str, Any], str]]) -> int:
    from kooperativet.payroll.documents import render_payslip_pdf

    for _, number, snapshot, language in jobs:
        render_payslip_pdf(number=number, snapshot=snapshot, language=language)
    return len(jobs)


def _rss_mb() -> float:
    """This process's resident memory now (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / (1024 * 1024)


def run() -> None:
    from kooperativet.documents.render import render_html
    from kooperativet.payroll.documents import (
        DOCUMENTS_PER_WORKER,
        TEMPLATE,
        payslip_context,
        render_in_pool,
        render_payslip_pdf,
    )

    snapshots = _snapshots()
    _, number, snapshot, language = snapshots[0]
    html = render_html(TEMPLATE, payslip_context(number=number, snapshot=snapshot, language=language))
    best = best_of_each(
        7,
        {
            "ours": lambda: render_payslip_pdf(number=number, snapshot=snapshot, language=language),
            "raw": lambda: _raw_weasyprint(html),
        },
    )
    ours, raw = best["ours"], best["raw"]

    jobs = [snapshots[i % len(snapshots)] for i in range(DOCUMENTS)]
    cores = os.cpu_count() or 1
    _render_batch(jobs[:10])  # warm-up: fonts, templates and caches load once, then memory should stay flat
    before = _rss_mb()
    start = time.perf_counter()
    _render_batch(jobs)
    one_process = time.perf_counter() - start
    growth = _rss_mb() - before
    per_document_mb = growth / len(jobs)
    worker_bound_mb = per_document_mb * DOCUMENTS_PER_WORKER
    # Scaling: the product's pool (spawned workers, recycled) with one worker against one worker per core.
    # Each pool starts its workers inside the time measured, as a batch does in use, so both pay the same
    # start-up; a warm single process compared with a cold pool would count the pool's start-up as lost
    # scaling.
    start = time.perf_counter()
    render_in_pool(jobs, workers=1)
    one_worker = time.perf_counter() - start
    start = time.perf_counter()
    render_in_pool(jobs, workers=cores)
    pooled = time.perf_counter() - start
    scaling = one_worker / pooled / cores

    report(
        "P2-payslip-pdfs",
        {
            "per document, ours (s)": round(ours, 4),
            "per document, raw WeasyPrint (s)": round(raw, 4),
            "ratio ours/raw": round(ours / raw, 3),
            f"{DOCUMENTS} documents, one process, warm (s)": round(one_process, 2),
            f"{DOCUMENTS} documents, pool of 1 worker (s)": round(one_worker, 2),
            f"{DOCUMENTS} documents, pool of {cores} workers (s)": round(pooled, 2),
            "scaling (fraction of linear)": round(scaling, 2),
            "memory kept per document by WeasyPrint, one process (MB)": round(per_document_mb, 3),
            f"worker memory growth bound: recycled every {DOCUMENTS_PER_WORKER} documents (MB)": round(
                worker_bound_mb, 1
            ),
        },
        target="≤ 1.1 × raw WeasyPrint per document; ≥ 0.8 × linear on a pool; < 20 MB growth per worker",
        met=ours <= 1.1 * raw and scaling >= 0.8 and worker_bound_mb < 20,
    )

"""The PDFs of issued payslips: rendered once and stored with their SHA-256, read one by one or as a zip."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from kooperativet.errors import Conflict, NotFound
from kooperativet.payroll.documents import render_payslip_pdf, zip_documents
from kooperativet.payroll.models import Payslip, RunStatus
from kooperativet.payroll.service.payslips import run_payslips
from kooperativet.payroll.service.runs import get_run


def issued_payslips(session: Session, *, run_id: int) -> list[Payslip]:
    """The payslips of a locked run; a draft has none yet (409)."""
    run = get_run(session, run_id=run_id)
    if run.status == RunStatus.draft:
        raise Conflict(
            f"payroll run {run_id} is a draft; payslips are issued at approval", code="run_not_approved"
        )
    return run_payslips(session, run_id=run_id)


def payslip_render_jobs(session: Session, *, run_id: int) -> list[tuple[int, str, dict[str, Any], str]]:
    """(payslip id, number, snapshot, language) of each issued payslip of a run without a stored PDF."""
    return [
        (payslip.id, payslip.number, payslip.snapshot, str(payslip.language))
        for payslip in issued_payslips(session, run_id=run_id)
        if payslip.pdf_sha256 is None
    ]


def store_payslip_pdfs(session: Session, *, pdfs: dict[int, bytes]) -> None:
    """Store each payslip's PDF and SHA-256, once: a payslip that already has a PDF keeps it."""
    for payslip_id, pdf in sorted(pdfs.items()):
        payslip = session.get(Payslip, payslip_id)
        if payslip is None:
            raise NotFound(f"payslip {payslip_id} does not exist")
        if payslip.pdf_sha256 is None:
            payslip.pdf = pdf
            payslip.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.flush()


def payslip_pdf(payslip: Payslip, *, language: str | None = None) -> bytes:
    """The payslip PDF in ``language`` (default: the member's): the stored one when it is in that language,
    else rendered from the snapshot (the same bytes)."""
    chosen = language or str(payslip.language)
    if chosen == str(payslip.language) and payslip.pdf is not None:
        return payslip.pdf
    return render_payslip_pdf(number=payslip.number, snapshot=payslip.snapshot, language=chosen)


def run_payslips_zip(session: Session, *, run_id: int) -> bytes:
    """Every issued payslip of a run as PDFs in one zip, each in the member's language."""
    return zip_documents(
        [
            (f"{payslip.number}.pdf", payslip_pdf(payslip))
            for payslip in issued_payslips(session, run_id=run_id)
        ]
    )

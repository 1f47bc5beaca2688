"""payroll.md §6: the payslip PDF in Swedish or English from the stored snapshot; a run's payslips zipped."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service
from kooperativet.payroll.documents import render_payslip_pdf
from tests.payroll.conftest import create_and_approve


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_payslip_shows_what_section_6_asks_in_either_language(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )
    [payslip] = service.run_payslips(session, run_id=run.id)

    swedish = api.get(f"/api/v1/payslips/{payslip.id}/pdf", headers=alva.headers)
    assert swedish.status_code == 200
    text = _text(swedish.content)
    for expected in (
        "Lönespecifikation", "L2026-00001", "Testkooperativet", "769600-1234", "19900514-****",
        "Semesterersättning 12 %", "ingår", "12 772,57", "Skatteavdrag", "fast procentsats 30 %",
        "10 014,28", "****6789", "Hittills i år", "31,42 %",
    ):  # fmt: skip
        assert expected in text, expected
    assert "199005141230" not in text
    english = _text(api.get(f"/api/v1/payslips/{payslip.id}/pdf?language=en", headers=alva.headers).content)
    assert "Payslip" in english
    assert "12,772.57" in english
    assert (
        render_payslip_pdf(number=payslip.number, snapshot=payslip.snapshot, language="sv") == swedish.content
    )

    jobs = service.payslip_render_jobs(session, run_id=run.id)
    service.store_payslip_pdfs(session, pdfs={jobs[0][0]: swedish.content})
    assert service.payslip_render_jobs(session, run_id=run.id) == []
    archive = api.get(f"/api/v1/payroll-runs/{run.id}/payslips.zip", headers=treasurer.headers)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert opened.namelist() == ["L2026-00001.pdf"]
        assert opened.read("L2026-00001.pdf") == swedish.content

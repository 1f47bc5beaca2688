"""The document pipeline on payslips: approving a run renders its payslip PDFs right after the commit, from
each payslip's snapshot and in the member's language, and stores them once."""

from __future__ import annotations

import hashlib
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service
from kooperativet.payroll.documents import render_payslip_pdf
from kooperativet.payroll.models import Payslip
from tests.payroll.conftest import create_and_approve

RUNS = "/api/v1/payroll-runs"


def test_the_payslip_pdfs_exist_from_the_approval_on(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva, bo = make_member(), make_member()
    paid_assignment(alva.member, "20000.00")
    paid_assignment(bo.member, "10000.00")
    draft = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers).json()

    approved = api.post(f"{RUNS}/{draft['id']}/approve", headers=treasurer.headers)

    assert approved.status_code == 200, approved.text
    shown = approved.json()["payslips"]
    assert len(shown) == 2
    for payslip_read in shown:
        payslip = session.get_one(Payslip, payslip_read["id"])
        session.refresh(payslip)
        assert payslip.pdf is not None
        read = api.get(f"/api/v1/payslips/{payslip.id}", headers=treasurer.headers).json()
        assert hashlib.sha256(payslip.pdf).hexdigest() == payslip.pdf_sha256 == read["pdf_sha256"]
        assert payslip.pdf == render_payslip_pdf(
            number=payslip.number, snapshot=payslip.snapshot, language=str(payslip.language)
        )
    assert service.payslip_render_jobs(session, run_id=draft["id"]) == []


def test_another_language_is_rendered_on_demand_and_not_stored(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    draft = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers).json()
    [payslip_read] = api.post(f"{RUNS}/{draft['id']}/approve", headers=treasurer.headers).json()["payslips"]

    english = api.get(f"/api/v1/payslips/{payslip_read['id']}/pdf?language=en", headers=alva.headers)
    stored = api.get(f"/api/v1/payslips/{payslip_read['id']}/pdf", headers=alva.headers)

    assert english.status_code == stored.status_code == 200
    read = api.get(f"/api/v1/payslips/{payslip_read['id']}", headers=alva.headers).json()
    assert hashlib.sha256(stored.content).hexdigest() == read["pdf_sha256"]
    assert english.content != stored.content
    payslip = session.get_one(Payslip, payslip_read["id"])
    session.refresh(payslip)
    assert payslip.pdf == stored.content


def test_a_pending_payslip_is_rendered_and_stored_by_its_download(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )  # through the service alone: nothing was rendered
    [payslip] = service.run_payslips(session, run_id=run.id)
    assert payslip.pdf_sha256 is None

    download = api.get(f"/api/v1/payslips/{payslip.id}/pdf", headers=alva.headers)

    assert download.status_code == 200, download.text
    read = api.get(f"/api/v1/payslips/{payslip.id}", headers=alva.headers).json()
    assert read["pdf_sha256"] == hashlib.sha256(download.content).hexdigest()
    assert api.get(f"/api/v1/payslips/{payslip.id}/pdf", headers=alva.headers).content == download.content

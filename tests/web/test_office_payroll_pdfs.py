"""How far the workers have come with an approved run's payslip PDFs: on the run's page in words, and in the
API's answer for the run (``payslip_pdfs``), both read in one query."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import PayrollRun, Payslip, RunStatus
from kooperativet.payroll.service.payslip_pdfs import PdfProgress, payslip_pdf_progress
from tests.exports.conftest import EXPORT_DAY, PAY_DATE, approved_run, export_day, exporter
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]

RUNS = "/api/v1/payroll-runs"


def _store_first_pdf(session: Session, run_id: int) -> None:
    """The first payslip's PDF stored, as a worker would; the others still pending."""
    first, *_ = payroll_service.run_payslips(session, run_id=run_id)
    payroll_service.store_payslip_pdfs(session, pdfs={first.id: b"%PDF-1.7 the first payslip"})
    session.flush()


def test_the_run_page_says_how_many_payslip_pdfs_are_ready(
    browser_client: TestClient, session: Session, approved_run
) -> None:
    run_id = approved_run.run.id
    _store_first_pdf(session, run_id)
    sign_in(browser_client, approved_run.treasurer.user.email)

    page = browser_client.get(f"/office/payroll/{run_id}")

    assert page.status_code == 200
    assert "Lönespecifikationer som PDF" in page.text
    assert "1 av 3 lönespecifikationer klara" in page.text
    assert "Bakgrundsarbetet skapar lönespecifikationerna efter godkännandet" in page.text


def test_the_api_answers_with_the_payslip_pdfs_stored_of_the_run(
    api: TestClient, session: Session, approved_run
) -> None:
    run_id = approved_run.run.id
    headers = approved_run.treasurer.headers
    assert api.get(f"{RUNS}/{run_id}", headers=headers).json()["payslip_pdfs"] == {"rendered": 0, "total": 3}

    _store_first_pdf(session, run_id)

    assert api.get(f"{RUNS}/{run_id}", headers=headers).json()["payslip_pdfs"] == {"rendered": 1, "total": 3}


def test_a_draft_has_no_payslip_pdfs_and_its_page_says_nothing_of_them(
    api: TestClient, browser_client: TestClient, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    paid_assignment(make_member().member, "20000.00")
    draft = api.post(RUNS, json={"pay_date": "2026-11-25"}, headers=treasurer.headers).json()

    assert draft["payslip_pdfs"] is None
    assert api.get(f"{RUNS}/{draft['id']}", headers=treasurer.headers).json()["payslip_pdfs"] is None
    sign_in(browser_client, treasurer.user.email)
    assert "Lönespecifikationer som PDF" not in browser_client.get(f"/office/payroll/{draft['id']}").text


def test_approving_on_the_page_has_the_payslip_pdfs_rendered_as_the_apis_approval_does(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    paid_assignment(alva.member, "20000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=PAY_DATE, pay_on=None, created_by_id=None
    ).run
    sign_in(browser_client, treasurer.user.email)
    path = f"/office/payroll/{draft.id}"

    approved = browser_client.post(
        f"{path}/approve", data={"csrf_token": form_token(browser_client.get(path).text)}
    )

    assert approved.status_code == 303, approved.text
    session.expire_all()
    assert session.get_one(PayrollRun, draft.id).status == RunStatus.approved
    [payslip] = payroll_service.run_payslips(session, run_id=draft.id)
    assert session.get_one(Payslip, payslip.id).pdf_sha256 is not None  # rendered after the commit (inline)
    page = browser_client.get(path).text
    assert "1 av 1 lönespecifikation klar" in page
    assert "Bakgrundsarbetet skapar" not in page  # nothing left to wait for


def test_the_progress_is_one_query(session: Session, connection, approved_run, count_statements) -> None:
    run_id = approved_run.run.id
    _store_first_pdf(session, run_id)

    with count_statements() as counter:
        progress = payslip_pdf_progress(session, run_id=run_id)

    assert progress == PdfProgress(rendered=1, total=3)
    assert counter.count == 1

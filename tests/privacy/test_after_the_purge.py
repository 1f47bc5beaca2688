"""What the office and the API can still read of a payroll run once one of its payees was purged after the
retention period: every read answers, with nothing erased shown as ``None``, and what needs the erased data
is refused with 409/404 ``erased_after_retention`` and says why (docs/personal-data.md)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.formats import sie_read
from kooperativet.privacy.purge import purge_after_retention
from tests.exports.conftest import ApprovedRun
from tests.privacy.purged import DUE, PURGED_AT, member_on, remove, with_documents


def _purged_alva(session: Session, run: ApprovedRun, make_user) -> tuple[int, int, str]:
    """Alva removed and purged; her member id, her payslip's id and the personnummer she had."""
    alva, payslip = member_on(session, run, 0)
    number = alva.personal_identity_number
    assert number is not None
    with_documents(session, alva, payslip)
    remove(session, alva, make_user)
    purge_after_retention(session, today=DUE, now=PURGED_AT)
    return alva.id, payslip.id, number


def test_the_salary_file_of_a_run_with_a_purged_payee_is_refused_and_says_whose_bank_details_went_when(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, _, _ = _purged_alva(session, approved_run, make_user)
    run_id = approved_run.run.id

    refused = api.post(
        "/api/v1/exports/pain001", json={"run_id": run_id}, headers=approved_run.treasurer.headers
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "erased_after_retention"), refused.text
    assert refused.json()["detail"] == (
        f"the bank details of payroll run {run_id}'s payees were erased after the retention period "
        f"(member {alva_id} on 2034-01-01); a payment file of the run cannot be made again"
    )
    assert "None" not in refused.text


def test_the_bookkeeping_file_of_the_purged_period_names_her_by_her_pseudonym_and_holds_no_identity(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, _, number = _purged_alva(session, approved_run, make_user)
    headers = approved_run.treasurer.headers

    batch = api.post("/api/v1/exports/sie", json={"from": "2026-11-01", "to": "2026-11-30"}, headers=headers)

    assert batch.status_code == 201, batch.text
    content = api.get(f"/api/v1/exports/{batch.json()['id']}/file", headers=headers).content
    texts = [voucher.text for voucher in sie_read.read(content).vouchers]
    assert f"Utlägg Borttagen medlem {alva_id}: Tåg" in texts
    # A SIE file names members only in the texts of their outlays: no personnummer, no account.
    for identity in (number, number[:8], "123456789"):
        assert identity.encode() not in content


def test_the_run_and_its_payslips_read_with_her_pseudonym_and_her_pdf_is_refused_in_any_language(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, payslip_id, _ = _purged_alva(session, approved_run, make_user)
    headers = approved_run.treasurer.headers
    run_id = approved_run.run.id
    pseudonym = f"Borttagen medlem {alva_id}"

    run = api.get(f"/api/v1/payroll-runs/{run_id}", headers=headers)
    listed = api.get(f"/api/v1/payslips?run_id={run_id}", headers=headers)
    one = api.get(f"/api/v1/payslips/{payslip_id}", headers=headers)

    assert [run.status_code, listed.status_code, one.status_code] == [200, 200, 200]
    assert run.json()["payslips"][0]["member_name"] == pseudonym
    assert one.json()["net_pay"] == "10803.28"
    for answer in (run, listed, one):
        assert "None" not in answer.text
    for language in ("", "?language=sv", "?language=en"):
        pdf = api.get(f"/api/v1/payslips/{payslip_id}/pdf{language}", headers=headers)
        assert (pdf.status_code, pdf.json()["code"]) == (404, "erased_after_retention"), pdf.text


def test_the_payroll_summary_of_the_purged_run_leaves_her_personnummer_and_birth_date_empty(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    alva_id, _, _ = _purged_alva(session, approved_run, make_user)
    headers = approved_run.treasurer.headers
    run_id = approved_run.run.id

    summary = api.get(f"/api/v1/payroll-runs/{run_id}/summary?format=csv", headers=headers)

    assert summary.status_code == 200, summary.text
    rows = list(csv.DictReader(io.StringIO(summary.content.decode())))
    [hers] = [row for row in rows if row["member_id"] == str(alva_id)]
    assert (hers["member_name"], hers["personal_identity_number"], hers["birth_date"]) == (
        f"Borttagen medlem {alva_id}",
        "",
        "",
    )
    assert hers["net_pay"] == "10803.28"
    assert all(row["personal_identity_number"] for row in rows if row is not hers)
    for format_ in ("xlsx", "csv-sv"):
        answer = api.get(f"/api/v1/payroll-summary?period=2026-11&format={format_}", headers=headers)
        assert answer.status_code == 200, answer.text
    swedish = api.get(f"/api/v1/payroll-runs/{run_id}/summary?format=csv-sv", headers=headers)
    assert b"None" not in swedish.content


def test_the_run_s_zip_holds_the_other_payslips_and_names_the_one_erased(
    api: TestClient, session: Session, approved_run: ApprovedRun, make_user, export_day: date
) -> None:
    _purged_alva(session, approved_run, make_user)
    admin = make_user(Role.admin)

    archive = api.get(f"/api/v1/payroll-runs/{approved_run.run.id}/payslips.zip", headers=admin.headers)

    assert archive.status_code == 200, archive.text
    name = f"lonespecifikationer-korning-{approved_run.run.id}.zip"
    assert f'filename="{name}"' in archive.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        names = opened.namelist()
        note = opened.read("raderade-efter-lagringstiden.txt").decode()
    assert names == ["L2026-00002.pdf", "L2026-00003.pdf", "raderade-efter-lagringstiden.txt"]
    assert "L2026-00001" in note
    assert "raderades efter lagringstiden" in note
    assert "erased after the retention period" in note

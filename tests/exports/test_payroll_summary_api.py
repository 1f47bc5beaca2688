"""The payroll summary through the API: for programs (csv), and for the treasurer (xlsx, csv-sv)."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.exports.formats.payroll_summary import COLUMNS
from kooperativet.payroll.models import Payslip
from tests.exports.conftest import ApprovedRun


def _net_pays(session: Session, run: ApprovedRun) -> list[str]:
    payslips = session.scalars(
        select(Payslip).where(Payslip.run_id == run.run.id).order_by(Payslip.pay_date, Payslip.sequence)
    )
    return [str(line.net_pay) for payslip in payslips for line in payslip.lines]


def test_the_swedish_csv_of_a_run_opens_in_swedish_excel(
    api: TestClient, session: Session, approved_run: ApprovedRun
) -> None:
    response = api.get(
        f"/api/v1/payroll-runs/{approved_run.run.id}/summary",
        params={"format": "csv-sv"},
        headers=approved_run.treasurer.headers,  # type: ignore[attr-defined]
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="payroll-summary-run-{approved_run.run.id}-sv.csv"'
        in response.headers["content-disposition"]
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert header[:3] == ["Lönespecifikation (id)", "Lönekörning (id)", "Utbetalningsdag"]
    assert header[-1] == "Att utbetala"
    net_pay = COLUMNS.index("net_pay")
    assert [row[net_pay] for row in rows] == [
        value.replace(".", ",") for value in _net_pays(session, approved_run)
    ]
    assert {row[COLUMNS.index("pay_date")] for row in rows} == {"2026-11-25"}
    assert sorted(row[COLUMNS.index("contribution_category")] for row in rows) == [
        "endast ålderspensionsavgift",
        "full avgift",
        "ungdomsnedsättning",
    ]


def test_the_xlsx_and_the_swedish_csv_of_a_period_hold_the_same_payouts(
    api: TestClient, session: Session, approved_run: ApprovedRun
) -> None:
    headers = approved_run.treasurer.headers  # type: ignore[attr-defined]

    xlsx = api.get("/api/v1/payroll-summary", params={"period": "2026-11", "format": "xlsx"}, headers=headers)
    swedish = api.get(
        "/api/v1/payroll-summary", params={"period": "2026-11", "format": "csv-sv"}, headers=headers
    )

    assert (xlsx.status_code, swedish.status_code) == (200, 200)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    payouts = values[1:-2]
    net_pay = COLUMNS.index("net_pay")
    assert [f"{value[net_pay]:.2f}" for value in payouts] == _net_pays(session, approved_run)
    assert values[-1][0] == "Summa"
    # The sum row adds what adds up; the base already paid earlier in the month is a running figure, left
    # blank, and the category column is named as what it holds.
    assert values[-1][COLUMNS.index("net_pay")] == sum(value[net_pay] for value in payouts)
    assert values[-1][COLUMNS.index("contribution_base_month_to_date_before")] is None
    assert values[0][COLUMNS.index("contribution_category")] == "Avgiftskategori"
    rows = list(csv.reader(io.StringIO(swedish.content.decode("utf-8-sig")), delimiter=";"))[1:]
    assert [row[net_pay] for row in rows] == [f"{value[net_pay]:.2f}".replace(".", ",") for value in payouts]


def test_an_unknown_format_is_a_422(api: TestClient, approved_run: ApprovedRun) -> None:
    response = api.get(
        "/api/v1/payroll-summary",
        params={"period": "2026-11", "format": "ods"},
        headers=approved_run.treasurer.headers,  # type: ignore[attr-defined]
    )

    assert response.status_code == 422

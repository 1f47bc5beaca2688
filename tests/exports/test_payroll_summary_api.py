"""The payroll summary through the API: for programs (csv), and for the treasurer (xlsx, csv-sv), the
latter showing the extra tax a member asked for."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.formats.payroll_summary import COLUMNS, SWEDISH_COLUMNS
from kooperativet.parties.models import TaxMode
from kooperativet.payroll.models import Payslip
from tests.exports.conftest import PAY_DATE, ApprovedRun
from tests.payroll.conftest import create_and_approve, set_tax


def _payslips(session: Session, run: ApprovedRun) -> list[Payslip]:
    return list(
        session.scalars(
            select(Payslip).where(Payslip.run_id == run.run.id).order_by(Payslip.pay_date, Payslip.sequence)
        )
    )


def _net_pays(session: Session, run: ApprovedRun) -> list[str]:
    return [str(line.net_pay) for payslip in _payslips(session, run) for line in payslip.lines]


def _numbers(session: Session, run: ApprovedRun) -> list[str]:
    """Each payout's payslip number, as the payslip PDF prints it (``L2026-00001``)."""
    return [payslip.number for payslip in _payslips(session, run) for _ in payslip.lines]


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
    name = f"lonesammanstallning-korning-{approved_run.run.id}-sv.csv"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    assert header[:4] == [
        "Lönespecifikation (id)",
        "Lönespecifikation (nummer)",
        "Lönekörning (id)",
        "Utbetalningsdag",
    ]
    assert header[-1] == "Att utbetala"
    assert [row[1] for row in rows] == _numbers(session, approved_run)
    assert all(re.fullmatch(r"L2026-\d{5}", row[1]) for row in rows)
    net_pay = SWEDISH_COLUMNS.index("net_pay")
    assert [row[net_pay] for row in rows] == [
        value.replace(".", ",") for value in _net_pays(session, approved_run)
    ]
    assert {row[SWEDISH_COLUMNS.index("pay_date")] for row in rows} == {"2026-11-25"}
    assert sorted(row[SWEDISH_COLUMNS.index("contribution_category")] for row in rows) == [
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
    assert 'filename="lonesammanstallning-2026-11.xlsx"' in xlsx.headers["content-disposition"]
    assert 'filename="lonesammanstallning-2026-11-sv.csv"' in swedish.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    payouts = values[1:-2]
    net_pay = SWEDISH_COLUMNS.index("net_pay")
    assert [f"{value[net_pay]:.2f}" for value in payouts] == _net_pays(session, approved_run)
    number = SWEDISH_COLUMNS.index("payslip_number")
    assert [value[number] for value in payouts] == _numbers(session, approved_run)
    assert values[0][number] == "Lönespecifikation (nummer)"
    assert values[-1][0] == "Summa"
    # The sum row adds what adds up; the base already paid earlier in the month is a running figure, left
    # blank, and the category column is named as what it holds.
    assert values[-1][SWEDISH_COLUMNS.index("net_pay")] == sum(value[net_pay] for value in payouts)
    assert values[-1][SWEDISH_COLUMNS.index("contribution_base_month_to_date_before")] is None
    assert values[0][SWEDISH_COLUMNS.index("contribution_category")] == "Avgiftskategori"
    rows = list(csv.reader(io.StringIO(swedish.content.decode("utf-8-sig")), delimiter=";"))[1:]
    assert [row[net_pay] for row in rows] == [f"{value[net_pay]:.2f}".replace(".", ",") for value in payouts]


def test_an_unknown_format_is_a_422(api: TestClient, approved_run: ApprovedRun) -> None:
    response = api.get(
        "/api/v1/payroll-summary",
        params={"period": "2026-11", "format": "ods"},
        headers=approved_run.treasurer.headers,  # type: ignore[attr-defined]
    )

    assert response.status_code == 422


def test_the_swedish_files_show_the_extra_tax_a_member_asked_for_and_the_program_csv_does_not(
    api: TestClient, session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    """Alva asked for 1 000 kr a month on top of her 30 % (payroll.md §3): her tax of 5 291 kr is 4 291 kr
    at 30 % of 14 305.28 and the 1 000 kr, which the XLSX and the Swedish CSV show beside it; Bertil asked
    for none. The program CSV keeps the columns of exports.md, its tax the whole amount withheld."""
    treasurer = make_user(Role.treasurer)
    alva, bertil = make_member(), make_member()
    set_tax(
        session,
        alva.member,
        valid_from=date(2026, 1, 1),
        mode=TaxMode.flat,
        percent=Decimal("30"),
        extra_monthly_tax=Decimal("1000"),
    )
    paid_assignment(alva.member, "20000.00")
    paid_assignment(bertil.member, "15000.00")
    create_and_approve(session, today=date(2026, 11, 20), pay_date=PAY_DATE, approved_by_id=treasurer.user.id)

    def summary(format_: str) -> bytes:
        answer = api.get(
            "/api/v1/payroll-summary",
            params={"period": "2026-11", "format": format_},
            headers=treasurer.headers,
        )
        assert answer.status_code == 200, answer.text
        return answer.content

    members = {alva.member.id: "alva", bertil.member.id: "bertil"}
    sheet = load_workbook(io.BytesIO(summary("xlsx"))).active
    assert sheet is not None
    header, *payouts, _, total = (
        dict(zip(SWEDISH_COLUMNS, values, strict=True)) for values in sheet.iter_rows(values_only=True)
    )
    assert (header["tax"], header["extra_tax"]) == ("Skatteavdrag", "Varav extra skatteavdrag")
    xlsx = {members[cells["member_id"]]: cells for cells in payouts}
    assert [Decimal(repr(xlsx["alva"][column])) for column in ("taxable_pay", "tax", "extra_tax")] == [
        Decimal("14305.28"),
        Decimal("5291.00"),
        Decimal("1000.00"),
    ]
    assert Decimal(repr(xlsx["bertil"]["extra_tax"])) == Decimal("0.00")
    assert Decimal(repr(total["extra_tax"])) == Decimal("1000.00")
    assert Decimal(repr(total["tax"])) == sum(Decimal(repr(cells["tax"])) for cells in payouts)

    swedish = list(csv.reader(io.StringIO(summary("csv-sv").decode("utf-8-sig")), delimiter=";"))
    records = {
        members[int(record["member_id"])]: record
        for record in (dict(zip(SWEDISH_COLUMNS, cells, strict=True)) for cells in swedish[1:])
    }
    assert swedish[0][SWEDISH_COLUMNS.index("extra_tax")] == "Varav extra skatteavdrag"
    assert (records["alva"]["tax"], records["alva"]["extra_tax"]) == ("5291,00", "1000,00")
    assert records["bertil"]["extra_tax"] == "0,00"

    program = list(csv.DictReader(io.StringIO(summary("csv").decode("utf-8"))))
    assert list(program[0]) == list(COLUMNS)
    assert "payslip_number" not in program[0]  # the program CSV's columns are a contract (exports.md)
    [hers] = [record for record in program if record["member_id"] == str(alva.member.id)]
    assert (hers["tax_percent"], hers["tax"], hers["net_pay"]) == ("30", "5291.00", "9014.28")

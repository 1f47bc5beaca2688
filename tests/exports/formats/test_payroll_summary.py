"""exports.md "Payroll summary": exactly its columns, its number formats, and a totals row in the XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from kooperativet.exports.formats.payroll_summary import COLUMNS, PayrollSummaryRow, render_csv, render_xlsx

#: Copied from exports.md, "Payroll summary".
EXPORTS_MD_COLUMNS = [
    "payslip_id", "run_id", "pay_date", "member_id", "member_name", "personal_identity_number", "birth_date",
    "assignment_id", "invoice_number", "invoiced_amount", "fee_rate", "fee", "pool", "gross_salary",
    "holiday_pay", "contribution_category", "contribution_base_month_to_date_before",
    "employer_contributions", "residue", "taxable_pay", "tax_mode", "tax_percent", "tax",
    "expense_reimbursement", "net_pay",
]  # fmt: skip


def row(**changes: object) -> PayrollSummaryRow:
    """Worked example A (payroll.md §4)."""
    values: dict[str, object] = {
        "payslip_id": 1, "run_id": 1, "pay_date": date(2026, 11, 25), "member_id": 7,
        "member_name": "Alva Lindqvist", "personal_identity_number": "199005141230",
        "birth_date": date(1990, 5, 14), "assignment_id": 3, "invoice_number": "2026-0001",
        "invoiced_amount": Decimal("20000.00"), "fee_rate": Decimal("0.060000"), "fee": Decimal("1200.00"),
        "pool": Decimal("18800.00"), "gross_salary": Decimal("12772.57"), "holiday_pay": Decimal("1532.71"),
        "contribution_category": "full", "contribution_base_month_to_date_before": Decimal("0.00"),
        "employer_contributions": Decimal("4494.72"), "residue": Decimal("0.00"),
        "taxable_pay": Decimal("14305.28"), "tax_mode": "flat", "tax_percent": Decimal("30.00"),
        "tax": Decimal("4291.00"), "expense_reimbursement": Decimal("0.00"), "net_pay": Decimal("10014.28"),
    }  # fmt: skip
    values.update(changes)
    return PayrollSummaryRow(**values)  # type: ignore[arg-type]


def test_the_columns_are_exactly_those_of_exports_md_in_order() -> None:
    assert list(COLUMNS) == EXPORTS_MD_COLUMNS


def test_a_csv_row_uses_plain_decimals_iso_dates_and_percent_as_written() -> None:
    file = render_csv([row(), row(tax_mode="table", tax_percent=None)], filename="summary.csv")
    header, first, table = list(csv.reader(io.StringIO(file.content.decode("utf-8"))))
    assert header == EXPORTS_MD_COLUMNS
    record = dict(zip(header, first, strict=True))
    assert record["pay_date"] == "2026-11-25"
    assert record["personal_identity_number"] == "199005141230"
    assert (record["fee_rate"], record["tax_percent"], record["gross_salary"]) == ("0.06", "30", "12772.57")
    assert dict(zip(header, table, strict=True))["tax_percent"] == ""
    assert file.media_type.startswith("text/csv")


def test_the_xlsx_has_the_same_columns_and_a_totals_row_and_the_same_bytes_each_time() -> None:
    created = datetime(2026, 11, 20, 12, tzinfo=UTC)
    rows = [row(), row(payslip_id=2, tax=Decimal("1.00"))]
    file = render_xlsx(rows, filename="summary.xlsx", created_at=created)
    sheet = load_workbook(io.BytesIO(file.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == EXPORTS_MD_COLUMNS
    totals = dict(zip(EXPORTS_MD_COLUMNS, values[-1], strict=True))
    assert totals["payslip_id"] == "total"
    assert Decimal(str(totals["tax"])) == Decimal("4292.00")
    assert Decimal(str(totals["net_pay"])) == Decimal("20028.56")
    assert render_xlsx(rows, filename="summary.xlsx", created_at=created).content == file.content


FORMULAS = ['=HYPERLINK("http://x.example","klicka")', "+46 70 123", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_a_csv_text_cell_never_starts_a_formula_and_amounts_stay_numbers() -> None:
    rows = [row(member_name=name, invoice_number=name) for name in FORMULAS]
    rows.append(row(gross_salary=Decimal("-12.50")))

    file = render_csv(rows, filename="summary.csv")

    records = [
        dict(zip(COLUMNS, cells, strict=True)) for cells in csv.reader(io.StringIO(file.content.decode()))
    ]
    assert [record["member_name"] for record in records[1:-1]] == ["'" + name for name in FORMULAS]
    assert [record["invoice_number"] for record in records[1:-1]] == ["'" + name for name in FORMULAS]
    assert records[-1]["member_name"] == "Alva Lindqvist"
    assert records[-1]["gross_salary"] == "-12.50"


def test_an_xlsx_text_cell_is_a_string_never_a_formula() -> None:
    rows = [row(member_name=name, invoice_number=name) for name in FORMULAS]

    file = render_xlsx(rows, filename="summary.xlsx", created_at=datetime(2026, 11, 20, 12, tzinfo=UTC))

    sheet = load_workbook(io.BytesIO(file.content)).active
    assert sheet is not None
    names = [cells[COLUMNS.index("member_name")] for cells in sheet.iter_rows(min_row=2, max_row=7)]
    assert [(cell.value, cell.data_type) for cell in names] == [(name, "s") for name in FORMULAS]
    assert sheet.cell(row=2, column=COLUMNS.index("gross_salary") + 1).data_type == "n"
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")

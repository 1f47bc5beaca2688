"""The payroll summary as CSV and XLSX (exports.md, "Payroll summary"): one row per payout.

Pure: rows of plain values in, bytes out. The columns, their order and names are exactly those of
exports.md; amounts are plain decimals with a dot and two decimals, ``fee_rate`` a decimal fraction,
``tax_percent`` a percent (empty in table mode), dates ISO. The XLSX adds a totals row.

No text cell carries a formula (OWASP, "CSV Injection"): in the CSV a text starting with ``= + - @``, tab
or CR gets a leading ``'``; in the XLSX every text is a string cell, which no spreadsheet program runs.
Amounts stay numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from kooperativet.core.money import ZERO, format_amount
from kooperativet.core.text import spreadsheet_text
from kooperativet.exports.formats import ExportFile

COLUMNS: Final = (
    "payslip_id", "run_id", "pay_date", "member_id", "member_name", "personal_identity_number", "birth_date",
    "assignment_id", "invoice_number", "invoiced_amount", "fee_rate", "fee", "pool", "gross_salary",
    "holiday_pay", "contribution_category", "contribution_base_month_to_date_before",
    "employer_contributions", "residue", "taxable_pay", "tax_mode", "tax_percent", "tax",
    "expense_reimbursement", "net_pay",
)  # fmt: skip

AMOUNT_COLUMNS: Final = (
    "invoiced_amount", "fee", "pool", "gross_salary", "holiday_pay", "contribution_base_month_to_date_before",
    "employer_contributions", "residue", "taxable_pay", "tax", "expense_reimbursement", "net_pay",
)  # fmt: skip

CSV_MEDIA_TYPE: Final = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_DATE_TIME: Final = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollSummaryRow:
    """One payout (one assignment on one payslip); field names and order are the export's columns."""

    payslip_id: int
    run_id: int
    pay_date: date
    member_id: int
    member_name: str
    personal_identity_number: str  # 12 digits
    birth_date: date
    assignment_id: int
    invoice_number: str
    invoiced_amount: Decimal
    fee_rate: Decimal
    fee: Decimal
    pool: Decimal
    gross_salary: Decimal
    holiday_pay: Decimal
    contribution_category: str
    contribution_base_month_to_date_before: Decimal
    employer_contributions: Decimal
    residue: Decimal
    taxable_pay: Decimal
    tax_mode: str
    tax_percent: Decimal | None
    tax: Decimal
    expense_reimbursement: Decimal
    net_pay: Decimal


assert tuple(field.name for field in fields(PayrollSummaryRow)) == COLUMNS


def _plain(value: Decimal) -> str:
    """``0.060000`` → ``0.06``, ``30.00`` → ``30``, ``22.50`` → ``22.5``: no exponent, no trailing zeros."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        normalized = normalized.quantize(Decimal(1))
    return f"{normalized:f}"


def _cell_text(row: PayrollSummaryRow, column: str) -> str:
    value = getattr(row, column)
    if column in AMOUNT_COLUMNS:
        return format_amount(value)
    if column in ("fee_rate", "tax_percent"):
        return "" if value is None else _plain(value)
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


def render_csv(rows: Sequence[PayrollSummaryRow], *, filename: str) -> ExportFile:
    """The summary as UTF-8 CSV with a header row, comma-separated, lines ending in CRLF (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell_text(row, column) for column in COLUMNS])
    return ExportFile(filename=filename, media_type=CSV_MEDIA_TYPE, content=buffer.getvalue().encode("utf-8"))


def totals(rows: Sequence[PayrollSummaryRow]) -> dict[str, Decimal]:
    return {column: sum((getattr(row, column) for row in rows), ZERO) for column in AMOUNT_COLUMNS}


def render_xlsx(rows: Sequence[PayrollSummaryRow], *, filename: str, created_at: datetime) -> ExportFile:
    """The summary as an XLSX sheet with the same columns plus a totals row; amounts are numbers (0.00).

    ``created_at`` is written as the workbook's creation time and the zip entries carry a fixed time, so the
    same rows give the same bytes.
    """
    from openpyxl import Workbook  # imported here: only this writer needs it
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "payroll_summary"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_xlsx_value(row, column) for column in COLUMNS])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
    summed = totals(rows)
    sheet.append([("total" if column == COLUMNS[0] else summed.get(column)) for column in COLUMNS])
    for column_index, column in enumerate(COLUMNS, start=1):
        if column in AMOUNT_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column_index, max_col=column_index):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    naive = created_at.replace(tzinfo=None)
    workbook.properties.created = naive
    workbook.properties.modified = naive
    workbook.properties.creator = "kooperativet"
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the current time as the modification time.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return ExportFile(
        filename=filename, media_type=XLSX_MEDIA_TYPE, content=_fixed_zip_times(buffer.getvalue())
    )


def _xlsx_value(row: PayrollSummaryRow, column: str) -> object:
    value = getattr(row, column)
    if column in AMOUNT_COLUMNS:
        return value
    if column in ("fee_rate", "tax_percent"):
        return None if value is None else Decimal(_plain(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fixed_zip_times(content: bytes) -> bytes:
    """The same zip with every entry's time fixed, so that saving twice gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()

"""The payroll summary (exports.md, "Payroll summary"): one row per payout, in three files.

Pure: rows of plain values in, bytes out.

- ``render_csv``: for programs — the column keys of exports.md, comma-separated, amounts with a dot and two
  decimals, ``fee_rate`` a decimal fraction, ``tax_percent`` a percent (empty in table mode), dates ISO.
- ``render_xlsx``: for the treasurer — Swedish headers and words, dates as date cells shown ``ÅÅÅÅ-MM-DD``,
  amounts as number cells with two decimals and thousands grouping, percentages as numbers, and a totals
  row below an empty row (so that sorting the table leaves it out).
- ``render_csv_sv``: the same sheet as CSV for Swedish Excel — ``;``-separated, decimal comma, no thousands
  separator, UTF-8 with a byte-order mark; no totals row.

No text cell carries a formula (OWASP, "CSV Injection"): in the CSVs a text starting with ``= + - @``, tab
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
from typing import Any, Final

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


#: The Swedish header of each column in the XLSX and the Swedish CSV.
SWEDISH_HEADERS: Final = {
    "payslip_id": "Lönespecifikation (id)",
    "run_id": "Lönekörning (id)",
    "pay_date": "Utbetalningsdag",
    "member_id": "Medlem (id)",
    "member_name": "Namn",
    "personal_identity_number": "Personnummer",
    "birth_date": "Födelsedatum",
    "assignment_id": "Uppdrag (id)",
    "invoice_number": "Fakturanummer",
    "invoiced_amount": "Fakturerat belopp",
    "fee_rate": "Avgift (%)",
    "fee": "Kooperativets avgift",
    "pool": "Lönepott",
    "gross_salary": "Bruttolön",
    "holiday_pay": "Semesterersättning",
    "contribution_category": "Avgiftskategori",
    "contribution_base_month_to_date_before": "Avgiftsunderlag tidigare i månaden",
    "employer_contributions": "Arbetsgivaravgifter",
    "residue": "Avrundning",
    "taxable_pay": "Skattepliktig lön",
    "tax_mode": "Skatteavdrag enligt",
    "tax_percent": "Skatt (%)",
    "tax": "Skatteavdrag",
    "expense_reimbursement": "Utläggsersättning",
    "net_pay": "Att utbetala",
}
#: The Swedish words for the stored keys (as on the payslip).
SWEDISH_WORDS: Final = {
    "contribution_category": {
        "full": "full avgift",
        "pension_only": "endast ålderspensionsavgift",
        "youth": "ungdomsnedsättning",
        "none": "ingen avgift",
    },
    "tax_mode": {"flat": "fast procentsats", "table": "skattetabell", "sink": "SINK", "asink": "A-SINK"},
}
SWEDISH_TOTAL: Final = "Summa"
#: Number formats as ECMA-376 stores them, locale-neutral: in the stored code ``,`` groups thousands and
#: ``.`` is the decimal point; Excel shows them with the reader's separators (Swedish: ``12 772,57``).
AMOUNT_FORMAT: Final = "#,##0.00"
DATE_FORMAT: Final = "yyyy-mm-dd"
PERCENT_FORMAT: Final = "General"
_PERCENT_COLUMNS: Final = ("fee_rate", "tax_percent")
_DATE_COLUMNS: Final = ("pay_date", "birth_date")
_COLUMN_WIDTH: Final = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollSummaryRow:
    """One payout (one assignment on one payslip); field names and order are the export's columns."""

    payslip_id: int
    run_id: int
    pay_date: date
    member_id: int
    member_name: str
    #: 12 digits; both empty once the member was purged after the retention period (docs/personal-data.md).
    personal_identity_number: str | None
    birth_date: date | None
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
    if value is None:
        return ""
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


#: Amounts that a sum says nothing of: the base already paid earlier in the month is a running figure each
#: payout starts from (the youth cap's), so two rows of one member count the same kronor twice.
NOT_SUMMED: Final = frozenset({"contribution_base_month_to_date_before"})


def totals(rows: Sequence[PayrollSummaryRow]) -> dict[str, Decimal]:
    return {
        column: sum((getattr(row, column) for row in rows), ZERO)
        for column in AMOUNT_COLUMNS
        if column not in NOT_SUMMED
    }


def render_csv_sv(rows: Sequence[PayrollSummaryRow], *, filename: str) -> ExportFile:
    """The summary for Swedish Excel: Swedish headers and words, ``;`` between cells, decimal comma and no
    thousands separator (Excel would read ``12 772,57`` as text), ISO dates (Excel reads them as dates),
    UTF-8 with a byte-order mark (without it Excel reads the file as Windows-1252), lines ending in CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([SWEDISH_HEADERS[column] for column in COLUMNS])
    for row in rows:
        writer.writerow([_swedish_text(row, column) for column in COLUMNS])
    return ExportFile(
        filename=filename, media_type=CSV_MEDIA_TYPE, content=("\ufeff" + buffer.getvalue()).encode("utf-8")
    )


def render_xlsx(rows: Sequence[PayrollSummaryRow], *, filename: str, created_at: datetime) -> ExportFile:
    """The summary as an XLSX sheet "Lönesammanställning": Swedish headers, one row per payout, an empty
    row, then the totals. Dates are date cells (``ÅÅÅÅ-MM-DD``), amounts number cells (``# ##0,00``), the
    percentages plain numbers; the header row has a filter and stays in view.

    ``created_at`` is written as the workbook's creation time and the zip entries carry a fixed time, so the
    same rows give the same bytes.
    """
    from openpyxl import Workbook  # imported here: only this writer needs it
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    # Write-only: each row goes out as it is appended, with its cells' formats, instead of a sheet of cell
    # objects kept and then walked again column by column to set them; for a month of twenty thousand
    # payouts that took the file from about thirteen seconds to five.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lönesammanställning")
    for column_index in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(column_index)].width = _COLUMN_WIDTH
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    sheet.append([SWEDISH_HEADERS[column] for column in COLUMNS])
    formats = [_number_format(column) for column in COLUMNS]
    for row in rows:
        sheet.append(_cells(sheet, [_swedish_value(row, column) for column in COLUMNS], formats))
    summed = totals(rows)
    sheet.append([])
    total = [(SWEDISH_TOTAL if column == COLUMNS[0] else summed.get(column)) for column in COLUMNS]
    sheet.append(_cells(sheet, total, formats))
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


def _cells(sheet: Any, values: Sequence[object], formats: Sequence[str | None]) -> list[object]:
    """A row's cells: a text always a string cell (openpyxl would take one starting with ``=`` for a formula,
    and ``#N/A`` for an error), an amount, a date or a percentage with its number format."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[object] = []
    for value, number_format in zip(values, formats, strict=True):
        if value is None or (number_format is None and not isinstance(value, str)):
            cells.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if number_format is not None:
            cell.number_format = number_format
        cells.append(cell)
    return cells


def _number_format(column: str) -> str | None:
    if column in AMOUNT_COLUMNS:
        return AMOUNT_FORMAT
    if column in _DATE_COLUMNS:
        return DATE_FORMAT
    if column in _PERCENT_COLUMNS:
        return PERCENT_FORMAT
    return None


def _swedish_value(row: PayrollSummaryRow, column: str) -> object:
    """A cell of the Swedish sheet: amounts as they are, the fee as a percent (``0.06`` → 6), the
    personnummer as Swedes write it, the stored keys in Swedish words, dates as dates."""
    value = getattr(row, column)
    if column == "fee_rate":
        return Decimal(_plain(value * 100))
    if column == "tax_percent":
        return None if value is None else Decimal(_plain(value))
    if column == "personal_identity_number":
        return f"{value[:8]}-{value[8:]}" if value is not None and len(value) == 12 else value
    if column in SWEDISH_WORDS:
        return SWEDISH_WORDS[column].get(value, value)
    return value


def _swedish_text(row: PayrollSummaryRow, column: str) -> str:
    value = _swedish_value(row, column)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format_amount(value) if column in AMOUNT_COLUMNS else _plain(value)
        return text.replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


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

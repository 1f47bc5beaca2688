"""The payroll summary (exports.md, "Payroll summary"): one row per payout, in three files.

Pure: rows of plain values in, bytes out.

- ``render_csv``: for programs — the column keys of exports.md, comma-separated, amounts with a dot and two
  decimals, ``fee_rate`` a decimal fraction, ``tax_percent`` a percent (empty in table mode), dates ISO.
- ``render_xlsx``: for the treasurer — Swedish headers and words, dates as date cells shown ``ÅÅÅÅ-MM-DD``,
  amounts as number cells with two decimals and thousands grouping, percentages as numbers, and a totals
  row below an empty row (so that sorting the table leaves it out). After the tax comes the part of it that
  is the extra tax the member asked for (``SWEDISH_COLUMNS``), which the program CSV's fixed columns leave
  out.
- ``render_csv_sv``: the same sheet as CSV for Swedish Excel — ``;``-separated, decimal comma, no thousands
  separator, UTF-8 with a byte-order mark; no totals row.

No text cell carries a formula (OWASP, "CSV Injection"): in the CSVs a text starting with ``= + - @``, tab
or CR gets a leading ``'``; in the XLSX every text is a string cell, which no spreadsheet program runs.
Amounts stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
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

_AFTER_TAX: Final = COLUMNS.index("tax") + 1
#: The columns of the XLSX and the Swedish CSV: the program's, and after the tax the part of it that is the
#: extra tax the member asked for (payroll.md §3), so that a tax above "Skatt (%)" of the taxable pay says
#: why. The program CSV's columns are a fixed contract (exports.md); its ``tax`` includes the extra.
SWEDISH_COLUMNS: Final = (*COLUMNS[:_AFTER_TAX], "extra_tax", *COLUMNS[_AFTER_TAX:])

AMOUNT_COLUMNS: Final = (
    "invoiced_amount", "fee", "pool", "gross_salary", "holiday_pay", "contribution_base_month_to_date_before",
    "employer_contributions", "residue", "taxable_pay", "tax", "extra_tax", "expense_reimbursement",
    "net_pay",
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
    "extra_tax": "Varav extra skatteavdrag",
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
    """One payout (one assignment on one payslip); field names and order are the Swedish files' columns,
    the program CSV's the same less ``extra_tax``."""

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
    #: Everything withheld, the extra tax included; ``extra_tax`` is that part of it (zero when none).
    tax: Decimal
    extra_tax: Decimal
    expense_reimbursement: Decimal
    net_pay: Decimal


# The row is the Swedish files' columns, which hold the program's in their order.
assert tuple(field.name for field in fields(PayrollSummaryRow)) == SWEDISH_COLUMNS


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
    writer.writerow([SWEDISH_HEADERS[column] for column in SWEDISH_COLUMNS])
    for row in rows:
        writer.writerow([_swedish_text(row, column) for column in SWEDISH_COLUMNS])
    return ExportFile(
        filename=filename, media_type=CSV_MEDIA_TYPE, content=("\ufeff" + buffer.getvalue()).encode("utf-8")
    )


def render_xlsx(rows: Sequence[PayrollSummaryRow], *, filename: str, created_at: datetime) -> ExportFile:
    """The summary as an XLSX sheet "Lönesammanställning": Swedish headers, one row per payout, an empty
    row, then the totals. Dates are date cells (``ÅÅÅÅ-MM-DD``), amounts number cells (``# ##0,00``), the
    percentages plain numbers; the header row has a filter and stays in view.

    ``created_at`` is written as the workbook's creation and modification time and the zip entries carry a
    fixed time, so the same rows give the same bytes.
    """
    import xlsxwriter  # imported here: only this writer needs it

    # XlsxWriter in constant-memory mode: each row goes out to a temporary file as soon as the next one
    # starts, with its cells' formats, and only one row is held. For twenty thousand payouts it writes the
    # sheet in well under half the time openpyxl's write-only sheet took (docs/exports.md, "Payroll summary").
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"constant_memory": True}) as workbook:
        # XlsxWriter writes "created" as both the creation and the modification time (else it takes now).
        workbook.set_properties({"created": created_at.replace(tzinfo=None), "author": "kooperativet"})
        sheet = workbook.add_worksheet("Lönesammanställning")
        columns = SWEDISH_COLUMNS
        sheet.set_column_pixels(0, len(columns) - 1, _COLUMN_PIXELS)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
        formats = {
            # Given by its number, Excel's built-in format 4 ("#,##0.00", AMOUNT_FORMAT) is stored as the
            # built-in format rather than as a custom format with the same code.
            AMOUNT_FORMAT: workbook.add_format({"num_format": _AMOUNT_FORMAT_ID}),
            DATE_FORMAT: workbook.add_format({"num_format": DATE_FORMAT}),
            PERCENT_FORMAT: workbook.add_format({"num_format": PERCENT_FORMAT}),
        }
        cell_formats = [None if code is None else formats[code] for code in map(_number_format, columns)]
        for index, column in enumerate(columns):
            _write_text(sheet, 0, index, SWEDISH_HEADERS[column])
        for row_index, row in enumerate(rows, start=1):
            _write_row(sheet, row_index, [_swedish_value(row, column) for column in columns], cell_formats)
        summed = totals(rows)
        total = [(SWEDISH_TOTAL if column == columns[0] else summed.get(column)) for column in columns]
        _write_row(sheet, len(rows) + 2, total, cell_formats)  # after one empty row
    return ExportFile(
        filename=filename, media_type=XLSX_MEDIA_TYPE, content=_fixed_zip_times(buffer.getvalue())
    )


#: Excel's built-in number format 4, whose code is ``#,##0.00`` (ECMA-376 Part 1, §18.8.30).
_AMOUNT_FORMAT_ID: Final = 4
#: XlsxWriter stores a width given in pixels as pixels / 7 (the default font's digit width), so this one as
#: ``<col width="16">``; a width given in characters it widens by the cell's padding.
_COLUMN_PIXELS: Final = _COLUMN_WIDTH * 7


def _write_row(sheet: Any, row_index: int, values: Sequence[object], formats: Sequence[Any]) -> None:
    """A row's cells: a text always a string cell (never ``write()``, which takes a text starting with ``=``
    for a formula), a date a date cell, a number a number cell, each with its column's format."""
    for column_index, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
        if value is None:
            continue
        if isinstance(value, str):
            _write_text(sheet, row_index, column_index, value)
        elif isinstance(value, date):
            sheet.write_datetime(row_index, column_index, value, cell_format)
        elif isinstance(value, Decimal | int):
            # XLSX stores every number as a double. XlsxWriter writes the float with 16 significant digits
            # ("%.16G", as openpyxl wrote a Decimal), which reads back as the same amount, to the öre, for
            # every amount of up to 15 digits (tests/exports/formats/test_payroll_summary_exact.py).
            sheet.write_number(row_index, column_index, float(value), cell_format)
        else:
            raise TypeError(f"no cell for {value!r}")


def _write_text(sheet: Any, row_index: int, column_index: int, text: str) -> None:
    """A string cell holding ``text``. XlsxWriter copies a text shaped ``<r>…</r>`` into the file unescaped,
    as the XML of a formatted ("rich") text, so that a name ``<r></r></is></c><c><f>…`` would close its cell
    and open a formula: such a text goes in as a rich text of plain pieces, which XlsxWriter escapes. The
    pieces are cut before each ``_`` so that none holds a whole ``_xHHHH_``, which XlsxWriter would escape
    twice in a rich text."""
    if not (text.startswith("<r>") and text.endswith("</r>")):
        sheet.write_string(row_index, column_index, text)
        return
    pieces = ["<", "r", *(piece for piece in re.split("(?=_)", text[2:]) if piece)]
    sheet.write_rich_string(row_index, column_index, *pieces)


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

"""The payroll summary (exports.md, "Payroll summary"): one row per payout, in three files.

Pure: rows of plain values in, bytes out.

- ``render_csv``: for programs — the column keys of exports.md, comma-separated, amounts with a dot and two
  decimals, ``fee_rate`` a decimal fraction, ``tax_percent`` a percent (empty in table mode), dates ISO.
- ``render_xlsx``: for the treasurer — Swedish headers and words, dates as date cells shown ``ÅÅÅÅ-MM-DD``,
  amounts as number cells with two decimals and thousands grouping, percentages as numbers, and a totals
  row below an empty row (so that sorting the table leaves it out); each column as wide as its widest value
  and its header's longest word, the header wrapped (``column_widths``). After the payslip's id comes its
  number as printed on it, and after the tax the part of it that is the extra tax the member asked for
  (``SWEDISH_COLUMNS``), two columns the program CSV's fixed columns leave out.
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
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

_AFTER_ID: Final = COLUMNS.index("payslip_id") + 1
_AFTER_TAX: Final = COLUMNS.index("tax") + 1
#: The columns of the XLSX and the Swedish CSV: the program's, and two more. After the payslip's id its number
#: (``L2026-00005``), which the payslip PDF prints and the member quotes; after the tax the part of it that is
#: the extra tax the member asked for (payroll.md §3), so that a tax above "Skatt (%)" of the taxable pay says
#: why. The program CSV's columns are a fixed contract (exports.md); its ``tax`` includes the extra.
SWEDISH_COLUMNS: Final = (
    *COLUMNS[:_AFTER_ID],
    "payslip_number",
    *COLUMNS[_AFTER_ID:_AFTER_TAX],
    "extra_tax",
    *COLUMNS[_AFTER_TAX:],
)

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
    # The payslip PDF's word for it: "Nummer" under the title "Lönespecifikation" (payroll/documents.py).
    "payslip_number": "Lönespecifikation (nummer)",
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
    # As the run's page and the payslip PDF name it.
    "residue": "Öresavrundning",
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


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollSummaryRow:
    """One payout (one assignment on one payslip); field names and order are the Swedish files' columns,
    the program CSV's the same less ``payslip_number`` and ``extra_tax``."""

    payslip_id: int
    #: As printed on the payslip (``L2026-00005``).
    payslip_number: str
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
    return ExportFile(
        filename=filename,
        media_type=CSV_MEDIA_TYPE,
        content=buffer.getvalue().encode("utf-8"),
        records=len(rows),
    )


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
        filename=filename,
        media_type=CSV_MEDIA_TYPE,
        content=("\ufeff" + buffer.getvalue()).encode("utf-8"),
        records=len(rows),
    )


def render_xlsx(rows: Sequence[PayrollSummaryRow], *, filename: str, created_at: datetime) -> ExportFile:
    """The summary as an XLSX sheet "Lönesammanställning": Swedish headers, one row per payout, an empty
    row, then the totals. Dates are date cells (``ÅÅÅÅ-MM-DD``), amounts number cells (``# ##0,00``), the
    percentages plain numbers; the header row has a filter, stays in view and is wrapped into as many lines
    as its longest header needs, each column as wide as its widest value (``column_widths``).

    ``created_at`` is written as the workbook's creation and modification time and the zip entries carry a
    fixed time, so the same rows give the same bytes.
    """
    import xlsxwriter  # imported here: only this writer needs it

    # XlsxWriter in constant-memory mode: each row goes out to a temporary file as soon as the next one
    # starts, with its cells' formats, and only one row is held. For twenty thousand payouts it writes the
    # sheet in well under half the time openpyxl's write-only sheet took (docs/exports.md, "Payroll summary").
    buffer = io.BytesIO()
    columns = SWEDISH_COLUMNS
    summed = totals(rows)
    total = [(SWEDISH_TOTAL if column == columns[0] else summed.get(column)) for column in columns]
    widths = column_widths(rows, total)
    with xlsxwriter.Workbook(buffer, {"constant_memory": True}) as workbook:
        # XlsxWriter writes "created" as both the creation and the modification time (else it takes now).
        workbook.set_properties({"created": created_at.replace(tzinfo=None), "author": "kooperativet"})
        sheet = workbook.add_worksheet("Lönesammanställning")
        for index, column in enumerate(columns):
            # In characters: XlsxWriter stores ``width`` + 5/7 (the cell's 5 pixels of padding), so that
            # ``width`` digits fit between the padding.
            sheet.set_column(index, index, widths[column])
        # The header row's height before its cells: in constant-memory mode a row is written out whole.
        sheet.set_row(0, header_lines(widths) * LINE_HEIGHT)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
        formats = {
            # Given by its number, Excel's built-in format 4 ("#,##0.00", AMOUNT_FORMAT) is stored as the
            # built-in format rather than as a custom format with the same code.
            AMOUNT_FORMAT: workbook.add_format({"num_format": _AMOUNT_FORMAT_ID}),
            DATE_FORMAT: workbook.add_format({"num_format": DATE_FORMAT}),
            PERCENT_FORMAT: workbook.add_format({"num_format": PERCENT_FORMAT}),
        }
        header_format = workbook.add_format({"text_wrap": True, "valign": "top"})
        cell_formats = [None if code is None else formats[code] for code in map(_number_format, columns)]
        for index, column in enumerate(columns):
            sheet.write_string(0, index, SWEDISH_HEADERS[column], header_format)  # our own words
        for row_index, row in enumerate(rows, start=1):
            _write_row(sheet, row_index, [_swedish_value(row, column) for column in columns], cell_formats)
        _write_row(sheet, len(rows) + 2, total, cell_formats)  # after one empty row
    return ExportFile(
        filename=filename,
        media_type=XLSX_MEDIA_TYPE,
        content=_fixed_zip_times(buffer.getvalue()),
        records=len(rows),
    )


#: Excel's built-in number format 4, whose code is ``#,##0.00`` (ECMA-376 Part 1, §18.8.30).
_AMOUNT_FORMAT_ID: Final = 4

# Column widths. Excel measures a column in characters: widths of the digit 0 in the sheet's font (Calibri
# 11, 7 pixels), with 5 pixels of padding besides. A text is measured here by its number of characters as
# the cell shows it (``display_width``: ``12 772,57`` is 9), each counted as a digit: most letters are
# narrower, and one character to spare covers the few wider ones (M, W, Ö). A column holds its widest value
# and the totals (a number that did not fit would show as ``####``); its header is wrapped between words.
#: Characters to spare beside a value or a line of a header.
SPARE: Final = 1
#: Characters more beside the header row's bottom line: the filter's button sits in the header cell's
#: lower right corner (16 pixels in Excel). The headers are aligned to the top, so only a header that takes
#: all the row's lines reaches it.
FILTER_BUTTON: Final = 2
#: A header of up to this many characters stays on one line, however narrow its values.
ONE_LINE_HEADER: Final = 12
#: At most this many lines to a header: a column widens rather than wrap its header further.
HEADER_LINES: Final = 3
#: The widest a column gets for its values (a long name, several invoice numbers): the cell shows the rest
#: when selected. Numbers never come near it.
WIDEST: Final = 40
#: A line of the header row, in points: the height of a row in Calibri 11.
LINE_HEIGHT: Final = 15


def wrap_header(header: str, width: int) -> list[str]:
    """``header`` wrapped between words into the lines of a column ``width`` characters wide, each line with
    ``SPARE`` characters beside it (a word longer than that gets a line of its own)."""
    lines: list[str] = []
    for word in header.split():
        if lines and len(lines[-1]) + 1 + len(word) + SPARE <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def header_lines(widths: Mapping[str, int]) -> int:
    """The lines of the header row: as many as its longest header takes."""
    return max(len(wrap_header(SWEDISH_HEADERS[column], width)) for column, width in widths.items())


def display_width(column: str, value: object) -> int:
    """The characters a cell of the Swedish sheet shows for ``value`` (as ``_swedish_value`` gives it):
    ``-1 234,50`` for an amount, ``6,5`` for a percent, ``2026-11-25`` for a date, the text for a text."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}" if column in AMOUNT_COLUMNS else _plain(value))
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return len(str(value))


def column_widths(rows: Sequence[PayrollSummaryRow], total: Sequence[object]) -> dict[str, int]:
    """Each column's width in characters: its widest value (the totals row's ``total`` included, up to
    ``WIDEST``) and ``SPARE``; at least its header's longest word, or the whole header when that is short,
    and ``SPARE``; wider while its header takes more than ``HEADER_LINES``, or takes all the header row's
    lines and leaves no room for the filter's button on the last.

    Read in one pass over each column: of an amount, an id or a date only the least and the greatest (the
    widest text is one of them: an amount always has two decimals), of a text or a percent (``6,25`` is wider
    than ``7``) each distinct value once."""
    widths = {}
    for column, last in zip(SWEDISH_COLUMNS, total, strict=True):
        values = [value for value in map(attrgetter(column), rows) if value is not None]
        if values and (column in AMOUNT_COLUMNS or isinstance(values[0], int | date)):
            values = [min(values), max(values)]
        shown = [_swedish(column, value) for value in set(values)]
        widest = max((display_width(column, value) for value in [*shown, last]), default=0)
        header = SWEDISH_HEADERS[column]
        width = max(
            min(widest + SPARE, WIDEST),
            max(len(word) for word in header.split()) + SPARE,
            min(len(header), ONE_LINE_HEADER) + SPARE,
        )
        while len(wrap_header(header, width)) > HEADER_LINES:
            width += 1
        widths[column] = width
    while True:  # widening a column for the button may leave the row a line shorter: then look again
        lines = header_lines(widths)
        crowded = {
            column: width + 1
            for column, width in widths.items()
            if len(wrapped := wrap_header(SWEDISH_HEADERS[column], width)) == lines
            and len(wrapped[-1]) + SPARE + FILTER_BUTTON > width
        }
        if not crowded:
            return widths
        widths |= crowded


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
    return _swedish(column, getattr(row, column))


def _swedish(column: str, value: Any) -> object:
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

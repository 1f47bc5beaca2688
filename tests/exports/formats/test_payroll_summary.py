"""exports.md "Payroll summary": exactly its columns for programs; Swedish headers, real dates and numbers
for the treasurer in the XLSX and the Swedish CSV, read back with exact values, and in those two the part of
the tax that is the extra tax the member asked for."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from kooperativet.exports.formats.payroll_summary import (
    COLUMNS,
    SWEDISH_COLUMNS,
    PayrollSummaryRow,
    render_csv,
    render_csv_sv,
    render_xlsx,
)

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
        "payslip_id": 1, "payslip_number": "L2026-00001", "run_id": 1, "pay_date": date(2026, 11, 25),
        "member_id": 7, "member_name": "Alva Lindqvist", "personal_identity_number": "199005141230",
        "birth_date": date(1990, 5, 14), "assignment_id": 3, "invoice_number": "2026-0001",
        "invoiced_amount": Decimal("20000.00"), "fee_rate": Decimal("0.060000"), "fee": Decimal("1200.00"),
        "pool": Decimal("18800.00"), "gross_salary": Decimal("12772.57"), "holiday_pay": Decimal("1532.71"),
        "contribution_category": "full", "contribution_base_month_to_date_before": Decimal("0.00"),
        "employer_contributions": Decimal("4494.72"), "residue": Decimal("0.00"),
        "taxable_pay": Decimal("14305.28"), "tax_mode": "flat", "tax_percent": Decimal("30.00"),
        "tax": Decimal("4291.00"), "extra_tax": Decimal("0.00"), "expense_reimbursement": Decimal("0.00"),
        "net_pay": Decimal("10014.28"),
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


SWEDISH_HEADERS = [
    "Lönespecifikation (id)", "Lönespecifikation (nummer)", "Lönekörning (id)", "Utbetalningsdag",
    "Medlem (id)", "Namn", "Personnummer",
    "Födelsedatum", "Uppdrag (id)", "Fakturanummer", "Fakturerat belopp", "Avgift (%)",
    "Kooperativets avgift", "Lönepott", "Bruttolön", "Semesterersättning", "Avgiftskategori",
    "Avgiftsunderlag tidigare i månaden",
    "Arbetsgivaravgifter", "Öresavrundning", "Skattepliktig lön", "Skatteavdrag enligt", "Skatt (%)",
    "Skatteavdrag", "Varav extra skatteavdrag", "Utläggsersättning", "Att utbetala",
]  # fmt: skip
CREATED = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _sheet(content: bytes):  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return sheet


def test_the_xlsx_has_swedish_headers_a_totals_row_apart_and_the_same_bytes_each_time() -> None:
    rows = [row(), row(payslip_id=2, tax=Decimal("1.00"))]
    file = render_xlsx(rows, filename="summary.xlsx", created_at=CREATED)
    sheet = _sheet(file.content)
    values = list(sheet.iter_rows(values_only=True))

    assert sheet.title == "Lönesammanställning"
    assert list(values[0]) == SWEDISH_HEADERS
    assert len(values) == 5  # header, two payouts, an empty row, the totals
    assert set(values[3]) == {None}
    totals = dict(zip(SWEDISH_COLUMNS, values[4], strict=True))
    assert totals["payslip_id"] == "Summa"
    assert (totals["tax"], totals["net_pay"], totals["gross_salary"]) == (4292, 20028.56, 25545.14)
    assert totals["pay_date"] is None
    assert sheet.auto_filter.ref == "A1:AA3"
    assert sheet.freeze_panes == "A2"
    assert render_xlsx(rows, filename="summary.xlsx", created_at=CREATED).content == file.content


def test_the_xlsx_has_real_dates_and_numbers_with_swedish_display_formats() -> None:
    file = render_xlsx(
        [row(), row(tax_mode="table", tax_percent=None)], filename="s.xlsx", created_at=CREATED
    )
    sheet = _sheet(file.content)
    first = {column: sheet.cell(row=2, column=index) for index, column in enumerate(SWEDISH_COLUMNS, start=1)}

    assert first["pay_date"].value.isoformat() == "2026-11-25T00:00:00"
    assert (first["pay_date"].is_date, first["pay_date"].number_format) == (True, "yyyy-mm-dd")
    assert first["birth_date"].value.isoformat() == "1990-05-14T00:00:00"
    assert first["birth_date"].number_format == "yyyy-mm-dd"
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        cells = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    # Stored as Excel's day numbers (days since 1899-12-30), shown by the date format.
    assert re.findall(r'<c r="[DH]2" s="\d+"(?: t="n")?><v>(\d+)</v>', cells) == ["46351", "33007"]
    assert 'formatCode="yyyy-mm-dd"' in styles
    # "#,##0.00" is Excel's built-in format 4, which Excel shows with the reader's separators (12 772,57).
    assert '<xf numFmtId="4" ' in styles
    assert (first["gross_salary"].value, first["gross_salary"].data_type) == (12772.57, "n")
    assert first["gross_salary"].number_format == "#,##0.00"
    assert (first["net_pay"].value, first["net_pay"].number_format) == (10014.28, "#,##0.00")
    assert (first["fee_rate"].value, first["fee_rate"].number_format) == (6, "General")
    assert (first["tax_percent"].value, first["tax_percent"].data_type) == (30, "n")
    assert (first["payslip_id"].value, first["member_id"].value) == (1, 7)
    assert (first["payslip_number"].value, first["payslip_number"].data_type) == ("L2026-00001", "s")
    assert first["personal_identity_number"].value == "19900514-1230"
    assert first["contribution_category"].value == "full avgift"
    assert first["tax_mode"].value == "fast procentsats"
    assert sheet.cell(row=3, column=SWEDISH_COLUMNS.index("tax_mode") + 1).value == "skattetabell"
    assert sheet.cell(row=3, column=SWEDISH_COLUMNS.index("tax_percent") + 1).value is None
    total_net = sheet.cell(row=5, column=SWEDISH_COLUMNS.index("net_pay") + 1)
    assert (total_net.value, total_net.number_format) == (20028.56, "#,##0.00")


# Column widths. Excel's unit of a column's width is a character: the width of the digit 0 in the sheet's
# font (Calibri 11, 7 pixels), with 5 pixels of padding besides, which XlsxWriter adds as 5/7 of a character
# to the width it stores. A column stored as 14.71 therefore shows 14 characters. The measure of a text is
# its number of characters as the cell shows it, each counted as a digit (most letters are narrower), with
# one character to spare for the few that are wider; a header's last line, when it reaches the bottom of
# the header row, spares two more for the filter's button in the cell's lower right corner.

#: The height of one line of the header row, in points (Calibri 11).
LINE_POINTS = 15
#: A long name, two invoice numbers, the longest category, a percent with two decimals, a negative amount
#: and amounts whose total has 15 digits: each must fit its column, the totals too.
WIDE_VALUES = {
    "payslip_id": 123456, "payslip_number": "L2026-12345", "member_name": "Karl-Johan Wallström Åkesson",
    "invoice_number": "2026-0012 2026-0013", "contribution_category": "pension_only",
    "fee_rate": Decimal("0.0625"), "tax_mode": "table", "tax_percent": None,
    "net_pay": Decimal("-1234567.80"), "gross_salary": Decimal("999999999999.99"),
}  # fmt: skip


def _characters(width: float) -> int:
    """The characters a column of the stored ``width`` shows between its padding."""
    return math.floor(width)


def _column_characters(sheet) -> list[int]:  # type: ignore[no-untyped-def]
    """Each column's characters, in order; openpyxl reads columns of one width stored together as a range."""
    characters = {}
    for dimension in sheet.column_dimensions.values():
        for number in range(dimension.min, dimension.max + 1):
            characters[number] = _characters(dimension.width)
    return [characters[number] for number in range(1, len(SWEDISH_COLUMNS) + 1)]


def _shown(cell) -> str:  # type: ignore[no-untyped-def]
    """A cell's text as Swedish Excel shows it: ``-1 234 567,80`` for an amount, ``2026-11-25`` for a date."""
    if cell.value is None:
        return ""
    if cell.is_date:
        return cell.value.date().isoformat()
    if cell.number_format == "#,##0.00":
        return f"{cell.value:,.2f}".replace(",", " ").replace(".", ",")
    if isinstance(cell.value, int | float):
        return f"{cell.value:g}".replace(".", ",")
    return str(cell.value)


def _lines(header: str, characters: int) -> list[str]:
    """``header`` wrapped between words as a column of ``characters`` shows it, one to spare on each line."""
    lines: list[str] = []
    for word in header.split():
        if lines and len(f"{lines[-1]} {word}") + 1 <= characters:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def test_every_header_and_every_value_fits_its_column() -> None:
    rows = [row(), row(**WIDE_VALUES), row(payslip_id=3, gross_salary=Decimal("999999999999.99"))]

    sheet = _sheet(render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content)

    characters = _column_characters(sheet)
    header_lines = sheet.row_dimensions[1].height / LINE_POINTS
    assert header_lines == int(header_lines) > 1
    for index, column in enumerate(SWEDISH_COLUMNS):
        header = sheet.cell(row=1, column=index + 1)
        assert (header.alignment.wrap_text, header.alignment.vertical) == (True, "top"), column
        assert all(len(word) + 1 <= characters[index] for word in header.value.split()), column
        lines = _lines(header.value, characters[index])
        assert len(lines) <= header_lines, (column, lines)
        if len(lines) == header_lines:  # its last line is the row's bottom one, beside the filter's button
            assert len(lines[-1]) + 1 + 2 <= characters[index], (column, lines)
        shown = [_shown(cells[index]) for cells in sheet.iter_rows(min_row=2)]
        assert all(len(text) + 1 <= characters[index] for text in shown), (column, characters[index], shown)
    cells = {column: sheet.cell(row=3, column=index + 1) for index, column in enumerate(SWEDISH_COLUMNS)}
    assert _shown(cells["net_pay"]) == "-1 234 567,80"
    assert _shown(cells["fee_rate"]) == "6,25"
    total = sheet.cell(row=6, column=SWEDISH_COLUMNS.index("gross_salary") + 1)
    assert _shown(total) == "2 000 000 012 772,55"


def test_columns_are_as_narrow_as_their_words_and_values_let_them() -> None:
    """Worked example A: no column wider than its widest value, its header's longest word, or its whole
    header when that is short (up to 12 characters), with the one character to spare and the button's two;
    a short header stays on one line; "Avgiftsunderlag tidigare i månaden" wraps rather than widen its
    column to 34 characters."""
    sheet = _sheet(render_xlsx([row()], filename="s.xlsx", created_at=CREATED).content)

    characters = _column_characters(sheet)
    for index, column in enumerate(SWEDISH_COLUMNS):
        header = sheet.cell(row=1, column=index + 1).value
        widest = max(len(_shown(cells[index])) for cells in sheet.iter_rows(min_row=2))
        words = max(len(word) for word in header.split())
        needed = max(widest, words, min(len(header), 12))
        assert characters[index] <= needed + 1 + 2, (column, characters[index], needed)
        if len(header) <= 12:
            assert _lines(header, characters[index]) == [header], column
    column = SWEDISH_COLUMNS.index("contribution_base_month_to_date_before")
    assert characters[column] < len("Avgiftsunderlag tidigare i månaden")
    assert sheet.row_dimensions[1].height == 3 * LINE_POINTS


def test_a_long_name_is_cut_at_forty_characters_and_the_others_keep_their_width() -> None:
    name = "Anna-Karin Maria Elisabet Wallström Lindqvist Åkesson"  # 53 characters
    sheet = _sheet(render_xlsx([row(member_name=name)], filename="s.xlsx", created_at=CREATED).content)

    characters = _column_characters(sheet)
    assert characters[SWEDISH_COLUMNS.index("member_name")] == 40
    shown = sheet.cell(row=2, column=SWEDISH_COLUMNS.index("member_name") + 1)
    assert shown.value == name  # the whole name in the cell
    ordinary = _column_characters(_sheet(render_xlsx([row()], filename="s.xlsx", created_at=CREATED).content))
    assert [c for i, c in enumerate(characters) if SWEDISH_COLUMNS[i] != "member_name"] == [
        c for i, c in enumerate(ordinary) if SWEDISH_COLUMNS[i] != "member_name"
    ]


def _swedish_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    text = content.decode("utf-8-sig")
    assert text.count("\r\n") == text.count("\n")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_swedish_csv_has_semicolons_decimal_commas_iso_dates_and_a_byte_order_mark() -> None:
    rows = [
        row(),
        row(
            payslip_id=2, fee_rate=Decimal("0.065"), tax_mode="table", tax_percent=None,
            contribution_category="pension_only", net_pay=Decimal("1234567.80"),
        ),
    ]  # fmt: skip

    file = render_csv_sv(rows, filename="summary-sv.csv")

    header, first, second = _swedish_csv(file.content)
    assert header == SWEDISH_HEADERS
    assert first == [
        "1", "L2026-00001", "1", "2026-11-25", "7", "Alva Lindqvist", "19900514-1230", "1990-05-14", "3",
        "2026-0001", "20000,00", "6", "1200,00", "18800,00", "12772,57", "1532,71", "full avgift", "0,00",
        "4494,72", "0,00", "14305,28", "fast procentsats", "30", "4291,00", "0,00", "0,00", "10014,28",
    ]  # fmt: skip
    record = dict(zip(SWEDISH_COLUMNS, second, strict=True))
    assert (record["fee_rate"], record["tax_percent"], record["net_pay"]) == ("6,5", "", "1234567,80")
    assert (record["tax_mode"], record["contribution_category"]) == (
        "skattetabell",
        "endast ålderspensionsavgift",
    )
    assert file.media_type == "text/csv; charset=utf-8"


def test_the_swedish_csv_never_starts_a_formula_and_keeps_negative_amounts_numbers() -> None:
    rows = [row(member_name=name) for name in FORMULAS] + [row(gross_salary=Decimal("-12.50"))]

    records = _swedish_csv(render_csv_sv(rows, filename="s.csv").content)[1:]

    names = [record[SWEDISH_COLUMNS.index("member_name")] for record in records[:-1]]
    assert names == ["'" + name for name in FORMULAS]
    assert records[-1][SWEDISH_COLUMNS.index("gross_salary")] == "-12,50"


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


def excel_text(value: str) -> str:
    """A cell's text as Excel reads it: ``_xHHHH_`` stands for the character U+HHHH (ECMA-376 Part 1,
    §22.9.2.19 ST_Xstring). XlsxWriter writes a control character so (a carriage return as ``_x000D_``) and a
    literal ``_xHHHH_`` as ``_x005F_xHHHH_``; openpyxl gives the stored text without reading the escapes."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), value)


def test_an_xlsx_text_cell_is_a_string_never_a_formula() -> None:
    rows = [row(member_name=name, invoice_number=name) for name in FORMULAS]

    file = render_xlsx(rows, filename="summary.xlsx", created_at=CREATED)

    sheet = _sheet(file.content)
    names = [cells[SWEDISH_COLUMNS.index("member_name")] for cells in sheet.iter_rows(min_row=2, max_row=7)]
    assert [(excel_text(cell.value), cell.data_type) for cell in names] == [(name, "s") for name in FORMULAS]
    assert sheet.cell(row=2, column=SWEDISH_COLUMNS.index("gross_salary") + 1).data_type == "n"
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


# The extra tax the member asked for (payroll.md §3).


#: Worked example A with 1 000 kr a month of extra tax: 4 291 kr at 30 % of 14 305.28 and the 1 000 kr.
EXTRA = {"tax": Decimal("5291.00"), "extra_tax": Decimal("1000.00"), "net_pay": Decimal("9014.28")}


def _amount(value: object) -> Decimal:
    """A number cell as the amount it names: the shortest text of its double (openpyxl gives a float)."""
    assert isinstance(value, int | float), value
    return Decimal(repr(value))


def test_the_swedish_files_show_the_extra_tax_within_the_tax_and_the_totals_sum_it() -> None:
    rows = [row(**EXTRA), row(payslip_id=2)]
    extra = SWEDISH_COLUMNS.index("extra_tax")
    assert SWEDISH_COLUMNS[extra - 1 : extra + 2] == ("tax", "extra_tax", "expense_reimbursement")

    sheet = _sheet(render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content)
    header, *payouts, _, total = (
        dict(zip(SWEDISH_COLUMNS, values, strict=True)) for values in sheet.iter_rows(values_only=True)
    )
    assert (header["tax"], header["extra_tax"]) == ("Skatteavdrag", "Varav extra skatteavdrag")
    amounts = [
        {column: _amount(cells[column]) for column in ("tax", "extra_tax", "net_pay")}
        for cells in (*payouts, total)
    ]
    assert amounts == [
        EXTRA,
        {"tax": Decimal("4291.00"), "extra_tax": Decimal("0.00"), "net_pay": Decimal("10014.28")},
        {"tax": Decimal("9582.00"), "extra_tax": Decimal("1000.00"), "net_pay": Decimal("19028.56")},
    ]
    cell = sheet.cell(row=3, column=extra + 1)
    assert (cell.value, cell.data_type, cell.number_format) == (0, "n", "#,##0.00")  # shown 0,00

    header, with_extra, without = _swedish_csv(render_csv_sv(rows, filename="s-sv.csv").content)
    assert header[extra - 1 : extra + 2] == ["Skatteavdrag", "Varav extra skatteavdrag", "Utläggsersättning"]
    assert with_extra[extra - 1 : extra + 1] == ["5291,00", "1000,00"]
    assert without[extra - 1 : extra + 1] == ["4291,00", "0,00"]
    assert with_extra[-1] == "9014,28"


def test_the_program_csv_keeps_its_columns_with_the_extra_tax_in_the_tax_and_no_payslip_number() -> None:
    file = render_csv([row(**EXTRA)], filename="summary.csv")

    header, record = list(csv.reader(io.StringIO(file.content.decode("utf-8"))))
    assert header == EXPORTS_MD_COLUMNS
    assert "extra_tax" not in header
    values = dict(zip(header, record, strict=True))
    assert (values["tax_percent"], values["taxable_pay"], values["tax"]) == ("30", "14305.28", "5291.00")
    swedish_only = ("payslip_number", "extra_tax")
    assert list(COLUMNS) == [column for column in SWEDISH_COLUMNS if column not in swedish_only]


def test_each_format_counts_its_rows_of_data_not_its_headers_or_totals() -> None:
    """What the CLI reads to write no file of headers alone (cli/payroll.py, ``payroll summary``)."""
    created_at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    for rows in ([], [row()], [row(), row(payslip_id=2, member_id=8)]):
        files = [
            render_csv(rows, filename="s.csv"),
            render_csv_sv(rows, filename="s-sv.csv"),
            render_xlsx(rows, filename="s.xlsx", created_at=created_at),
        ]
        assert [file.records for file in files] == [len(rows)] * 3

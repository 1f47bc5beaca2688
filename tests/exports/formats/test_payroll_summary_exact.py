"""The payroll summary's XLSX, as XlsxWriter writes it: every amount reads back as the Decimal it was written
from, every text as a string cell holding that text, and the same rows give the same bytes at any time, in
any time zone."""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kooperativet.core.money import ORE, TOO_LARGE
from kooperativet.exports.formats import payroll_summary
from kooperativet.exports.formats.payroll_summary import (
    AMOUNT_COLUMNS,
    NOT_SUMMED,
    SWEDISH_COLUMNS,
    PayrollSummaryRow,
    render_xlsx,
    totals,
)
from tests.exports.formats.test_payroll_summary import CREATED, excel_text, row

#: The largest amount a money column holds (``Numeric(14, 2)``).
LARGEST = TOO_LARGE - ORE
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _amounts_in_cells(content: bytes) -> dict[str, str]:
    """Cell reference → the text in ``<v>`` of each number cell with the amount format (Excel's format 4)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = etree.fromstring(archive.read("xl/styles.xml"))
        sheet = etree.fromstring(archive.read(SHEET))
    formats = [xf.get("numFmtId") for xf in styles.iterfind(f"{MAIN}cellXfs/{MAIN}xf")]
    return {
        cell.get("r"): cell.findtext(f"{MAIN}v")
        for cell in sheet.iter(f"{MAIN}c")
        if cell.get("t") is None and formats[int(cell.get("s", "0"))] == "4"
    }


def _reads_back_as(text: str, amount: Decimal) -> None:
    """What a spreadsheet program reads from ``<v>`` is a double: the double nearest to the text. It must be
    the double nearest to the amount (the best an XLSX can hold), and name the amount to the öre."""
    assert float(text) == float(amount), (text, amount)
    assert Decimal(text).quantize(ORE) == amount, (text, amount)
    assert Decimal(repr(float(text))).quantize(ORE) == amount, (text, amount)


def _awkward_amounts() -> list[Decimal]:
    """Amounts at every size a money column holds: the edges of each power of ten, sums that a float gets
    wrong (0.1 + 0.2), öre that have no exact binary value, the largest amount and its negation, and a
    random sample of every number of digits."""
    rng = random.Random(20261206)
    amounts = {Decimal("0.00"), Decimal("0.01"), Decimal("0.10") + Decimal("0.20"), Decimal("0.30")}
    amounts |= {Decimal("1.10") + Decimal("2.20"), Decimal("0.07") * 3, Decimal("1234567.89"), LARGEST}
    for exponent in range(15):  # the largest has 14 digits; sums of a month's rows may have 15
        power = Decimal(10) ** exponent / 100
        amounts |= {power, power - ORE, power + ORE, power * 10 - ORE, power * 5 + Decimal("0.05")}
        for _ in range(400):
            amounts.add(Decimal(rng.randrange(10**exponent, 10 ** (exponent + 1))) / 100)
    amounts |= {Decimal(cents) / 100 for cents in range(0, 100_000, 7)}  # every öre pattern, many times
    amounts = {amount for amount in amounts if abs(amount) <= LARGEST}
    return sorted(amounts | {-amount for amount in amounts})


def _rows_of(amounts: list[Decimal]) -> list[PayrollSummaryRow]:
    """The amounts spread over the amount columns of as many rows as they need."""
    rows = []
    for start in range(0, len(amounts), len(AMOUNT_COLUMNS)):
        chunk = amounts[start : start + len(AMOUNT_COLUMNS)]
        rows.append(row(payslip_id=len(rows) + 1, **dict(zip(AMOUNT_COLUMNS, chunk, strict=False))))
    return rows


def test_every_amount_reads_back_as_the_decimal_it_was_written_from() -> None:
    amounts = _awkward_amounts()
    rows = _rows_of(amounts)
    assert len(amounts) > 20_000

    cells = _amounts_in_cells(render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content)

    written = {
        f"{_letter(index)}{number}": getattr(each, column)
        for number, each in enumerate(rows, start=2)
        for index, column in enumerate(SWEDISH_COLUMNS)
        if column in AMOUNT_COLUMNS
    }
    for reference, amount in written.items():
        _reads_back_as(cells[reference], amount)
    # The totals, below one empty row: sums of up to 15 digits, exact in öre, read back the same way.
    summed = totals(rows)
    total_row = len(rows) + 3
    for index, column in enumerate(SWEDISH_COLUMNS):
        if column in AMOUNT_COLUMNS and column not in NOT_SUMMED:
            assert abs(summed[column]) < Decimal("1E+13")
            _reads_back_as(cells[f"{_letter(index)}{total_row}"], summed[column])
    assert set(cells) == set(written) | {
        f"{_letter(index)}{total_row}"
        for index, column in enumerate(SWEDISH_COLUMNS)
        if column in AMOUNT_COLUMNS and column not in NOT_SUMMED
    }


def test_the_number_text_is_the_16_digits_xlsxwriter_and_openpyxl_both_write() -> None:
    """XlsxWriter writes a number as ``f"{number:.16G}"`` (``xmlwriter._xml_number_element``), openpyxl wrote
    ``"%.16g" % value`` of the Decimal (a float too): the same text for every amount a column holds."""
    amounts = [Decimal("12772.57"), Decimal("0.30"), LARGEST, -LARGEST, Decimal("79329.68"), Decimal("-0.01")]
    rows = _rows_of(amounts)

    cells = _amounts_in_cells(render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content)

    texts = [cells[f"{_letter(SWEDISH_COLUMNS.index(column))}2"] for column in AMOUNT_COLUMNS[: len(amounts)]]
    assert texts == ["%.16g" % amount for amount in amounts]  # noqa: UP031 (openpyxl's own expression)
    assert texts == ["12772.57", "0.3", "999999999999.99", "-999999999999.99", "79329.67999999999", "-0.01"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.decimals(min_value=-LARGEST, max_value=LARGEST, places=2), min_size=1, max_size=12))
def test_any_amounts_read_back_exactly(amounts: list[Decimal]) -> None:
    rows = _rows_of(amounts)

    cells = _amounts_in_cells(render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content)

    for index, amount in enumerate(amounts):
        _reads_back_as(cells[f"{_letter(SWEDISH_COLUMNS.index(AMOUNT_COLUMNS[index]))}2"], amount)


def test_openpyxl_reads_the_amounts_dates_and_percentages_as_written() -> None:
    rows = [
        row(gross_salary=LARGEST, net_pay=Decimal("0.10") + Decimal("0.20"), birth_date=date(1955, 1, 31))
    ]

    sheet = load_workbook(io.BytesIO(render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content)).active

    assert sheet is not None
    cells = {column: sheet.cell(row=2, column=index) for index, column in enumerate(SWEDISH_COLUMNS, start=1)}
    assert Decimal(repr(cells["gross_salary"].value)).quantize(ORE) == LARGEST
    assert cells["net_pay"].value == 0.3
    assert cells["birth_date"].value.isoformat() == "1955-01-31T00:00:00"
    assert (cells["birth_date"].is_date, cells["birth_date"].number_format) == (True, "yyyy-mm-dd")
    assert (cells["tax_percent"].value, cells["tax_percent"].number_format) == (30, "General")


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


# Texts.


TRICKY_TEXTS = [
    '=HYPERLINK("http://x.example","klicka")', "=1+1", "#N/A", "#DIV/0!", "+46 70 123", "-2+3", "@SUM(A1)",
    "\t=1", "\r=1", "TRUE", "1e5", "0012", " Alva ", "a\nb", "_x0041_", "a_x000D_b", "<b>fet</b>", "&amp;",
    "<r><t>x</t></r>", "<r>_x0041_</r>", "<r> mellanslag </r>",
    '<r></r></is></c><c r="Z9"><f>HYPERLINK("http://x.example")</f></c><c r="Z10" t="inlineStr"><is><r></r>',
]  # fmt: skip


def test_every_text_is_a_string_cell_holding_the_text_never_a_formula() -> None:
    rows = [
        row(payslip_id=index, member_name=text, invoice_number=text)
        for index, text in enumerate(TRICKY_TEXTS)
    ]

    file = render_xlsx(rows, filename="s.xlsx", created_at=CREATED)

    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        xml = archive.read(SHEET)
    parsed = etree.fromstring(xml)  # well-formed: no text closed its cell
    assert b"<f>" not in xml
    assert parsed.find(f".//{MAIN}f") is None
    assert {cell.get("r")[0] for cell in parsed.iter(f"{MAIN}c")} <= {
        _letter(i) for i in range(len(SWEDISH_COLUMNS))
    }
    # As Excel reads a cell: the texts of its runs (<t>), each with its escapes read, one after the other.
    read = {
        cell.get("r"): (cell.get("t"), "".join(excel_text(t.text or "") for t in cell.iter(f"{MAIN}t")))
        for cell in parsed.iter(f"{MAIN}c")
    }
    sheet = load_workbook(io.BytesIO(file.content)).active
    assert sheet is not None
    for number, text in enumerate(TRICKY_TEXTS, start=2):
        for column in ("member_name", "invoice_number"):
            reference = f"{_letter(SWEDISH_COLUMNS.index(column))}{number}"
            assert read[reference] == ("inlineStr", text), reference
            cell = sheet.cell(row=number, column=SWEDISH_COLUMNS.index(column) + 1)
            assert cell.data_type == "s", reference
            if "_x" not in cell.value:
                assert cell.value == text, reference  # openpyxl reads the text itself too


# The same bytes.


def test_two_renders_give_the_same_bytes_with_only_created_at_as_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [row(), row(payslip_id=2, tax_mode="table", tax_percent=None)]
    first = render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content

    class AnyDatetime(type):
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, datetime)

    class NoClock(datetime, metaclass=AnyDatetime):
        """xlsxwriter.core's datetime: a given time is still one, but asking for the current time fails."""

        @classmethod
        def now(cls, tz: object = None) -> NoClock:
            raise AssertionError("the current time was read")

    import xlsxwriter.core

    monkeypatch.setattr(xlsxwriter.core, "datetime", NoClock)
    second = render_xlsx(rows, filename="s.xlsx", created_at=CREATED).content

    assert second == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        stamps = {
            name: re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z?", archive.read(name).decode())
            for name in archive.namelist()
        }
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core) == [
        ("created", "2026-11-20T12:00:00Z"),
        ("modified", "2026-11-20T12:00:00Z"),
    ]
    assert {name: found for name, found in stamps.items() if found} == {
        "docProps/core.xml": ["2026-11-20T12:00:00Z", "2026-11-20T12:00:00Z"]
    }
    other = render_xlsx(rows, filename="s.xlsx", created_at=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)).content
    assert other != first


_RENDER = """
import hashlib, sys
from datetime import UTC, datetime
from tests.exports.formats.test_payroll_summary import row
from kooperativet.exports.formats.payroll_summary import render_xlsx
rows = [row(), row(payslip_id=2)]
content = render_xlsx(rows, filename="s.xlsx", created_at=datetime(2026, 11, 20, 12, tzinfo=UTC)).content
sys.stdout.write(hashlib.sha256(content).hexdigest())
"""


def test_the_bytes_do_not_depend_on_the_time_zone() -> None:
    """XlsxWriter stamps its temporary files with a local time; the zip entries' times are fixed after."""
    root = Path(__file__).resolve().parents[3]
    digests = set()
    for zone in ("UTC", "Pacific/Kiritimati", "America/St_Johns"):
        environment = {**os.environ, "TZ": zone, "PYTHONPATH": str(root)}
        digests.add(
            subprocess.run(
                [sys.executable, "-c", _RENDER],
                env=environment,
                cwd=root,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
    expected = render_xlsx([row(), row(payslip_id=2)], filename="s.xlsx", created_at=CREATED).content
    import hashlib

    assert digests == {hashlib.sha256(expected).hexdigest()}


# The sheet's layout.


def test_the_sheet_keeps_its_name_frozen_header_filter_and_formats_and_sets_every_width() -> None:
    rows = [row(), row(payslip_id=2)]
    file = render_xlsx(rows, filename="s.xlsx", created_at=CREATED)

    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        sheet_xml = etree.fromstring(archive.read(SHEET))
        styles = etree.fromstring(archive.read("xl/styles.xml"))
        workbook = archive.read("xl/workbook.xml").decode()
    columns = [
        (int(col.get("min")), int(col.get("max")), col.get("width")) for col in sheet_xml.iter(f"{MAIN}col")
    ]
    covered = {number for low, high, _ in columns for number in range(low, high + 1)}
    assert covered == set(range(1, len(SWEDISH_COLUMNS) + 1))
    # Each column's own width in characters, and the cell's padding (5 of 7 pixels, XlsxWriter's 0.7109375):
    # tests/exports/formats/test_payroll_summary.py checks that the headers and values fit them.
    assert all(float(width) % 1 == 0.7109375 for _, _, width in columns), columns
    pane = sheet_xml.find(f".//{MAIN}pane")
    assert pane is not None
    assert (pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == ("1", "A2", "frozen")
    assert pane.get("xSplit") is None
    auto_filter = sheet_xml.find(f"{MAIN}autoFilter")
    assert auto_filter is not None
    assert auto_filter.get("ref") == "A1:AA3"
    assert 'name="Lönesammanställning"' in workbook
    custom = {fmt.get("numFmtId"): fmt.get("formatCode") for fmt in styles.iter(f"{MAIN}numFmt")}
    assert custom == {"164": payroll_summary.DATE_FORMAT}
    xfs = [xf.get("numFmtId") for xf in styles.iterfind(f"{MAIN}cellXfs/{MAIN}xf")]
    styled = {cell.get("r"): xfs[int(cell.get("s", "0"))] for cell in sheet_xml.iter(f"{MAIN}c")}
    for index, column in enumerate(SWEDISH_COLUMNS):
        reference = f"{_letter(index)}2"
        if column in AMOUNT_COLUMNS:
            assert styled[reference] == "4", column  # built-in "#,##0.00" = AMOUNT_FORMAT
        elif column in ("pay_date", "birth_date"):
            assert styled[reference] == "164", column
        else:
            assert styled[reference] == "0", column  # General: ids, texts, percentages
    opened = load_workbook(io.BytesIO(file.content)).active
    assert opened is not None
    assert opened.title == "Lönesammanställning"
    assert opened.column_dimensions["A"].width == float(columns[0][2])
    assert opened.freeze_panes == "A2"
    assert [cell.value for cell in opened[4]] == [None] * len(SWEDISH_COLUMNS)
    assert opened.max_row == 5

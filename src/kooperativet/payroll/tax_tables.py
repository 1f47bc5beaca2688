"""Skatteverket's monthly tax tables: parsing the published files and looking tax up (payroll.md §3).

Pure: bytes or text in, frozen rows and in-memory tables out. Two shapes are read: the fixed-width text file
"Allmänna tabeller – månad" and the open-data CSV "Skattetabeller för månadslön". Only 30-day (month) rows are
kept. A ``TaxTable`` satisfies ``kooperativet.payroll.calculation.TaxTableLookup``.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from kooperativet.core.money import ORE, ZERO, floor_to_krona

MONTH_DAYS = 30

_INTEGER = re.compile(r"\d+")
_VALUE = re.compile(r"\d+(?:[.,]\d+)?")
_DAYS_AND_KIND = re.compile(r"(\d+)\s*([B%]?)")
_CSV_FIELDS = ("år", "tabellnr", "antal dgr", "inkomst fr.o.m.", "inkomst t.o.m.")
_CSV_COLUMN = re.compile(r"kolumn (\d+)")
_MAX_COLUMNS = 7


class TaxTableFormatError(ValueError):
    """A tax table file that cannot be read; names the line where it went wrong."""

    def __init__(self, message: str, *, line_number: int | None = None) -> None:
        self.line_number = line_number
        super().__init__(f"line {line_number}: {message}" if line_number is not None else message)


class RowKind(StrEnum):
    """``B``: the columns are tax in kronor; ``%``: the columns are percent of the income."""

    AMOUNT = "B"
    PERCENT = "%"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxTableRow:
    """One income bracket of one monthly table; ``income_to`` is None on the last, open-ended row."""

    year: int
    table_number: int
    kind: RowKind
    income_from: int
    income_to: int | None
    columns: tuple[Decimal, ...]  # column 1 first
    line_number: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxTable:
    """One year's monthly table with one number, its brackets in order without gaps or overlaps."""

    year: int
    table_number: int
    rows: tuple[TaxTableRow, ...]
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = tuple(sorted(self.rows, key=lambda row: row.income_from))
        if not rows:
            raise TaxTableFormatError(f"table {self.table_number} for {self.year} has no month rows")
        for row in rows:
            if (row.year, row.table_number) != (self.year, self.table_number):
                raise TaxTableFormatError(
                    f"a row of table {row.table_number} for {row.year} in table {self.table_number} "
                    f"for {self.year}",
                    line_number=row.line_number,
                )
            if row.income_to is not None and row.income_to < row.income_from:
                raise TaxTableFormatError("income to is below income from", line_number=row.line_number)
        for previous, row in pairwise(rows):
            if previous.income_to is None:
                raise TaxTableFormatError(
                    f"table {self.table_number}: only the last row may be open-ended",
                    line_number=previous.line_number,
                )
            if row.income_from != previous.income_to + 1:
                raise TaxTableFormatError(
                    f"table {self.table_number}: income {previous.income_to + 1} is not covered "
                    f"or covered twice (next row starts at {row.income_from})",
                    line_number=row.line_number,
                )
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "_starts", tuple(row.income_from for row in rows))

    def tax_for(self, monthly_income: Decimal, column: int) -> Decimal:
        """Tax in whole kronor for a month's taxable income in ``column`` (1-based).

        The bracket is found by the income in whole kronor (öre dropped). On a ``B`` row the tax is the
        column's amount; on a ``%`` row it is ``floor_to_krona(income × percent / 100)``. An income below the
        first bracket pays no tax; an income above a closed last bracket is an error, never a guess.
        """
        if monthly_income < 0:
            raise ValueError(f"a monthly income cannot be negative: {monthly_income}")
        kronor = int(monthly_income)  # non-negative, so truncation drops the öre
        index = bisect_right(self._starts, kronor) - 1
        if index < 0:
            return ZERO
        row = self.rows[index]
        if row.income_to is not None and kronor > row.income_to:
            raise ValueError(
                f"tax table {self.table_number} for {self.year} ends at {row.income_to} kr; "
                f"no tax for {monthly_income}"
            )
        if not 1 <= column <= len(row.columns):
            raise ValueError(f"tax table {self.table_number} for {self.year} has no column {column}")
        value = row.columns[column - 1]
        if row.kind is RowKind.PERCENT:
            return floor_to_krona(monthly_income * value / 100)
        return value.quantize(ORE)


def parse_fixed_width(data: bytes | str, *, year: int) -> tuple[TaxTableRow, ...]:
    """Rows of the fixed-width "Allmänna tabeller – månad" file (payroll.md §3 layout), for ``year``.

    Positions (1-based): 1–2 days, 3 ``B``/``%``, 4–5 table number, 6–12 income from, 13–19 income to (blank
    on the open-ended row), then 5-character columns 1, 2, …. Rows for other day counts are skipped.
    """
    rows: list[TaxTableRow] = []
    for line_number, line in enumerate(_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        days = line[0:2]
        if not _INTEGER.fullmatch(days):
            raise TaxTableFormatError(f"days {days!r} is not a number", line_number=line_number)
        if int(days) != MONTH_DAYS:
            continue
        if len(line.rstrip()) < 24:
            raise TaxTableFormatError("too short for a tax table row", line_number=line_number)
        income_to = line[12:19].strip()
        rows.append(
            TaxTableRow(
                year=year,
                table_number=_integer(line[3:5], "table number", line_number),
                kind=_kind(line[2], line_number),
                income_from=_integer(line[5:12], "income from", line_number),
                income_to=_integer(income_to, "income to", line_number) if income_to else None,
                columns=_columns(
                    [line[start : start + 5] for start in range(19, len(line.rstrip()), 5)], line_number
                ),
                line_number=line_number,
            )
        )
    return tuple(rows)


def parse_open_data_csv(data: bytes | str, *, year: int) -> tuple[TaxTableRow, ...]:
    """Rows of the open-data CSV for ``year`` (fields ``år, tabellnr, antal dgr, inkomst fr.o.m.,
    inkomst t.o.m., kolumn 1 … kolumn 7``; delimiter ``,`` or ``;``; header names in any case and order).

    ``antal dgr`` is ``30B`` or ``30%`` (a bare ``30`` is an amount row); other day counts and other years are
    skipped. Empty trailing columns are dropped.
    """
    text = _text(data)
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise TaxTableFormatError("the file is empty")
    names = [" ".join(name.strip().lower().split()) for name in header]
    positions = {name: index for index, name in enumerate(names)}
    missing = [name for name in (*_CSV_FIELDS, "kolumn 1") if name not in positions]
    if missing:
        raise TaxTableFormatError(f"missing columns {', '.join(missing)}", line_number=reader.line_num)
    column_positions = sorted(
        (int(match.group(1)), index)
        for index, name in enumerate(names)
        if (match := _CSV_COLUMN.fullmatch(name))
    )
    if [number for number, _ in column_positions] != list(range(1, len(column_positions) + 1)):
        raise TaxTableFormatError("the kolumn fields are not numbered 1, 2, …", line_number=reader.line_num)

    rows: list[TaxTableRow] = []
    for record in reader:
        line_number = reader.line_num
        if not any(value.strip() for value in record):
            continue
        if len(record) != len(names):
            raise TaxTableFormatError(
                f"{len(record)} fields where the header has {len(names)}", line_number=line_number
            )
        value = {name: record[positions[name]].strip() for name in _CSV_FIELDS}
        days_and_kind = _DAYS_AND_KIND.fullmatch(value["antal dgr"].upper())
        if days_and_kind is None:
            raise TaxTableFormatError(
                f"antal dgr {value['antal dgr']!r} is not understood", line_number=line_number
            )
        if int(days_and_kind.group(1)) != MONTH_DAYS or _integer(value["år"], "år", line_number) != year:
            continue
        income_to = value["inkomst t.o.m."]
        rows.append(
            TaxTableRow(
                year=year,
                table_number=_integer(value["tabellnr"], "tabellnr", line_number),
                kind=_kind(days_and_kind.group(2) or RowKind.AMOUNT.value, line_number),
                income_from=_integer(value["inkomst fr.o.m."], "inkomst fr.o.m.", line_number),
                income_to=_integer(income_to, "inkomst t.o.m.", line_number) if income_to else None,
                columns=_columns([record[index] for _, index in column_positions], line_number),
                line_number=line_number,
            )
        )
    return tuple(rows)


def parse_tax_table_file(data: bytes | str, *, year: int) -> tuple[TaxTableRow, ...]:
    """Rows of either shape: a first line naming ``tabellnr`` is the open-data CSV, else fixed-width."""
    text = _text(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if "tabellnr" in first_line.lower():
        return parse_open_data_csv(text, year=year)
    return parse_fixed_width(text, year=year)


def build_tax_tables(rows: Iterable[TaxTableRow]) -> dict[int, TaxTable]:
    """Group rows of one year into tables by number; each table is checked for gaps and overlaps."""
    grouped: dict[tuple[int, int], list[TaxTableRow]] = {}
    for row in rows:
        grouped.setdefault((row.year, row.table_number), []).append(row)
    years = {year for year, _ in grouped}
    if len(years) > 1:
        raise TaxTableFormatError(f"rows for several years: {sorted(years)}")
    return {
        number: TaxTable(year=year, table_number=number, rows=tuple(table_rows))
        for (year, number), table_rows in sorted(grouped.items())
    }


def _text(data: bytes | str) -> str:
    """Files come as UTF-8 (with or without BOM), UTF-16 with BOM, or latin-1."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _kind(text: str, line_number: int) -> RowKind:
    try:
        return RowKind(text)
    except ValueError:
        raise TaxTableFormatError(
            f"row kind {text!r} is neither 'B' nor '%'", line_number=line_number
        ) from None


def _integer(text: str, what: str, line_number: int) -> int:
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise TaxTableFormatError(f"{what} {text!r} is not a whole number", line_number=line_number)
    return int(text)


def _columns(values: list[str], line_number: int) -> tuple[Decimal, ...]:
    texts = [value.strip() for value in values]
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        raise TaxTableFormatError("no column values", line_number=line_number)
    if len(texts) > _MAX_COLUMNS:
        raise TaxTableFormatError(f"{len(texts)} columns, at most {_MAX_COLUMNS}", line_number=line_number)
    columns: list[Decimal] = []
    for number, text in enumerate(texts, start=1):
        if not _VALUE.fullmatch(text):
            raise TaxTableFormatError(f"column {number} {text!r} is not a number", line_number=line_number)
        columns.append(Decimal(text.replace(",", ".")))
    return tuple(columns)

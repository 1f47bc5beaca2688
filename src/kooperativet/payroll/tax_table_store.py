"""Storing imported tax tables and reading them back for table mode (payroll.md §3, "Tax table files").

A file is parsed by the pure ``tax_tables`` module, checked table by table, and stored with its year and
SHA-256. The latest import of a year is the one table mode uses; the same file twice for a year is a 409.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kooperativet.errors import Conflict, RuleViolation
from kooperativet.payroll.calculation import MissingTaxTable
from kooperativet.payroll.models import TaxTableImport, TaxTableRowRecord, TaxTableShape
from kooperativet.payroll.tax_tables import (
    RowKind,
    TaxTable,
    TaxTableFormatError,
    TaxTableRow,
    build_tax_tables,
    parse_tax_table_file,
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def import_tax_tables(
    session: Session, *, content: bytes, filename: str, year: int, imported_by_id: int | None = None
) -> TaxTableImport:
    """Parse, check and store one file of monthly tables for ``year``; a file that cannot be read is a 422."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(f"year {year} is not a plausible income year", field="year")
    sha256 = hashlib.sha256(content).hexdigest()
    existing = session.scalar(
        select(TaxTableImport).where(TaxTableImport.year == year, TaxTableImport.sha256 == sha256)
    )
    if existing is not None:
        raise Conflict(
            f"this file was already imported for {year} (import {existing.id}, SHA-256 {sha256})",
            code="tax_tables_already_imported",
        )
    try:
        rows = parse_tax_table_file(content, year=year)
        tables = build_tax_tables(rows)
    except TaxTableFormatError as exc:
        raise RuleViolation(f"{filename}: {exc}", code="invalid_tax_table_file", field="file") from exc
    if not tables:
        raise RuleViolation(
            f"{filename} has no 30-day (month) rows for {year}", code="invalid_tax_table_file", field="file"
        )
    shape = TaxTableShape.open_data if _looks_like_open_data(content) else TaxTableShape.fixed_width
    record = TaxTableImport(
        year=year,
        filename=filename[:255],
        shape=shape,
        sha256=sha256,
        table_numbers=sorted(tables),
        row_count=len(rows),
        imported_by_id=imported_by_id,
    )
    session.add(record)
    session.flush()
    session.execute(
        insert(TaxTableRowRecord),
        [
            {
                "import_id": record.id,
                "table_number": row.table_number,
                "kind": row.kind.value,
                "income_from": row.income_from,
                "income_to": row.income_to,
                "columns": [str(value) for value in row.columns],
            }
            for table in tables.values()
            for row in table.rows
        ],
    )
    return record


def _looks_like_open_data(content: bytes) -> bool:
    head = content[:400].lower()
    return b"tabellnr" in head or "tabellnr".encode("utf-16-le") in head


def latest_import(session: Session, *, year: int) -> TaxTableImport | None:
    return session.scalar(
        select(TaxTableImport)
        .where(TaxTableImport.year == year)
        .order_by(TaxTableImport.imported_at.desc(), TaxTableImport.id.desc())
        .limit(1)
    )


def list_imports(session: Session) -> list[TaxTableImport]:
    return list(
        session.scalars(select(TaxTableImport).order_by(TaxTableImport.year.desc(), TaxTableImport.id.desc()))
    )


def tax_table(session: Session, *, year: int, table_number: int) -> tuple[TaxTable, TaxTableImport]:
    """The month table ``table_number`` for ``year`` from the latest import, and that import.

    No import for the year, or none with that table, raises ``MissingTaxTable`` (never a guess).
    """
    record = latest_import(session, year=year)
    if record is None or table_number not in record.table_numbers:
        raise MissingTaxTable(table_number, year)
    return tax_tables_of(session, record=record, table_numbers={table_number})[table_number], record


def tax_tables_of(
    session: Session, *, record: TaxTableImport, table_numbers: Iterable[int]
) -> dict[int, TaxTable]:
    """The month tables ``table_numbers`` of one import, read in a single query whatever their number (a
    run needs every table its members are taxed by; a table the import lacks is simply not in the result).

    An import never changes once stored, so a table read once is kept (``_READ``, by import, file SHA-256,
    year and number): the calculator and a run's recalculation do not parse the same 800 rows again."""
    wanted = sorted(set(table_numbers) & set(record.table_numbers))
    found = {number: table for number in wanted if (table := _READ.get(_key(record, number))) is not None}
    missing = [number for number in wanted if number not in found]
    if missing:
        for number, table in _read_tables(session, record=record, table_numbers=missing).items():
            _READ.put(_key(record, number), table)
            found[number] = table
    return found


def _read_tables(
    session: Session, *, record: TaxTableImport, table_numbers: list[int]
) -> dict[int, TaxTable]:
    rows = session.execute(
        select(
            TaxTableRowRecord.table_number,
            TaxTableRowRecord.kind,
            TaxTableRowRecord.income_from,
            TaxTableRowRecord.income_to,
            TaxTableRowRecord.columns,
        )
        .where(TaxTableRowRecord.import_id == record.id, TaxTableRowRecord.table_number.in_(table_numbers))
        .order_by(TaxTableRowRecord.table_number, TaxTableRowRecord.id)
    )
    by_table: dict[int, list[TaxTableRow]] = {number: [] for number in table_numbers}
    for number, kind, income_from, income_to, columns in rows:
        by_table[number].append(
            TaxTableRow(
                year=record.year,
                table_number=number,
                kind=RowKind(kind),
                income_from=income_from,
                income_to=income_to,
                columns=tuple(Decimal(value) for value in columns),
            )
        )
    return {
        number: TaxTable(year=record.year, table_number=number, rows=tuple(found))
        for number, found in by_table.items()
    }


#: An import's table: the import, the file's SHA-256, the year it was imported for, the table's number.
Key = tuple[int, str, int, int]


def _key(record: TaxTableImport, number: int) -> Key:
    return (record.id, record.sha256, record.year, number)


class _Tables:
    """The tables read lately, the least recently used dropped first. A year's file has 14 monthly tables
    (29–42) of some hundreds of rows each, under a megabyte each as objects: 40 keep the tables of this
    year and the next, and of an import made to correct one, without letting a long-running server grow."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._tables: OrderedDict[Key, TaxTable] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> TaxTable | None:
        with self._lock:
            table = self._tables.get(key)
            if table is not None:
                self._tables.move_to_end(key)
            return table

    def put(self, key: Key, table: TaxTable) -> None:
        with self._lock:
            self._tables[key] = table
            self._tables.move_to_end(key)
            while len(self._tables) > self.size:
                self._tables.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()


_READ = _Tables(size=40)


def forget_read_tables() -> None:
    """Drop every table kept (``tax_tables_of``): the process then reads them as a new one would."""
    _READ.clear()

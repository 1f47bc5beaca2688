"""payroll.md §3 "Tax table files": both published shapes, read from small synthetic files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kooperativet.payroll.calculation import (
    MonthToDate,
    Rate,
    TaxMode,
    TaxSetting,
    calculate_payout,
)
from kooperativet.payroll.tax_tables import (
    RowKind,
    TaxTable,
    TaxTableFormatError,
    TaxTableRow,
    build_tax_tables,
    parse_fixed_width,
    parse_open_data_csv,
    parse_tax_table_file,
)
from tests.payroll.defaults import default_payroll_parameters

# Synthetic: the layout of "Allmänna tabeller – månad", made-up numbers.
#                 1-2 days, 3 kind, 4-5 table, 6-12 from, 13-19 to, then columns 1..7 of 5 characters
SYNTHETIC_FIXED_WIDTH = (
    "30B330000001001000001000009000080000700006000050000400\n"
    "30B330010001002000003000028000260002400022000200001800\n"
    "30%330020001       00040000350003500035000350003500035\n"
    "15B330000001000500000500004500040000350003000025000200\n"
    "30B3400000010020000  500  450  400  350  300  250  200\n"
    "30%340020001          45   44   43   42   41   40   39\n"
)

SYNTHETIC_CSV = (
    "År;Antal dgr;Tabellnr;Inkomst fr.o.m.;Inkomst t.o.m.;Kolumn 1;Kolumn 2;Kolumn 3;Kolumn 4;Kolumn 5;"
    "Kolumn 6;Kolumn 7\n"
    "2026;30B;33;1;10000;1000;900;800;700;600;500;400\n"
    "2026;30B;33;10001;20000;3000;2800;2600;2400;2200;2000;1800\n"
    "2026;30%;33;20001;;40;35;35;35;35;35;35\n"
    "2026;15B;33;1;5000;500;450;400;350;300;250;200\n"
    "2025;30B;33;1;99999;999;999;999;999;999;999;999\n"
    "2026;30B;34;1;20000;500;450;400;350;300;250;200\n"
    "2026;30%;34;20001;;45;44;43;42;41;40;39\n"
)

CSV_HEADER = "år;tabellnr;antal dgr;inkomst fr.o.m.;inkomst t.o.m.;kolumn 1\n"


def columns(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(value) for value in values)


def test_fixed_width_rows_follow_the_published_positions() -> None:
    rows = parse_fixed_width(SYNTHETIC_FIXED_WIDTH, year=2026)
    assert [row.line_number for row in rows] == [1, 2, 3, 5, 6]  # the 15-day row is skipped
    assert rows[0] == TaxTableRow(
        year=2026,
        table_number=33,
        kind=RowKind.AMOUNT,
        income_from=1,
        income_to=10000,
        columns=columns("1000", "900", "800", "700", "600", "500", "400"),
    )
    assert rows[2] == TaxTableRow(
        year=2026,
        table_number=33,
        kind=RowKind.PERCENT,
        income_from=20001,
        income_to=None,
        columns=columns("40", "35", "35", "35", "35", "35", "35"),
    )
    assert rows[3].columns == columns("500", "450", "400", "350", "300", "250", "200")


def test_the_open_data_csv_gives_the_same_tables_as_the_fixed_width_file() -> None:
    from_csv = build_tax_tables(parse_open_data_csv(SYNTHETIC_CSV, year=2026))
    from_text = build_tax_tables(parse_fixed_width(SYNTHETIC_FIXED_WIDTH, year=2026))
    assert sorted(from_csv) == [33, 34]
    assert from_csv == from_text


def test_csv_with_commas_lower_case_names_another_order_and_fewer_columns() -> None:
    text = (
        "tabellnr,år,inkomst t.o.m.,inkomst fr.o.m.,antal dgr,kolumn 2,kolumn 1\n"
        "33,2026,10000,1,30,900,1000\n"
        "33,2026,,10001,30%,35,40\n"
        "33,2025,,10001,30%,99,99\n"
    )
    rows = parse_open_data_csv(text, year=2026)
    assert rows == (
        TaxTableRow(
            year=2026,
            table_number=33,
            kind=RowKind.AMOUNT,
            income_from=1,
            income_to=10000,
            columns=columns("1000", "900"),
        ),
        TaxTableRow(
            year=2026,
            table_number=33,
            kind=RowKind.PERCENT,
            income_from=10001,
            income_to=None,
            columns=columns("40", "35"),
        ),
    )


def test_only_the_requested_year_is_read_from_a_csv() -> None:
    rows = parse_open_data_csv(SYNTHETIC_CSV, year=2025)
    assert [(row.year, row.income_to, row.columns[0]) for row in rows] == [(2025, 99999, Decimal("999"))]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("content", [SYNTHETIC_CSV, SYNTHETIC_FIXED_WIDTH], ids=["csv", "fixed-width"])
def test_files_are_read_from_bytes_in_any_published_encoding(content: str, encoding: str) -> None:
    rows = parse_tax_table_file(content.encode(encoding), year=2026)
    assert build_tax_tables(rows) == build_tax_tables(parse_tax_table_file(content, year=2026))
    assert len(rows) == 5


@pytest.mark.parametrize(
    ("table_number", "income", "column", "tax"),
    [
        (33, "0.00", 1, "0.00"),  # below the first bracket
        (33, "1.00", 1, "1000.00"),
        (33, "10000.99", 1, "1000.00"),  # the öre are dropped to find the bracket
        (33, "10001.00", 1, "3000.00"),
        (33, "15000.00", 7, "1800.00"),
        (33, "20000.99", 2, "2800.00"),
        (33, "20001.00", 1, "8000.00"),  # % row: 20 001 × 40 %
        (33, "24305.28", 1, "9722.00"),  # 9 722.112 → whole kronor
        (33, "24305.28", 2, "8506.00"),
        (33, "10000000.00", 1, "4000000.00"),  # the last row is open-ended
        (34, "19999.00", 1, "500.00"),  # space-padded values
        (34, "100000.00", 7, "39000.00"),
    ],
)
def test_lookup(table_number: int, income: str, column: int, tax: str) -> None:
    table = build_tax_tables(parse_fixed_width(SYNTHETIC_FIXED_WIDTH, year=2026))[table_number]
    assert table.tax_for(Decimal(income), column) == Decimal(tax)


@pytest.mark.parametrize("column", [0, 8])
def test_lookup_refuses_a_column_the_table_does_not_have(column: int) -> None:
    table = build_tax_tables(parse_fixed_width(SYNTHETIC_FIXED_WIDTH, year=2026))[33]
    with pytest.raises(ValueError, match=f"table 33 for 2026 has no column {column}"):
        table.tax_for(Decimal("5000.00"), column)


def test_lookup_refuses_an_income_above_a_closed_last_row() -> None:
    (table,) = build_tax_tables(parse_fixed_width(SYNTHETIC_FIXED_WIDTH.splitlines()[0], year=2026)).values()
    with pytest.raises(ValueError, match="ends at 10000 kr"):
        table.tax_for(Decimal("10001.00"), 1)


@pytest.mark.parametrize(
    ("content", "line_number", "message"),
    [
        ("30B330000001001000001000\n30B33000x001002000003000\n", 2, "income from '000x001'"),
        ("30B330000001001000001000\n\n30X330010001002000003000\n", 3, "row kind 'X'"),
        ("30B3300000010010000\n", 1, "too short"),
        ("3OB330000001001000001000\n", 1, "days '3O'"),
        ("30B330000001001000001000\n30B3300100010020000030a0\n", 2, "column 1 '030a0'"),
        ("30B3300000010010000" + "01000" * 8 + "\n", 1, "8 columns, at most 7"),
    ],
)
def test_a_malformed_fixed_width_line_is_named(content: str, line_number: int, message: str) -> None:
    with pytest.raises(TaxTableFormatError, match=message) as raised:
        parse_fixed_width(content, year=2026)
    assert raised.value.line_number == line_number
    assert str(raised.value).startswith(f"line {line_number}: ")


@pytest.mark.parametrize(
    ("content", "line_number", "message"),
    [
        ("år;tabellnr;antal dgr;inkomst fr.o.m.;kolumn 1\n", 1, "missing columns inkomst t.o.m."),
        ("år;tabellnr;antal dgr;inkomst fr.o.m.;inkomst t.o.m.;kolumn 2\n", 1, "missing columns kolumn 1"),
        (
            "år;tabellnr;antal dgr;inkomst fr.o.m.;inkomst t.o.m.;kolumn 1;kolumn 3\n",
            1,
            "not numbered 1, 2",
        ),
        (
            f"{CSV_HEADER}2026;33;30B;1;100;0\n2026;3x;30B;101;;5\n",
            3,
            "tabellnr '3x'",
        ),
        (f"{CSV_HEADER}2026;33;30B;1;100\n", 2, "5 fields"),
        (f"{CSV_HEADER}2026;33;30Q;1;100;0\n", 2, "'30Q'"),
        (f"{CSV_HEADER}2026;33;30B;1;100;\n", 2, "no column"),
    ],
)
def test_a_malformed_csv_line_is_named(content: str, line_number: int, message: str) -> None:
    with pytest.raises(TaxTableFormatError, match=message) as raised:
        parse_open_data_csv(content, year=2026)
    assert raised.value.line_number == line_number


@pytest.mark.parametrize(
    ("content", "line_number", "message"),
    [
        (
            "30B330000001001000001000\n30B330010002002000003000\n",
            2,
            "income 10001 is not covered or covered twice",
        ),
        ("30B330000001001000001000\n30B330009001002000003000\n", 2, "covered twice"),
        ("30%330000001       00010\n30B330010001002000003000\n", 1, "only the last row may be open-ended"),
        ("30B330010001000000101000\n", 1, "income to is below income from"),
    ],
)
def test_a_table_with_gaps_or_overlaps_is_refused(content: str, line_number: int, message: str) -> None:
    with pytest.raises(TaxTableFormatError, match=message) as raised:
        build_tax_tables(parse_fixed_width(content, year=2026))
    assert raised.value.line_number == line_number


def test_rows_of_several_years_do_not_make_one_set_of_tables() -> None:
    rows = (
        *parse_fixed_width(SYNTHETIC_FIXED_WIDTH, year=2026),
        *parse_fixed_width(SYNTHETIC_FIXED_WIDTH, year=2025),
    )
    with pytest.raises(TaxTableFormatError, match=r"several years: \[2025, 2026\]"):
        build_tax_tables(rows)


def test_an_imported_table_is_what_table_mode_looks_tax_up_in() -> None:
    table: TaxTable = build_tax_tables(parse_open_data_csv(SYNTHETIC_CSV.encode("latin-1"), year=2026))[33]
    payout = calculate_payout(
        invoiced_amount=Decimal("20000.00"),
        birth_date=date(1990, 5, 14),
        pay_date=date(2026, 11, 25),
        parameters=default_payroll_parameters(
            pay_date=date(2026, 11, 25), fee_rate=Rate(value=Decimal("0.06"), source="Interim kultur fee")
        ),
        tax=TaxSetting(mode=TaxMode.TABLE, table_number=33, column=1),
        month_to_date=MonthToDate(taxable_pay=Decimal("10000.00"), tax_withheld=Decimal("1000.00")),
        tax_table=table,
    )
    assert payout.tax == Decimal("8722.00")  # 24 305.28 × 40 % = 9 722, minus 1 000 already withheld

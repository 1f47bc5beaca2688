"""payroll.md §3 "Tax table files": imported over the admin API and the CLI, stored with year and SHA-256."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kooperativet.auth.models import Role
from kooperativet.cli import app
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.payroll import tax_table_store
from kooperativet.payroll.calculation import MissingTaxTable
from tests.payroll.conftest import SYNTHETIC_TABLES
from tests.statement_count import counted


def test_an_admin_imports_the_fixed_width_file_over_the_api(
    api: TestClient, session: Session, make_user
) -> None:
    admin = make_user(Role.admin)
    content = SYNTHETIC_TABLES.read_bytes()
    response = api.post(
        "/api/v1/tax-tables?year=2026",
        files={"file": (SYNTHETIC_TABLES.name, content, "text/plain")},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["year"], body["shape"], body["table_numbers"], body["row_count"]) == (
        2026,
        "fixed_width",
        [33],
        3,
    )
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    table, record = tax_table_store.tax_table(session, year=2026, table_number=33)
    assert record.id == body["id"]
    assert table.tax_for(Decimal("14305.28"), 1) == Decimal("3000.00")
    again = api.post(
        "/api/v1/tax-tables?year=2026",
        files={"file": (SYNTHETIC_TABLES.name, content, "text/plain")},
        headers=admin.headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "tax_tables_already_imported"


def test_the_open_data_shape_is_imported_too(session: Session) -> None:
    csv = (
        "år;antal dgr;tabellnr;inkomst fr.o.m.;inkomst t.o.m.;kolumn 1;kolumn 2\n"
        "2026;30B;34;1;10000;500;450\n"
        "2026;30%;34;10001;;45;44\n"
    ).encode()
    record = tax_table_store.import_tax_tables(
        session, content=csv, filename="synthetic-open-data.csv", year=2026
    )
    assert (record.shape, record.table_numbers) == ("open_data", [34])


def test_a_file_that_cannot_be_read_is_a_422_naming_the_line(session: Session) -> None:
    with pytest.raises(RuleViolation, match="line 1"):
        tax_table_store.import_tax_tables(session, content=b"30X33garbage\n", filename="bad.txt", year=2026)


def test_a_missing_table_names_the_table_and_the_year(session: Session) -> None:
    tax_table_store.import_tax_tables(
        session, content=SYNTHETIC_TABLES.read_bytes(), filename=SYNTHETIC_TABLES.name, year=2026
    )
    with pytest.raises(MissingTaxTable, match="tax table 34 for 2026"):
        tax_table_store.tax_table(session, year=2026, table_number=34)
    with pytest.raises(MissingTaxTable, match="tax table 33 for 2027"):
        tax_table_store.tax_table(session, year=2027, table_number=33)


def test_the_same_file_twice_for_a_year_is_a_conflict(session: Session) -> None:
    content = SYNTHETIC_TABLES.read_bytes()
    tax_table_store.import_tax_tables(session, content=content, filename="a.txt", year=2026)
    with pytest.raises(Conflict, match="already imported for 2026"):
        tax_table_store.import_tax_tables(session, content=content, filename="b.txt", year=2026)


def test_the_cli_imports_a_file_for_a_year(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kooperativet import migrate

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    migrate.upgrade(url)
    monkeypatch.setenv("KOOPERATIVET_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["tax-tables", "import", str(SYNTHETIC_TABLES), "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "imported 3 month rows of tables 33 for 2026" in result.output
    assert hashlib.sha256(SYNTHETIC_TABLES.read_bytes()).hexdigest() in result.output
    again = CliRunner().invoke(app, ["tax-tables", "import", str(SYNTHETIC_TABLES), "--year", "2026"])
    assert again.exit_code == 1


def test_a_table_read_once_is_not_read_again_and_another_years_import_is_read_afresh(
    session: Session, connection: Connection
) -> None:
    content = SYNTHETIC_TABLES.read_bytes()
    this_year = tax_table_store.import_tax_tables(session, content=content, filename="a.txt", year=2026)
    number = this_year.table_numbers[0]
    tax_table_store.forget_read_tables()
    with counted(connection) as first:
        table, _ = tax_table_store.tax_table(session, year=2026, table_number=number)
    with counted(connection) as again:
        same, _ = tax_table_store.tax_table(session, year=2026, table_number=number)

    assert same == table
    assert again.count == first.count - 1  # the latest import is looked up; its rows are not read again
    # The same file for another year is another import: its table is read, and is that year's.
    next_year = tax_table_store.import_tax_tables(session, content=content, filename="b.txt", year=2027)
    with counted(connection) as other:
        later, _ = tax_table_store.tax_table(session, year=2027, table_number=number)
    assert other.count == first.count
    assert (later.year, table.year) == (2027, 2026)
    assert later.rows[0].columns == table.rows[0].columns
    assert next_year.id != this_year.id

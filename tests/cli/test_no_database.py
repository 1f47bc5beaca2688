"""Every command that opens the configured database, run before ``db upgrade`` made the embedded one: one
line saying where the database was looked for and what to run, and no file left behind. Connecting used to
create an empty database file, readable by anyone, which ``db upgrade`` then kept as it found it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from kooperativet.cli import app
from tests.cli.fresh import TAX_TABLES, Kooperativet, output

# The commands that make their database or open none.
NO_CONFIGURED_DATABASE = {"version", "keys new", "keys id", "db upgrade", "demo"}
ARGUMENTS = {
    "serve": ["--port", "0"],
    "worker": ["--once"],
    "db check": [],
    "db downgrade": ["-1"],
    "create-user": ["--email", "k@example.se", "--name", "K", "--role", "member", "--password", "0123456789"],
    "set-password": ["--email", "k@example.se", "--password", "0123456789"],
    "tax-tables import": [str(TAX_TABLES), "--year", "2026"],
    "payroll render": ["1"],
    "payroll summary": ["--run", "1", "--out", "summary.csv"],
    "documents render-pending": [],
    "export agi": ["--period", "2026-11", "--out", "agi.xml"],
    "export sie": ["--from", "2026-11-01", "--to", "2026-11-30", "--out", "nov.si"],
    "export pain001": ["--run", "1", "--out", "pain001.xml"],
    "export batches": [],
    "export download": ["1", "--out", "agi.xml"],
    "audit verify": [],
    "audit seal": [],
    "audit export": ["--out", "audit.json"],
    "keys rotate": [],
    "backup": ["--out", "kooperativet.backup"],
    "invoices remind": [],
    "privacy purge": ["--dry-run"],
    "knowledge export": ["--out", "bank.json"],
    "knowledge import": ["{bundle}"],  # a JSON file, made by the test
}


def leaves(command: Any, path: str = "") -> set[str]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        return {path}
    return set().union(*(leaves(sub, f"{path} {name}".strip()) for name, sub in subcommands.items()))


def test_every_command_is_either_run_here_or_opens_no_configured_database() -> None:
    assert leaves(typer.main.get_command(app)) == set(ARGUMENTS) | NO_CONFIGURED_DATABASE


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_a_command_before_db_upgrade_says_to_run_it_and_creates_no_database(
    command: str, tmp_path: Path
) -> None:
    database = tmp_path / "data" / "kooperativet.sqlite3"
    kooperativet = Kooperativet(database_url=f"sqlite:///{database}", folder=tmp_path)

    bundle = tmp_path / "in" / "bank.json"
    bundle.parent.mkdir()
    bundle.write_text("{}", encoding="utf-8")

    result = kooperativet(*command.split(), *(a.format(bundle=bundle) for a in ARGUMENTS[command]))

    said = (
        f"error: there is no database at {database}; run 'kooperativet db upgrade' first to make it, or set "
        "KOOPERATIVET_DATABASE_URL to where it is."
    )
    if command in ("serve", "worker"):
        said += f" kooperativet {command} did not start."
    assert (result.returncode, result.stderr, result.stdout) == (1, said + "\n", "")
    assert not database.exists()
    assert not [path.name for path in tmp_path.iterdir() if path.is_file()]  # no output file either


def test_without_a_database_url_the_data_folder_is_the_setting_to_fix(tmp_path: Path) -> None:
    kooperativet = Kooperativet(database_url="", folder=tmp_path)

    result = kooperativet("audit", "verify")

    database = tmp_path / "data" / "kooperativet.sqlite3"
    assert result.stderr == (
        f"error: there is no database at {database}; run 'kooperativet db upgrade' first to make it, or set "
        "KOOPERATIVET_DATA_DIR to where it is.\n"
    )
    assert not database.exists()
    output(kooperativet("db", "upgrade"))
    assert output(kooperativet("audit", "verify"))[0].startswith("audit log intact: ")

"""``kooperativet payroll summary --format csv-sv``: the Swedish CSV through the same CLI path as the XLSX."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kooperativet.cli import app
from kooperativet.exports.formats.payroll_summary import SWEDISH_COLUMNS, SWEDISH_HEADERS
from tests.cli.test_cli import env_for

runner = CliRunner()


def test_the_swedish_csv_is_written_by_the_cli(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    out = tmp_path / "summary.csv"

    result = runner.invoke(
        app, ["payroll", "summary", "--period", "2026-11", "--format", "csv-sv", "--out", str(out)], env=env
    )

    assert result.exit_code == 0, result.output
    header = ";".join(SWEDISH_HEADERS[column] for column in SWEDISH_COLUMNS)
    assert out.read_bytes() == ("\ufeff" + header + "\r\n").encode("utf-8")
    assert header.startswith(
        "Lönespecifikation (id);Lönespecifikation (nummer);Lönekörning (id);Utbetalningsdag;"
    )


def test_an_unknown_format_names_the_three_formats(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["payroll", "summary", "--period", "2026-11", "--format", "ods", "--out", str(tmp_path / "x")],
        env=env_for(tmp_path),
    )

    assert result.exit_code == 2
    assert "csv, xlsx or csv-sv" in result.output

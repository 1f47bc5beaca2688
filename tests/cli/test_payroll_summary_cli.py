"""``kooperativet payroll summary`` in the test process: a month without payslips, and a bad ``--format``.

The files of a month with payslips, Swedish CSV too, are tests/cli/test_month_end.py's.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kooperativet.cli import app
from tests.cli.test_cli import env_for

runner = CliRunner()


def test_a_month_without_payslips_says_so_and_writes_no_file(tmp_path: Path) -> None:
    """Before, the file held its header row alone and the command said "wrote": a treasurer at month end took
    it for a broken export. Now it is refused as ``export agi`` refuses a month with nothing to declare."""
    env = env_for(tmp_path)
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    out = tmp_path / "summary"

    for summary_format in ("csv", "csv-sv", "xlsx"):
        result = runner.invoke(
            app,
            ["payroll", "summary", "--period", "2026-11", "--format", summary_format, "--out", str(out)],
            env=env,
        )

        assert result.exit_code == 1, result.output
        assert (result.stdout, result.stderr) == (
            "",
            "error: no payslips were paid out in 2026-11: nothing to summarise, no file was written\n",
        )
        assert sorted(path.name for path in tmp_path.iterdir() if "summary" in path.name) == []


def test_an_unknown_format_names_the_three_formats(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["payroll", "summary", "--period", "2026-11", "--format", "ods", "--out", str(tmp_path / "x")],
        env=env_for(tmp_path),
    )

    assert result.exit_code == 2
    assert "csv, xlsx or csv-sv" in result.output

"""CLI commands on a fresh database, each in a new process: nothing the test suite imported helps them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TEST_BLIND_INDEX_KEY, TEST_DATA_KEY

TAX_TABLES = (
    Path(__file__).resolve().parents[1] / "payroll" / "data" / "synthetic-allmanna-tabeller-manad-2026.txt"
)


def kooperativet(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KOOPERATIVET_DATA_DIR": str(data_dir),
        "KOOPERATIVET_DATA_KEY": TEST_DATA_KEY,
        "KOOPERATIVET_BLIND_INDEX_KEY": TEST_BLIND_INDEX_KEY,
    }
    env.pop("KOOPERATIVET_DATABASE_URL", None)
    command = [sys.executable, "-c", "from kooperativet.cli import app; app()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_tax_tables_import_works_on_a_fresh_database(tmp_path: Path) -> None:
    assert kooperativet(tmp_path, "db", "upgrade").returncode == 0

    result = kooperativet(tmp_path, "tax-tables", "import", str(TAX_TABLES), "--year", "2026")

    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout
    assert "Traceback" not in result.stderr


def test_audit_verify_works_on_a_fresh_database(tmp_path: Path) -> None:
    assert kooperativet(tmp_path, "db", "upgrade").returncode == 0

    result = kooperativet(tmp_path, "audit", "verify")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

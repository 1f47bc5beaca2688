"""No command writes over a file without a word: ``payroll summary``, ``audit export``, ``knowledge
export`` and ``export agi|sie|pain001|download`` refuse an existing ``--out`` as ``backup`` does, with a
usage error (exit 2) given before the database is opened, the file left byte for byte as it was;
``--force`` writes over it, and a forced write that fails leaves it as it was too. Each command runs in a
new process, on SQLite or PostgreSQL (``KOOPERATIVET_TEST_DATABASE_URL``).

The exports refused an existing file only once they had read the database (and made the batch, rolled back
with the refusal); they are refused first now, as the others are. What ``payroll summary`` and the exports
write over with ``--force`` is tests/cli/test_month_end.py's: they need a month with payslips.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.fresh import Kooperativet, assert_error, output, usage_error


@dataclass(frozen=True)
class Writer:
    """A command that writes ``--out``, what it prints when it did, and a check that the file is its own."""

    command: tuple[str, ...]
    printed: Callable[[Path], str]
    written: Callable[[bytes], bool]


def _audit_log(content: bytes) -> bool:
    document = json.loads(content)
    return {"entries", "head"} <= set(document)


def _bundle(content: bytes) -> bool:
    return bool(json.loads(content)["articles"])


#: The commands that write a file on a migrated database with nothing in it.
WRITERS = {
    "audit export": Writer(("audit", "export"), lambda out: f"entries written to {out}", _audit_log),
    "knowledge export": Writer(("knowledge", "export"), lambda out: f"articles written to {out}", _bundle),
}
#: Every command with ``--out`` and ``--force``, with what it needs besides them.
REFUSING = {
    **{name: writer.command for name, writer in WRITERS.items()},
    "payroll summary": ("payroll", "summary", "--period", "2026-11"),
    "export agi": ("export", "agi", "--period", "2026-11"),
    "export sie": ("export", "sie", "--from", "2026-11-01", "--to", "2026-11-30"),
    "export pain001": ("export", "pain001", "--run", "1"),
    "export download": ("export", "download", "1"),
}
EARLIER = b"last month's file, which nothing may replace without --force\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def kooperativet(committed_url: str, tmp_path: Path) -> Kooperativet:
    return Kooperativet(committed_url, tmp_path)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_new_file_is_written_readable_by_its_owner_only(
    name: str, kooperativet: Kooperativet, tmp_path: Path
) -> None:
    writer, out = WRITERS[name], tmp_path / "new.out"

    lines = output(kooperativet(*writer.command, "--out", str(out)))

    assert lines[-1].endswith(writer.printed(out))
    assert writer.written(out.read_bytes())
    assert mode(out) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir() if "new.out" in path.name) == ["new.out"]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_an_existing_file_is_refused_as_it_was_unless_forced(
    name: str, kooperativet: Kooperativet, tmp_path: Path
) -> None:
    writer, kept = WRITERS[name], tmp_path / "kept.out"
    kept.write_bytes(EARLIER)
    os.chmod(kept, 0o644)
    before = kept.stat()

    assert_error(
        kooperativet(*writer.command, "--out", str(kept)),
        usage_error(name, f"Invalid value for --out: {kept} exists; give --force to write over it"),
        code=2,
    )
    assert kept.read_bytes() == EARLIER
    assert (mode(kept), kept.stat().st_mtime_ns) == (0o644, before.st_mtime_ns)
    assert sorted(path.name for path in tmp_path.iterdir() if "kept.out" in path.name) == ["kept.out"]

    lines = output(kooperativet(*writer.command, "--out", str(kept), "--force"))

    assert lines[-1].endswith(writer.printed(kept))
    assert writer.written(kept.read_bytes())
    assert mode(kept) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir() if "kept.out" in path.name) == ["kept.out"]


@pytest.mark.parametrize("name", sorted(REFUSING))
def test_the_existing_file_is_refused_before_the_database_is_opened(name: str, tmp_path: Path) -> None:
    """No database at all: the refusal is the file's, and the missing database is neither named nor made."""
    database = tmp_path / "data" / "kooperativet.sqlite3"
    kooperativet = Kooperativet(database_url=f"sqlite:///{database}", folder=tmp_path)
    kept = tmp_path / "kept.out"
    kept.write_bytes(EARLIER)

    assert_error(
        kooperativet(*REFUSING[name], "--out", str(kept)),
        usage_error(name, f"Invalid value for --out: {kept} exists; give --force to write over it"),
        code=2,
    )
    assert kept.read_bytes() == EARLIER
    assert not database.exists()


@pytest.mark.parametrize("name", sorted(REFUSING))
def test_a_forced_write_that_fails_leaves_the_earlier_file_as_it_was(name: str, tmp_path: Path) -> None:
    """With --force but no database, the command fails (exit 1) and the file it was to replace stays."""
    database = tmp_path / "data" / "kooperativet.sqlite3"
    kooperativet = Kooperativet(database_url=f"sqlite:///{database}", folder=tmp_path)
    kept = tmp_path / "kept.out"
    kept.write_bytes(EARLIER)
    os.chmod(kept, 0o644)

    result = kooperativet(*REFUSING[name], "--out", str(kept), "--force")

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"error: there is no database at {database}; ")
    assert (kept.read_bytes(), mode(kept)) == (EARLIER, 0o644)
    assert sorted(path.name for path in tmp_path.iterdir() if "kept.out" in path.name) == ["kept.out"]

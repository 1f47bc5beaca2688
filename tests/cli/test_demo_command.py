"""``kooperativet demo`` in a new process: once into its own SQLite file, once into a fresh database given
with ``--database-url`` (PostgreSQL when ``KOOPERATIVET_TEST_DATABASE_URL`` is set). Both write the same
documents; the log of the database verifies against the manifest's anchors; a used database is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kooperativet import encryption
from kooperativet.all_models import Base
from kooperativet.cli.startup import unready_database
from kooperativet.config import Settings
from kooperativet.db import make_engine, stamped_with_utcnow
from kooperativet.demo import DEMO_AUDIT_KEY
from tests.cli.fresh import Kooperativet, assert_error, fresh_database, output, usage_error


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="module")
def database_url(folder: Path) -> Iterator[str]:
    with fresh_database(folder) as url:
        yield url


@pytest.fixture(scope="module")
def kooperativet(database_url: str, folder: Path) -> Kooperativet:
    """Commands on the demo's database, with the demo's public audit key (its log is chained with it)."""
    return Kooperativet(
        database_url=database_url, folder=folder, env={"KOOPERATIVET_AUDIT_KEY": DEMO_AUDIT_KEY.decode()}
    )


def demo(kooperativet: Kooperativet, out: Path, *args: str) -> dict[str, Any]:
    lines = output(kooperativet("demo", "--out", str(out), *args))
    assert lines == [f"demo written to {out.resolve()}", f"open first: {out / 'manifest.json'}"]
    manifest: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest


@pytest.fixture(scope="module")
def manifests(kooperativet: Kooperativet, folder: Path, database_url: str) -> tuple[dict[str, Any], ...]:
    return (
        demo(kooperativet, folder / "own"),
        demo(kooperativet, folder / "given", "--database-url", database_url),
    )


def test_the_demo_writes_every_file_of_its_manifest_and_the_same_twice(
    manifests: tuple[dict[str, Any], ...], folder: Path
) -> None:
    own, given = manifests
    assert own == given
    assert own["cooperative"] == {
        "name": "Interim kultur ekonomisk förening",
        "organisation_number": "769600-1234",
    }
    assert own["generator"].startswith("kooperativet ")
    kinds = {entry["kind"] for entry in own["files"]}
    assert {"invoice_pdf", "payslip_pdf", "agi_xml", "sie", "pain001", "audit_log_json"} <= kinds
    for entry in own["files"]:
        content = (folder / "own" / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]


def test_the_demos_log_verifies_against_the_anchors_of_its_manifest(
    manifests: tuple[dict[str, Any], ...], kooperativet: Kooperativet
) -> None:
    heads = {entry["kind"]: entry["audit_head"] for entry in manifests[0]["files"] if "audit_head" in entry}
    assert set(heads) == {"agi_xml", "sie", "pain001", "audit_log_json"}
    for kind in ("agi_xml", "audit_log_json"):
        lines = output(kooperativet("audit", "verify", "--anchor", heads[kind]))
        assert lines[0].startswith("audit log intact: ")
        assert lines[1] == f"anchor {heads[kind]} found: the chain passed through it and verifies to its head"


def test_the_demo_refuses_a_used_database_and_bad_input_in_one_line(
    manifests: tuple[dict[str, Any], ...], kooperativet: Kooperativet, database_url: str, folder: Path
) -> None:
    assert_error(
        kooperativet("demo", "--out", str(folder / "again"), "--database-url", database_url),
        usage_error(
            "demo",
            "Invalid value for --database-url: "
            "the demo needs a new, empty database; this one has a cooperative",
        ),
        code=2,
    )
    assert_error(
        kooperativet("demo", "--out", str(folder / "bad-day"), "--today", "2026-13-01"),
        usage_error("demo", "Invalid value for --today: '2026-13-01' is not a day written YYYY-MM-DD"),
        code=2,
    )
    assert_error(  # a driver that is not installed: one line naming the scheme, never the password
        kooperativet("demo", "--out", str(folder / "mysql"), "--database-url", "mysql://kassor:hemligt@db/x"),
        usage_error(
            "demo",
            "Invalid value for --database-url: must begin sqlite:/// (a file) or "
            "postgresql+psycopg://user:password@host:5432/name, not mysql://…",
        ),
        code=2,
    )
    a_file = folder / "own" / "manifest.json"
    assert_error(kooperativet("demo", "--out", str(a_file)), f"File exists: {a_file}")
    assert not (folder / "again").exists()
    assert not (folder / "mysql").exists()
    assert not (folder / "bad-day").exists()


def test_the_demo_keeps_everything_it_makes_in_its_folder(tmp_path: Path) -> None:
    """Run with no setting at all, from a working directory of its own: the keys it encrypts with are made
    in ``--out`` (not ./data, not the environment's), and that folder serves the demo's database as is."""
    workdir, out = tmp_path / "cwd", tmp_path / "out"
    workdir.mkdir()
    bare = {name: value for name, value in os.environ.items() if not name.startswith("KOOPERATIVET_")}
    with fresh_database(tmp_path) as url:
        given = ["--database-url", url] if url.startswith("postgresql") else []
        result = subprocess.run(
            [sys.executable, "-m", "kooperativet", "demo", "--out", str(out), *given],
            cwd=workdir,
            env=bare,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert list(workdir.iterdir()) == []
        assert {path.name for path in out.iterdir()} >= {"data_key", "blind_index_key", "audit_key"}
        assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o600 for name in ("data_key", "audit_key"))
        database = url if given else f"sqlite:///{out / 'demo.sqlite3'}"
        served = Settings(_env_file=None, env="test", data_dir=out, database_url=database)
        assert unready_database(served) is None
        keyring = encryption.keyring_from(served)
        engine = make_engine(database)
        try:
            with engine.connect() as connection:
                assert encryption.key_ids_in_use(connection, metadata=Base.metadata) == {keyring.current_id}
        finally:
            engine.dispose()


def test_every_row_the_demo_writes_is_stamped_by_its_clock_not_the_wall_clock(
    manifests: tuple[dict[str, Any], ...], folder: Path, database_url: str
) -> None:
    """A row's own times (``created_at``, ``updated_at``, ``queued_at`` …: the columns the database layer
    stamps with ``utcnow``) follow the demo's clock, which runs from noon UTC on its "today" through the week
    its story takes (the minutes are adjusted seven days after the meeting): a commission the demo registers
    and hands in at noon is not "registered" on the day someone runs the demo (its history would read out of
    order), and two runs on two days write the same rows."""
    story = (datetime(2026, 11, 20, 12, 0, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))
    stamped = [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if stamped_with_utcnow(column.default) or stamped_with_utcnow(column.onupdate)
    ]
    assert {"assignments", "invoices", "payroll_runs", "outgoing_mail"} <= {
        table.name for table, _ in stamped
    }
    for url in (f"sqlite:///{folder / 'own' / 'demo.sqlite3'}", database_url):
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                outside = {
                    f"{table.name}.{column.name}": (earliest, latest)
                    for table, column in stamped
                    for earliest, latest in [
                        connection.execute(select(func.min(column), func.max(column))).one()
                    ]
                    if latest is not None and not (story[0] <= earliest and latest < story[1])
                }
        finally:
            engine.dispose()
        assert outside == {}, url

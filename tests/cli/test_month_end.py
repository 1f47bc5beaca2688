"""The treasurer's month-end commands on a fresh database, each in a new process, in the order of a month-end.

The data they need is made first by the demo's own steps (members, approved assignments, paid invoices and
an approved payroll run), stopping before the payslip PDFs and the exports these commands make, once for the
module. Then: ``payroll render`` and ``payroll summary``, ``export agi|sie|pain001``, ``audit verify|export``
on the log a month end writes, and ``keys rotate``. Each test runs on a copy of that database of its own, so
that none depends on what another test's commands wrote (an export made once, the keys rotated) nor on the
order they run in.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.engine import make_url

from kooperativet import encryption, migrate
from kooperativet.config import new_data_key
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.demo import DemoContext, Manifest, assignments, invoicing, payroll, people
from kooperativet.exports.formats.payroll_summary import SWEDISH_COLUMNS, SWEDISH_HEADERS
from kooperativet.exports.models import ExportBatch
from kooperativet.exports.service import SummaryFormat, payroll_summary
from tests.cli.fresh import (
    Kooperativet,
    assert_error,
    fresh_database,
    is_postgresql,
    output,
    rows,
    usage_error,
)
from tests.conftest import TEST_AUDIT_KEY, TEST_DATA_KEY, TEST_DATABASE_ENV, throwaway_postgres_database

DEMO_TODAY = date(2026, 11, 20)
PERIOD = "2026-11"  # the month of the run's pay date


@dataclass(frozen=True)
class Seeded:
    """The database the demo's steps filled, which no test writes to: each test runs on a copy."""

    url: str
    run_id: int


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, keyring: encryption.Keyring) -> Iterator[Seeded]:
    """The demo's approved payroll run, without PDFs and exports, committed by the demo's own steps."""
    folder = tmp_path_factory.mktemp("month-end")
    with fresh_database(folder) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            context = DemoContext(out=folder / "seeded", today=DEMO_TODAY, manifest=Manifest())
            factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
            for step in (people.run, assignments.run, invoicing.run, payroll.run):
                with transaction(factory) as session:
                    context.session = session
                    step(context)
        finally:
            engine.dispose()  # nothing left open: a PostgreSQL template, a SQLite file without its -wal
        yield Seeded(url=url, run_id=int(context.ids["payroll_run"]))


@contextmanager
def copy_of(seeded: Seeded, folder: Path) -> Iterator[str]:
    """The URL of a new database holding what ``seeded`` holds."""
    if is_postgresql(seeded.url):
        server_url = os.environ[TEST_DATABASE_ENV]
        with throwaway_postgres_database(server_url, template=make_url(seeded.url).database) as url:
            yield url
        return
    copy = folder / "kooperativet.sqlite3"
    source_path = make_url(seeded.url).database or ""
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    yield f"sqlite:///{copy}"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def database(seeded: Seeded, folder: Path) -> Iterator[Engine]:
    """This test's own copy of the seeded database."""
    with copy_of(seeded, folder) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def run_id(seeded: Seeded) -> int:
    return seeded.run_id


@pytest.fixture
def kooperativet(database: Engine, folder: Path) -> Kooperativet:
    return Kooperativet(database_url=database.url.render_as_string(hide_password=False), folder=folder)


def summary_in_process(database: Engine, run_id: int) -> bytes:
    factory = make_session_factory(database, audit_key=TEST_AUDIT_KEY)
    with transaction(factory) as session:
        file = payroll_summary(
            session, summary_format=SummaryFormat.csv, created_at=datetime.now(UTC), run_id=run_id
        )
    return file.content


def test_payroll_render_stores_every_payslips_pdf_once(
    kooperativet: Kooperativet, database: Engine, run_id: int
) -> None:
    payslips = rows(
        database, "SELECT count(*) FROM payslips WHERE run_id = :run AND pdf IS NULL", run=run_id
    )[0][0]
    assert payslips == 4

    lines = output(kooperativet("payroll", "render", str(run_id), "--workers", "1"))

    assert lines[-2:] == [
        f"rendered {payslips}/{payslips} payslips",
        f"run {run_id}: {payslips} payslip PDFs stored with their SHA-256",
    ]
    stored = rows(database, "SELECT pdf, pdf_sha256 FROM payslips WHERE run_id = :run", run=run_id)
    assert len(stored) == payslips
    for pdf, sha256 in stored:
        assert isinstance(pdf, bytes)
        assert pdf.startswith(b"%PDF-")
        assert hashlib.sha256(pdf).hexdigest() == sha256
    again = output(kooperativet("payroll", "render", str(run_id)))
    assert again == [f"run {run_id}: every payslip already has its PDF"]


def test_payroll_render_refuses_bad_input_in_one_line(kooperativet: Kooperativet) -> None:
    assert_error(kooperativet("payroll", "render", "99"), "payroll run 99 does not exist")
    assert_error(
        kooperativet("payroll", "render", "1", "--workers", "0"),
        usage_error(
            "payroll render", "Invalid value for '--workers': Input should be greater than or equal to 1"
        ),
        code=2,
    )


def test_payroll_summary_writes_the_services_file_for_a_run_and_a_period(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    by_run, by_period, xlsx = folder / "run.csv", folder / "period.csv", folder / "run.xlsx"

    assert output(kooperativet("payroll", "summary", "--run", str(run_id), "--out", str(by_run))) == [
        f"wrote {by_run}"
    ]
    assert output(kooperativet("payroll", "summary", "--period", PERIOD, "--out", str(by_period))) == [
        f"wrote {by_period}"
    ]
    assert output(
        kooperativet("payroll", "summary", "--run", str(run_id), "--format", "xlsx", "--out", str(xlsx))
    ) == [f"wrote {xlsx}"]

    assert by_run.read_bytes() == summary_in_process(database, run_id)
    assert {stat.S_IMODE(path.stat().st_mode) for path in (by_run, by_period, xlsx)} == {0o600}
    table = list(csv.DictReader(io.StringIO(by_run.read_text(encoding="utf-8"))))
    assert [(row["member_name"], row["pay_date"]) for row in table] == [
        ("Alva Lindqvist", "2026-11-25"),
        ("Bertil Holm", "2026-11-25"),
        ("Cleo Nilsson", "2026-11-25"),  # two payouts on one payslip: two rows
        ("Cleo Nilsson", "2026-11-25"),
        ("Dagny Ek", "2026-11-25"),
    ]
    assert table[0]["personal_identity_number"] == "199005141230"  # decrypted in the new process
    assert by_period.read_bytes() == by_run.read_bytes()  # the month has this one run
    assert xlsx.read_bytes()[:2] == b"PK"


def test_payroll_summary_writes_swedish_headers_in_csv_sv(kooperativet: Kooperativet, folder: Path) -> None:
    """The Swedish CSV through the same CLI path as the XLSX: its byte-order mark and Swedish headers."""
    out = folder / "summary-sv.csv"

    assert output(
        kooperativet("payroll", "summary", "--period", PERIOD, "--format", "csv-sv", "--out", str(out))
    ) == [f"wrote {out}"]

    header, *payouts = out.read_text(encoding="utf-8").splitlines()
    assert header == "\ufeff" + ";".join(SWEDISH_HEADERS[column] for column in SWEDISH_COLUMNS)
    assert header.startswith(
        "\ufeffLönespecifikation (id);Lönespecifikation (nummer);Lönekörning (id);Utbetalningsdag;"
    )
    assert len(payouts) == 5


def test_payroll_summary_writes_over_a_file_only_when_forced(
    kooperativet: Kooperativet, folder: Path
) -> None:
    """Last month's summary in the file asked for is refused as it was; ``--force`` writes this month's."""
    kept = folder / "summary.csv"
    kept.write_bytes(b"last month's summary")
    os.chmod(kept, 0o644)

    assert_error(
        kooperativet("payroll", "summary", "--period", PERIOD, "--out", str(kept)),
        usage_error(
            "payroll summary", f"Invalid value for --out: {kept} exists; give --force to write over it"
        ),
        code=2,
    )
    assert (kept.read_bytes(), stat.S_IMODE(kept.stat().st_mode)) == (b"last month's summary", 0o644)

    assert output(kooperativet("payroll", "summary", "--period", PERIOD, "--out", str(kept), "--force")) == [
        f"wrote {kept}"
    ]
    assert next(csv.reader(io.StringIO(kept.read_text(encoding="utf-8"))))[0] == "payslip_id"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sorted(path.name for path in folder.iterdir() if "summary.csv" in path.name) == ["summary.csv"]


def test_payroll_summary_of_a_month_without_payslips_says_so_and_writes_no_file(
    kooperativet: Kooperativet, folder: Path
) -> None:
    """A file of the header alone read as a broken export at month end; the month is mistyped, or its run is
    not approved yet. Said as ``export agi`` says a month has nothing to declare (exit 1), and an earlier
    file given with ``--force`` stays as it was."""
    out = folder / "summary-2026-10.csv"

    assert_error(
        kooperativet("payroll", "summary", "--period", "2026-10", "--out", str(out)),
        "no payslips were paid out in 2026-10: nothing to summarise, no file was written",
    )
    assert not out.exists()
    out.write_bytes(b"an earlier summary")
    assert_error(
        kooperativet("payroll", "summary", "--period", "2026-10", "--out", str(out), "--force"),
        "no payslips were paid out in 2026-10: nothing to summarise, no file was written",
    )
    assert out.read_bytes() == b"an earlier summary"
    assert sorted(path.name for path in folder.iterdir() if "summary" in path.name) == ["summary-2026-10.csv"]


def test_payroll_summary_refuses_bad_input_in_one_line(kooperativet: Kooperativet, folder: Path) -> None:
    def summary(*args: str) -> subprocess.CompletedProcess[str]:
        return kooperativet("payroll", "summary", "--out", str(folder / "bad.csv"), *args)

    assert_error(summary("--run", "99"), "payroll run 99 does not exist")
    for neither_or_both in ((), ("--run", "1", "--period", PERIOD)):
        assert_error(
            summary(*neither_or_both),
            usage_error(
                "payroll summary",
                "Invalid value for --run or --period: give one of them, not both or neither",
            ),
            code=2,
        )
    assert_error(
        summary("--period", "2026-11-01"),
        usage_error("payroll summary", "Invalid value for --period: a period is YYYY-MM, not '2026-11-01'"),
        code=2,
    )
    assert_error(
        summary("--run", "1", "--format", "pdf"),
        usage_error("payroll summary", "Invalid value for --format: csv, xlsx or csv-sv"),
        code=2,
    )
    nowhere = folder / "no-such-folder" / "summary.csv"
    assert_error(
        kooperativet("payroll", "summary", "--run", "1", "--out", str(nowhere)),
        f"No such file or directory: {nowhere}",
    )
    assert not (folder / "bad.csv").exists()


def exported(database: Engine, lines: list[str], out: Path) -> tuple[int, str]:
    """Check the first two lines of an export against its batch and file; return its id and audit head."""
    batch_id, sha256 = re.fullmatch(
        rf"wrote {re.escape(str(out))} \(batch (\d+), sha256 (\w+)\)", lines[0]
    ).groups()  # type: ignore[union-attr]
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha256
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # personnummer, pay and accounts: the owner's only
    ((stored_sha256, entries, head),) = rows(
        database,
        "SELECT sha256, audit_head_entries, audit_head_hash FROM export_batches WHERE id = :id",
        id=int(batch_id),
    )
    assert stored_sha256 == sha256
    assert lines[1] == f"audit chain head: {entries}:{head}"
    return int(batch_id), f"{entries}:{head}"


def test_export_agi_writes_the_months_declaration_once(
    kooperativet: Kooperativet, database: Engine, folder: Path
) -> None:
    out = folder / f"agi-{PERIOD}.xml"

    lines = output(kooperativet("export", "agi", "--period", PERIOD, "--out", str(out)))

    batch_id, _ = exported(database, lines, out)
    assert lines[-1] == "due at Skatteverket on 2026-12-14"
    assert out.read_text(encoding="utf-8").startswith("<?xml")
    assert '<agd:RedovisningsPeriod faltkod="006">202611</agd:RedovisningsPeriod>' in out.read_text(
        encoding="utf-8"
    )
    assert_error(
        kooperativet("export", "agi", "--period", PERIOD, "--out", str(folder / "agi-twice.xml")),
        f"no payslip paid out in {PERIOD} is left to declare; download the earlier batch again: "
        f"kooperativet export download {batch_id} --out FILE",
    )
    assert not (folder / "agi-twice.xml").exists()
    # The refusal names the command that writes the earlier file again, not the API's address, and the
    # command does as said.
    again = folder / "agi-again.xml"
    output(kooperativet("export", "download", str(batch_id), "--out", str(again)))
    assert again.read_bytes() == out.read_bytes()


def test_export_agi_refuses_an_existing_file_and_records_no_batch_unless_forced(
    kooperativet: Kooperativet, database: Engine, folder: Path
) -> None:
    """Last month's declaration in the file asked for is not written over without ``--force``, and the
    refusal records nothing as exported: the month is still there to declare, into that file when forced."""
    kept = folder / "agi.xml"
    kept.write_bytes(b"last month's declaration")

    assert_error(
        kooperativet("export", "agi", "--period", PERIOD, "--out", str(kept)),
        usage_error("export agi", f"Invalid value for --out: {kept} exists; give --force to write over it"),
        code=2,
    )
    assert kept.read_bytes() == b"last month's declaration"
    assert rows(database, "SELECT count(*) FROM export_batches") == [(0,)]

    lines = output(kooperativet("export", "agi", "--period", PERIOD, "--out", str(kept), "--force"))
    exported(database, lines, kept)
    assert kept.read_text(encoding="utf-8").startswith("<?xml")


def test_export_sie_books_the_months_vouchers_once(
    kooperativet: Kooperativet, database: Engine, folder: Path
) -> None:
    out = folder / "sie-2026-11.si"
    dates = ("--from", "2026-11-01", "--to", "2026-11-30")

    lines = output(kooperativet("export", "sie", *dates, "--out", str(out)))

    batch_id, _ = exported(database, lines, out)
    content = out.read_bytes().decode("cp437")
    assert content.startswith("#FLAGGA 0\r\n") or content.startswith("#FLAGGA 0\n")
    assert '#FNAMN "Interim kultur ekonomisk förening"' in content
    assert "#VER" in content
    assert_error(
        kooperativet("export", "sie", *dates, "--out", str(folder / "sie-twice.si")),
        "nothing dated 2026-11-01 … 2026-11-30 is left to book; download the earlier batch again: "
        f"kooperativet export download {batch_id} --out FILE",
    )


def test_export_pain001_pays_the_run_once(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    out = folder / "pain001.xml"

    lines = output(kooperativet("export", "pain001", "--run", str(run_id), "--out", str(out)))

    batch_id, _ = exported(database, lines, out)
    document = out.read_text(encoding="utf-8")
    assert "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" in document
    assert document.count("<CdtTrfTxInf>") == 4
    assert_error(
        kooperativet("export", "pain001", "--run", str(run_id), "--out", str(folder / "pain001-twice.xml")),
        f"payroll run {run_id} is already in a payment file; download the earlier batch again: "
        f"kooperativet export download {batch_id} --out FILE",
    )
    assert not (folder / "pain001-twice.xml").exists()


def test_exports_refuse_bad_input_in_one_line(kooperativet: Kooperativet, folder: Path) -> None:
    out = str(folder / "refused.xml")
    for malformed in ("2026-13", "2026/11", "11-2026"):  # a usage error, as a malformed day is
        assert_error(
            kooperativet("export", "agi", "--period", malformed, "--out", out),
            usage_error("export agi", f"Invalid value for --period: a period is YYYY-MM, not '{malformed}'"),
            code=2,
        )
    assert_error(
        kooperativet("export", "agi", "--period", "2999-01", "--out", out),
        "2999-01 lies in the future; it can be exported from its first day",
    )
    assert_error(
        kooperativet("export", "sie", "--from", "2026-11-30", "--to", "2026-11-01", "--out", out),
        "the range ends before it starts",
    )
    assert_error(
        kooperativet("export", "sie", "--from", "2026-11-01", "--to", "30/11", "--out", out),
        usage_error("export sie", "Invalid value for --to: '30/11' is not a day written YYYY-MM-DD"),
        code=2,
    )
    assert_error(
        kooperativet("export", "pain001", "--run", "99", "--out", out), "payroll run 99 does not exist"
    )
    assert_error(
        kooperativet("export", "pain001", "--out", out),
        usage_error("export pain001", "Missing option '--run'."),
        code=2,
    )
    assert not Path(out).exists()


def month_end(kooperativet: Kooperativet, folder: Path, run_id: int) -> None:
    """The month end's commands that append to the audit log, in their order, as the tests above run them:
    the payslips' PDFs stored, then the AGI, the SIE and the payment file exported."""
    output(kooperativet("payroll", "render", str(run_id), "--workers", "1"))
    output(kooperativet("export", "agi", "--period", PERIOD, "--out", str(folder / f"agi-{PERIOD}.xml")))
    dates = ("--from", "2026-11-01", "--to", "2026-11-30")
    output(kooperativet("export", "sie", *dates, "--out", str(folder / "sie-2026-11.si")))
    output(kooperativet("export", "pain001", "--run", str(run_id), "--out", str(folder / "pain001.xml")))


def test_audit_verify_and_export_see_the_log_the_month_end_wrote(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    month_end(kooperativet, folder, run_id)
    ((entries, head),) = rows(database, "SELECT entries, hash FROM audit_head")
    ((agi_anchor,),) = rows(
        database, "SELECT audit_head_entries || ':' || audit_head_hash FROM export_batches WHERE kind = 'agi'"
    )
    assert entries > 0

    assert output(kooperativet("audit", "verify", "--anchor", agi_anchor)) == [
        f"audit log intact: {entries} entries, head {head}",
        f"anchor {agi_anchor} found: the chain passed through it and verifies to its head",
    ]
    out = folder / "audit.json"
    assert output(kooperativet("audit", "export", "--out", str(out))) == [
        f"{entries} entries written to {out}"
    ]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert document["head"] == {"entries": entries, "hash": head}
    assert len(document["entries"]) == entries

    assert_error(
        kooperativet("audit", "verify", "--anchor", "cd" * 32),
        f"the anchor {'cd' * 32} is not a head this chain passed through: the chain was rewritten",
    )
    wrong_key = kooperativet(
        "audit", "verify", KOOPERATIVET_AUDIT_KEY="another audit key of 32 bytes or more"
    )
    assert wrong_key.returncode == 1
    assert wrong_key.stderr.startswith("error: BROKEN at entry 1 (")
    assert len(wrong_key.stderr.splitlines()) == 1


def test_keys_rotate_re_encrypts_under_the_new_key_and_refuses_without_the_old_one(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    month_end(kooperativet, folder, run_id)  # every value a month end stores, its PDFs and files too
    new = new_data_key()
    before = rows(database, "SELECT personal_identity_number FROM members ORDER BY id")
    # What the personnummer read as under the old key, in a file of their own (not another test's).
    readable = folder / "before-rotation.csv"
    output(kooperativet("payroll", "summary", "--run", str(run_id), "--out", str(readable)))

    old_key_id = str(before[0][0]).split(":")[1]

    assert_error(
        kooperativet("keys", "rotate", KOOPERATIVET_DATA_KEY=new),
        f"no configured data key has id {old_key_id}; add it to KOOPERATIVET_RETIRED_DATA_KEYS; "
        "nothing was changed",
    )
    assert rows(database, "SELECT personal_identity_number FROM members ORDER BY id") == before

    (line,) = output(
        kooperativet(
            "keys", "rotate", KOOPERATIVET_DATA_KEY=new, KOOPERATIVET_RETIRED_DATA_KEYS=TEST_DATA_KEY
        )
    )

    changed, key_id = re.fullmatch(r"(\d+) values re-encrypted under key (\S+)", line).groups()  # type: ignore[union-attr]
    after = rows(database, "SELECT personal_identity_number FROM members ORDER BY id")
    assert int(changed) >= len(after) == 4
    assert {str(value).split(":")[1] for (value,) in after} == {key_id}
    # Run again, it has nothing to do and says so, not "0 values re-encrypted".
    assert output(kooperativet("keys", "rotate", KOOPERATIVET_DATA_KEY=new)) == [
        f"every value was already encrypted under key {key_id}; nothing to re-encrypt"
    ]
    # The old key can go: a new process with the new key alone reads the personnummer again.
    out = folder / "after-rotation.csv"
    output(
        kooperativet("payroll", "summary", "--run", str(run_id), "--out", str(out), KOOPERATIVET_DATA_KEY=new)
    )
    assert out.read_bytes() == readable.read_bytes()


def month_end_batches(database: Engine) -> list[tuple[object, ...]]:
    """Id, kind, SHA-256, file name and audit head of each batch, newest first, as the list shows them."""
    return rows(
        database,
        "SELECT id, kind, sha256, filename, audit_head_entries, audit_head_hash FROM export_batches "
        "ORDER BY id DESC",
    )


def test_export_batches_lists_the_batches_and_download_writes_each_again_byte_for_byte(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    assert output(kooperativet("export", "batches")) == ["no export batch was made yet"]
    month_end(kooperativet, folder, run_id)
    exported_files = {"agi": f"agi-{PERIOD}.xml", "sie": "sie-2026-11.si", "pain001": "pain001.xml"}
    covers = {"agi": PERIOD, "sie": "2026-11-01–2026-11-30", "pain001": f"payroll run {run_id}"}
    batches = month_end_batches(database)

    lines = output(kooperativet("export", "batches"))

    header, listed, footer = lines[0], lines[1:-1], lines[-1]
    assert re.split(r"\s{2,}", header) == ["id", "kind", "covers", "made (Sweden)", "sha256", "file"]
    assert footer == "batches 1–3 of 3, newest first"
    assert len(listed) == len(batches) == 3
    for line, (batch_id, kind, sha256, filename, *_) in zip(listed, batches, strict=True):
        cells = re.split(r"\s{2,}", line)
        assert cells[:3] + cells[4:] == [str(batch_id), kind, covers[str(kind)], sha256, filename]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", cells[3])  # when it was made, in Sweden
        assert line.index(str(sha256)) == header.index("sha256")  # the columns line up
    one = output(kooperativet("export", "batches", "--limit", "1", "--offset", "1"))
    assert re.split(r"\s{2,}", one[1])[:2] == [str(batches[1][0]), batches[1][1]]
    assert one[2:] == ["batches 2–2 of 3, newest first; --offset 2 lists older ones"]

    again = folder / "again"
    again.mkdir()
    for batch_id, kind, sha256, _, entries, head in batches:
        out = again / str(kind)
        written = output(kooperativet("export", "download", str(batch_id), "--out", str(out)))
        assert out.read_bytes() == (folder / exported_files[str(kind)]).read_bytes()
        assert hashlib.sha256(out.read_bytes()).hexdigest() == sha256
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert written == [
            f"wrote {out} (batch {batch_id}, {kind} {covers[str(kind)]}, sha256 {sha256}, "
            f"{out.stat().st_size} bytes)",
            f"audit chain head: {entries}:{head}",
        ]


def test_export_download_refuses_bad_input_and_an_existing_file_in_one_line(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    month_end(kooperativet, folder, run_id)
    agi_id = next(batch_id for batch_id, kind, *_ in month_end_batches(database) if kind == "agi")
    kept = folder / "kept.xml"
    kept.write_bytes(b"an earlier download, edited")

    assert_error(
        kooperativet("export", "download", str(agi_id), "--out", str(kept)),
        usage_error(
            "export download", f"Invalid value for --out: {kept} exists; give --force to write over it"
        ),
        code=2,
    )
    assert kept.read_bytes() == b"an earlier download, edited"
    output(kooperativet("export", "download", str(agi_id), "--out", str(kept), "--force"))
    assert kept.read_bytes() == (folder / f"agi-{PERIOD}.xml").read_bytes()

    nothing = folder / "nothing.xml"
    assert_error(
        kooperativet("export", "download", "99", "--out", str(nothing)), "export batch 99 does not exist"
    )
    assert_error(
        kooperativet("export", "download", "agi", "--out", str(nothing)),
        usage_error(
            "export download",
            "Invalid value for 'batch_id': Input should be a valid integer, unable to parse string as an "
            "integer",
        ),
        code=2,
    )
    assert_error(
        kooperativet("export", "download", str(agi_id)),
        usage_error("export download", "Missing option '--out'."),
        code=2,
    )
    assert_error(
        kooperativet("export", "batches", "--limit", "101"),
        usage_error(
            "export batches", "Invalid value for '--limit': Input should be less than or equal to 100"
        ),
        code=2,
    )
    assert not nothing.exists()


def test_export_download_says_the_file_was_erased_after_retention_and_writes_nothing(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    month_end(kooperativet, folder, run_id)
    ((agi_id, _, sha256, *_),) = [batch for batch in month_end_batches(database) if batch[1] == "agi"]
    # As the purge leaves it on 2034-01-01 (the clock of a new process cannot be set to that day).
    change_batch(database, agi_id, content=None, erased_at=datetime(2034, 1, 1, 3, 0, tzinfo=UTC))
    listed = next(line for line in output(kooperativet("export", "batches")) if line.startswith(f"{agi_id} "))
    assert listed.endswith(f"  {sha256}  erased after the retention period on 2034-01-01")
    out = folder / "erased.xml"

    assert_error(
        kooperativet("export", "download", str(agi_id), "--out", str(out)),
        f"the file of export batch {agi_id} was erased after the retention period on 2034-01-01; "
        f"the batch keeps its SHA-256 {sha256} and the documents it covered",
    )
    assert not out.exists()


def change_batch(database: Engine, batch_id: object, **values: object) -> None:
    """Change a stored batch as no command may: on PostgreSQL its trigger is off for the moment."""
    with database.begin() as connection:
        postgresql = connection.dialect.name == "postgresql"
        if postgresql:
            connection.exec_driver_sql("ALTER TABLE export_batches DISABLE TRIGGER export_batches_immutable")
        # The model's column types: a time is stored as the application stores it, in UTC, on either database.
        connection.execute(update(ExportBatch).where(ExportBatch.id == batch_id).values(**values))
        if postgresql:
            connection.exec_driver_sql("ALTER TABLE export_batches ENABLE TRIGGER export_batches_immutable")


def test_export_download_writes_nothing_when_the_stored_bytes_do_not_give_the_batchs_sha256(
    kooperativet: Kooperativet, database: Engine, folder: Path, run_id: int
) -> None:
    """A damaged database, or a restore gone wrong: a file that is not the one exported is no copy of it."""
    month_end(kooperativet, folder, run_id)
    ((batch_id, _, sha256, *_),) = [batch for batch in month_end_batches(database) if batch[1] == "pain001"]
    damaged = b"<Document/>"
    change_batch(database, batch_id, content=damaged)
    out = folder / "damaged.xml"

    assert_error(
        kooperativet("export", "download", str(batch_id), "--out", str(out)),
        f"the stored file of export batch {batch_id} does not give the SHA-256 recorded when it was made "
        f"({sha256}) but {hashlib.sha256(damaged).hexdigest()}; nothing was written",
    )
    assert not out.exists()


def test_export_batches_takes_no_more_rows_than_a_list_reads() -> None:
    """The command's bound is a copy (``--help`` imports no database code): a larger one would be a
    traceback from ``db.fetch_page`` instead of a usage error."""
    from kooperativet.cli.export import MOST_BATCHES
    from kooperativet.db import MAX_PAGE_SIZE

    assert MOST_BATCHES == MAX_PAGE_SIZE

"""The setup commands on a fresh database, each in a new process, in the order an operator runs them.

``version``, ``keys new|id``, ``db upgrade|check|downgrade``, ``create-user``, ``tax-tables import``, ``audit
verify|export|seal``, ``backup`` and ``serve``: what each prints, the rows or files it makes, and one clear
``error:`` line (never a traceback) for each kind of bad input. The tests of this module share one database
and run in order.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from kooperativet import __version__, encryption
from kooperativet.cli import app
from kooperativet.db import make_engine
from tests.cli.fresh import (
    COOPERATIVE_NAME,
    TAX_TABLES,
    Kooperativet,
    assert_error,
    fresh_database,
    is_postgresql,
    output,
    rows,
    usage_error,
)
from tests.conftest import (
    TEST_AUDIT_KEY,
    TEST_BLIND_INDEX_KEY,
    TEST_DATA_KEY,
    TEST_DATABASE_ENV,
    throwaway_postgres_database,
)

GENESIS = "0" * 64
COMMANDS = {
    "serve",
    "create-user",
    "demo",
    "backup",
    "version",
    "db",
    "audit",
    "tax-tables",
    "payroll",
    "export",
}
COMMANDS |= {"keys", "documents", "knowledge"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fresh")


@pytest.fixture(scope="module")
def database_url(folder: Path) -> Iterator[str]:
    with fresh_database(folder) as url:
        yield url


@pytest.fixture(scope="module")
def kooperativet(database_url: str, folder: Path) -> Kooperativet:
    return Kooperativet(database_url=database_url, folder=folder)


@pytest.fixture(scope="module")
def database(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


# Each command, and the module whose tests run it in a new process on a fresh database.
TESTED_IN = {
    "version": "test_fresh_database",
    "keys new": "test_fresh_database",
    "keys id": "test_fresh_database",
    "db upgrade": "test_fresh_database",
    "db check": "test_fresh_database",
    "db downgrade": "test_fresh_database",
    "create-user": "test_fresh_database",
    "set-password": "test_fresh_database",
    "tax-tables import": "test_fresh_database",
    "audit verify": "test_fresh_database, test_month_end, test_demo_command",
    "audit export": "test_fresh_database, test_month_end",
    "audit seal": "test_fresh_database",
    "backup": "test_fresh_database",
    "serve": "test_fresh_database (and test_serve: the options it gives uvicorn)",
    "payroll render": "test_month_end",
    "payroll summary": "test_month_end",
    "export agi": "test_month_end",
    "export sie": "test_month_end",
    "export pain001": "test_month_end",
    "export batches": "test_month_end",
    "export download": "test_month_end",
    "keys rotate": "test_month_end",
    "demo": "test_demo_command",
    "documents render-pending": "test_documents_command",
    "worker": "tests/jobs/test_worker_process (killed mid-job, stopped by SIGTERM, --once)",
    "invoices remind": "tests/invoices/test_reminders_command",
    "privacy purge": "tests/privacy/test_purge_command (and test_purge_day_to_come: no day to come)",
    "knowledge export": "tests/knowledge/test_cli",
    "knowledge import": "tests/knowledge/test_cli",
}


def test_every_command_the_cli_has_is_run_by_these_tests() -> None:
    """A new command fails this test until a test runs it in a new process on a fresh database."""

    def leaves(command: Any, path: str) -> Iterator[str]:
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            yield path
            return
        for name, subcommand in subcommands.items():
            yield from leaves(subcommand, f"{path} {name}".strip())

    assert set(leaves(typer.main.get_command(app), "")) == set(TESTED_IN)


def test_help_lists_every_command_and_no_arguments_shows_it(kooperativet: Kooperativet) -> None:
    listed = output(kooperativet("--help"))
    names = {line.strip("│ ").split(" ")[0] for line in listed if line.startswith("│ ") and "  " in line}
    assert names >= COMMANDS
    bare = kooperativet()
    assert bare.returncode == 2
    assert "Usage: kooperativet [OPTIONS] COMMAND [ARGS]..." in bare.stdout
    unknown = kooperativet("payrol")
    assert_error(
        unknown, "No such command 'payrol'. Did you mean 'payroll'? (see 'kooperativet --help')", code=2
    )


def test_version_prints_the_package_version(kooperativet: Kooperativet) -> None:
    assert output(kooperativet("version")) == [__version__]


def test_keys_id_names_the_configured_keys_as_a_backup_does(kooperativet: Kooperativet) -> None:
    data_key = encryption.key_id(base64.b64decode(TEST_DATA_KEY))
    retired = encryption.key_id(b"r" * 32)
    blind_index_key = encryption.fingerprint(base64.b64decode(TEST_BLIND_INDEX_KEY), label="blind index key")
    audit_key = encryption.fingerprint(TEST_AUDIT_KEY, label="audit key")
    lines = output(
        kooperativet("keys", "id", KOOPERATIVET_RETIRED_DATA_KEYS=base64.b64encode(b"r" * 32).decode())
    )
    assert lines == [
        f"KOOPERATIVET_DATA_KEY = key {data_key}",
        f"KOOPERATIVET_RETIRED_DATA_KEYS = key {retired}",
        f"KOOPERATIVET_BLIND_INDEX_KEY = key {blind_index_key}",
        f"KOOPERATIVET_AUDIT_KEY = key {audit_key}",
    ]
    assert TEST_DATA_KEY not in "\n".join(lines)


def test_keys_new_prints_a_fresh_key_of_32_bytes_each_time(kooperativet: Kooperativet) -> None:
    first, second = (output(kooperativet("keys", "new")) for _ in range(2))
    assert len(first) == len(second) == 1
    assert len(base64.b64decode(first[0], validate=True)) == 32
    assert first != second


def test_commands_before_the_migrations_say_to_run_db_upgrade(
    kooperativet: Kooperativet, database_url: str
) -> None:
    if is_postgresql(database_url):
        # The check reads the stored head first, with the log's last entry (audit.service._head_and_last_id).
        assert_error(
            kooperativet("audit", "verify"),
            'the database is not migrated to this version (relation "audit_head" does not exist); '
            "run 'kooperativet db upgrade' first",
        )
        assert_error(kooperativet("db", "check"), "migrations: Target database is not up to date.")
    else:  # the embedded database is not there yet, and no command but db upgrade makes it
        database = Path(make_url(database_url).database or "")
        for command in (("audit", "verify"), ("db", "check")):
            assert_error(
                kooperativet(*command),
                f"there is no database at {database}; run 'kooperativet db upgrade' first to make it, or "
                "set KOOPERATIVET_DATABASE_URL to where it is.",
            )
        assert not database.exists()
    for command in (("worker", "--once"), ("documents", "render-pending")):
        result = kooperativet(*command)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.count("error: ") == 1, (command, result.stderr)
        assert "run 'kooperativet db upgrade' first" in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr


def test_db_upgrade_migrates_and_seeds_the_cooperative_and_a_first_admin(
    kooperativet: Kooperativet, database_url: str, database: Engine
) -> None:
    lines = output(kooperativet("db", "upgrade"))

    assert lines[0] == f"database at heads: {make_url(database_url).render_as_string(hide_password=True)}"
    assert lines[1].startswith("parameters seeded with ")
    assert lines[2:5] == [
        "default rulebook seeded (lag 2018:672 as the model; adapt it to the stadgar)",
        f"cooperative created: {COOPERATIVE_NAME}",
        "first admin created: admin@example.org",
    ]
    assert lines[5].startswith("generated password (shown once, change it): ")
    assert lines[6:] == [
        "sign in at http://127.0.0.1:8000/ as admin@example.org, and change the password under Lösenord"
    ]
    assert rows(database, "SELECT name FROM cooperative") == [(COOPERATIVE_NAME,)]
    assert rows(database, "SELECT u.email, r.role FROM users u JOIN user_roles r ON r.user_id = u.id") == [
        ("admin@example.org", "admin")
    ]
    again = output(kooperativet("db", "upgrade"))
    assert again == [lines[0]]
    # The first admin is the log's one entry, and the auditor's first check says so in words that fit it.
    ((head,),) = rows(database, "SELECT hash FROM audit_head")
    assert output(kooperativet("audit", "verify")) == [f"audit log intact: 1 entry, head {head}"]


def test_db_check_agrees_and_an_unknown_revision_is_one_line(kooperativet: Kooperativet) -> None:
    assert output(kooperativet("db", "check"))[-1] == "models and migrations agree"
    assert_error(
        kooperativet("db", "upgrade", "nope"), "migrations: Can't locate revision identified by 'nope'"
    )
    assert_error(
        kooperativet("db", "downgrade", "nope"), "migrations: Can't locate revision identified by 'nope'"
    )
    assert_error(
        kooperativet("db", "downgrade"), usage_error("db downgrade", "Missing argument 'revision'."), code=2
    )


def test_create_user_stores_the_user_with_its_roles(kooperativet: Kooperativet, database: Engine) -> None:
    made = kooperativet(
        "create-user", "--email", "Karin@Example.se", "--name", "Karin Kassör",
        "--password", "a long password", "--role", "treasurer", "--role", "member",
    )  # fmt: skip

    (line,) = output(made)
    (user_id,) = rows(database, "SELECT id FROM users WHERE email = 'karin@example.se'")[0]
    assert line == f"user {user_id} created: karin@example.se (member, treasurer)"
    assert rows(database, "SELECT role FROM user_roles WHERE user_id = :id ORDER BY role", id=user_id) == [
        ("member",),
        ("treasurer",),
    ]


def test_create_user_refuses_bad_input_in_one_line(kooperativet: Kooperativet, database: Engine) -> None:
    def create(email: str, *rest: str) -> subprocess.CompletedProcess[str]:
        return kooperativet("create-user", "--email", email, "--name", "Nils", *rest)

    long_password = ("--password", "a long password")
    assert_error(
        create("karin@example.se", *long_password, "--role", "member"),
        "a user with e-mail karin@example.se already exists",
    )
    assert_error(
        create(" KARIN@Example.SE ", *long_password, "--role", "member"),
        "a user with e-mail karin@example.se already exists",
    )
    assert_error(
        create("nils@example.se", *long_password, "--role", "king"),
        usage_error(
            "create-user", "Invalid value for --role: roles are member, treasurer, board, admin, auditor"
        ),
        code=2,
    )
    assert_error(
        create("nils@example.se", "--password", "short", "--role", "member"),
        usage_error(
            "create-user", "Invalid value for --password: the password must have at least 10 characters"
        ),
        code=2,
    )
    assert_error(
        create("not-an-address", *long_password, "--role", "member"),
        usage_error(
            "create-user",
            "Invalid value for --email: value is not a valid email address: "
            "An email address must have an @-sign.",
        ),
        code=2,
    )
    assert_error(
        create("nils@example.se", *long_password),
        usage_error("create-user", "Missing option '--role'."),
        code=2,
    )
    # No terminal to ask the password on: the prompt ends, nothing is created.
    no_password = create("nils@example.se", "--role", "member")
    assert no_password.returncode == 1
    assert no_password.stderr.endswith("error: aborted\n")
    assert "Traceback" not in no_password.stderr
    assert rows(
        database, "SELECT count(*) FROM users WHERE email LIKE 'nils%' OR email = 'not-an-address'"
    ) == [(0,)]


def test_set_password_gives_a_login_a_new_password_ends_its_sign_ins_and_is_audited(
    kooperativet: Kooperativet, database: Engine
) -> None:
    """An admin lost her password and no e-mail can send a link: the sysadmin sets one on the server."""
    from kooperativet.auth.passwords import verify_password

    (user_id, changed_before) = rows(
        database, "SELECT id, password_changed_at FROM users WHERE email = 'karin@example.se'"
    )[0]
    assert changed_before is None

    made = kooperativet("set-password", "--email", " Karin@Example.se ", "--password", "a new long password")

    assert output(made) == ["password set for karin@example.se; every sign-in of that login has ended"]
    ((password_hash, changed_after),) = rows(
        database, "SELECT password_hash, password_changed_at FROM users WHERE id = :id", id=user_id
    )
    assert verify_password("a new long password", password_hash)
    assert not verify_password("a long password", password_hash)
    assert changed_after is not None  # every access token and browser session from before it is refused
    ((payload,),) = rows(
        database, "SELECT payload FROM audit_events WHERE kind = 'login_changed' ORDER BY id DESC LIMIT 1"
    )
    assert json.loads(payload) == {"user_id": user_id, "by_user_id": None, "password_set": True}

    assert_error(
        kooperativet("set-password", "--email", "nobody@example.se", "--password", "a new long password"),
        "no login has the e-mail nobody@example.se",
    )
    (still,) = rows(database, "SELECT password_hash FROM users WHERE id = :id", id=user_id)
    assert still == (password_hash,)


def test_set_password_refuses_a_password_as_create_user_does_exit_2_before_the_database(
    kooperativet: Kooperativet, database: Engine
) -> None:
    """A password the policy refuses is a bad ``--password`` for both commands (README, "Command line"):
    one usage error, the same words, whichever command and whether or not the login exists."""
    (before,) = rows(database, "SELECT password_hash FROM users WHERE email = 'karin@example.se'")
    too_short = usage_error(
        "set-password", "Invalid value for --password: the password must have at least 10 characters"
    )
    too_long = usage_error(
        "set-password", "Invalid value for --password: the password may have at most 256 characters"
    )

    for email in ("karin@example.se", "nobody@example.se"):
        assert_error(kooperativet("set-password", "--email", email, "--password", "short"), too_short, code=2)
    assert_error(
        kooperativet("set-password", "--email", "karin@example.se", "--password", "x" * 257), too_long, code=2
    )
    create_user = kooperativet(
        "create-user",
        "--email",
        "nils@example.se",
        "--name",
        "Nils",
        "--role",
        "member",
        "--password",
        "short",
    )
    assert create_user.returncode == 2
    assert create_user.stderr.replace("create-user", "set-password") == f"error: {too_short}\n"
    assert rows(database, "SELECT password_hash FROM users WHERE email = 'karin@example.se'") == [before]


def test_tax_tables_import_stores_the_tables_pinned_by_their_sha256(
    kooperativet: Kooperativet, database: Engine
) -> None:
    sha256 = hashlib.sha256(TAX_TABLES.read_bytes()).hexdigest()

    lines = output(kooperativet("tax-tables", "import", str(TAX_TABLES), "--year", "2026"))

    assert lines == ["imported 3 month rows of tables 33 for 2026", f"sha256 {sha256}"]
    assert rows(database, "SELECT year, filename, sha256, row_count FROM tax_table_imports") == [
        (2026, TAX_TABLES.name, sha256, 3)
    ]
    assert_error(
        kooperativet("tax-tables", "import", str(TAX_TABLES), "--year", "2026"),
        f"this file was already imported for 2026 (import 1, SHA-256 {sha256})",
    )


def test_tax_tables_import_refuses_bad_input_in_one_line(
    kooperativet: Kooperativet, folder: Path, database: Engine
) -> None:
    def tax_tables(*args: str) -> subprocess.CompletedProcess[str]:
        return kooperativet("tax-tables", "import", *args)

    missing = folder / "missing.txt"
    assert_error(
        tax_tables(str(missing), "--year", "2026"),
        usage_error("tax-tables import", f"Invalid value for 'file': file '{missing}' does not exist."),
        code=2,
    )
    assert_error(
        tax_tables(str(TAX_TABLES), "--year", "1999"),
        usage_error(
            "tax-tables import", "Invalid value for '--year': Input should be greater than or equal to 2000"
        ),
        code=2,
    )
    assert_error(
        tax_tables(str(TAX_TABLES)), usage_error("tax-tables import", "Missing option '--year'."), code=2
    )
    malformed = folder / "tabeller.txt"
    malformed.write_text("this is not a tax table\n", encoding="utf-8")
    assert_error(
        tax_tables(str(malformed), "--year", "2026"), "tabeller.txt: line 1: days 'th' is not a number"
    )
    other_year = folder / "skattetabeller-2025.csv"
    other_year.write_text(
        "år;antal dgr;tabellnr;inkomst fr.o.m.;inkomst t.o.m.;kolumn 1\n2025;30B;34;1;10000;500\n",
        encoding="utf-8",
    )
    assert_error(
        tax_tables(str(other_year), "--year", "2026"),
        "skattetabeller-2025.csv has no 30-day (month) rows for 2026",
    )
    assert rows(database, "SELECT count(*) FROM tax_table_imports") == [(1,)]


def test_audit_commands_on_a_log_of_the_logins_made_so_far(
    kooperativet: Kooperativet, folder: Path, database: Engine
) -> None:
    # The first admin and the users made above, and the password set, are the log's only entries, each
    # with no acting login.
    made = rows(database, "SELECT payload FROM audit_events ORDER BY id")
    assert [json.loads(str(payload))["by_user_id"] for (payload,) in made] == [None, None, None]
    ((entries, head),) = rows(database, "SELECT entries, hash FROM audit_head")
    assert (entries, head != GENESIS) == (3, True)
    assert output(kooperativet("audit", "verify")) == [f"audit log intact: 3 entries, head {head}"]
    assert output(kooperativet("audit", "seal")) == ["the audit log is keyed already"]
    out = folder / "audit.json"
    assert output(kooperativet("audit", "export", "--out", str(out))) == [f"3 entries written to {out}"]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["head"] == {"entries": 3, "hash": head}
    kinds = [entry["kind"] for entry in document["entries"]]
    assert kinds == ["login_created", "login_created", "login_changed"]


def test_audit_commands_refuse_bad_input_in_one_line(kooperativet: Kooperativet, folder: Path) -> None:
    assert_error(
        kooperativet("audit", "verify", "--anchor", "1:abc"),
        usage_error(
            "audit verify",
            "Invalid value for --anchor: an anchor is HASH or N:HASH with a 64-digit hex hash, not '1:abc'",
        ),
        code=2,
    )
    unwritable = folder / "no-such-folder" / "audit.json"
    assert_error(
        kooperativet("audit", "export", "--out", str(unwritable)), f"No such file or directory: {unwritable}"
    )
    # Only SQLite and PostgreSQL through psycopg: another scheme is named (its password never), not a
    # traceback from a driver that is not installed, nor SQLAlchemy's "Can't load plugin" for postgres://.
    for url, given in (
        ("mysql://kassor:hemligt@db/x", "mysql://…"),
        ("postgres://kassor:hemligt@db/x", "postgres://…"),
        ("postgresql+psycopg2://kassor:hemligt@db/x", "postgresql+psycopg2://…"),
        ("kooperativet", "a text without scheme://"),
    ):
        assert_error(
            kooperativet("audit", "verify", KOOPERATIVET_DATABASE_URL=url),
            "Settings: KOOPERATIVET_DATABASE_URL must begin sqlite:/// (a file) or "
            f"postgresql+psycopg://user:password@host:5432/name, not {given}",
        )
    assert_error(
        kooperativet("audit", "verify", KOOPERATIVET_DATA_KEY="not a key"),
        "Settings: KOOPERATIVET_DATA_KEY must be base64 of 32 bytes",
    )
    assert_error(  # a setting by the variable's name, as the operator wrote it
        kooperativet("audit", "verify", KOOPERATIVET_SMTP_SECURITY="ssl"),
        "Settings: KOOPERATIVET_SMTP_SECURITY: Input should be 'starttls', 'tls' or 'none'",
    )


def test_backup_writes_a_copy_of_the_database(
    kooperativet: Kooperativet, folder: Path, database_url: str
) -> None:
    out = folder / "backups" / "kooperativet.backup"

    lines = output(kooperativet("backup", "--out", str(out)))

    data_key = encryption.key_id(base64.b64decode(TEST_DATA_KEY))
    blind_index_key = encryption.fingerprint(base64.b64decode(TEST_BLIND_INDEX_KEY), label="blind index key")
    audit_key = encryption.fingerprint(TEST_AUDIT_KEY, label="audit key")
    assert lines == [
        f"backup written to {out} ({out.stat().st_size} bytes, readable by its owner only)",
        "a restore needs these keys, which are not in the backup (keep them apart from it): "
        f"KOOPERATIVET_DATA_KEY = key {data_key}; KOOPERATIVET_BLIND_INDEX_KEY = key {blind_index_key}; "
        f"KOOPERATIVET_AUDIT_KEY = key {audit_key}",
    ]
    # Everyone's personal data and the audit log: the owner's alone, in a folder the command made private.
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    # A second backup to the same name (twice the same day) would lose the first without a word.
    first = out.read_bytes()
    out.chmod(0o644)
    assert_error(
        kooperativet("backup", "--out", str(out)),
        usage_error("backup", f"Invalid value for --out: {out} exists; give --force to write over it"),
        code=2,
    )
    assert (out.read_bytes(), stat.S_IMODE(out.stat().st_mode)) == (first, 0o644)  # untouched
    output(kooperativet("backup", "--out", str(out), "--force"))  # over an older copy that others could read
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert restored_emails(out, database_url) == [("admin@example.org",), ("karin@example.se",)]
    assert_error(kooperativet("backup"), usage_error("backup", "Missing option '--out'."), code=2)
    assert_error(
        kooperativet("backup", "--out", str(folder)),
        usage_error("backup", f"Invalid value for '--out': file '{folder}' is a directory."),
        code=2,
    )
    if not is_postgresql(database_url):  # the live database file itself: no copy at all, and the books lost
        live = Path(make_url(database_url).database or "")
        for force in ((), ("--force",)):
            assert_error(
                kooperativet("backup", "--out", str(live), *force),
                usage_error(
                    "backup",
                    f"Invalid value for --out: {live} is the live database ({live.resolve()}); name another "
                    "file, --force does not write over it; nothing was written",
                ),
                code=2,
            )


def restored_emails(backup: Path, database_url: str) -> list[tuple[object, ...]]:
    """The users in the backup, read back as README says to restore it (pg_restore, or the file itself)."""
    if not is_postgresql(database_url):
        with sqlite3.connect(backup) as copy:
            emails = copy.execute("SELECT email FROM users ORDER BY email").fetchall()
        copy.close()
        return emails
    assert backup.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    with throwaway_postgres_database(os.environ[TEST_DATABASE_ENV]) as restored:
        target = make_url(restored).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(backup)], check=True)
        engine = make_engine(restored)
        try:
            return rows(engine, "SELECT email FROM users ORDER BY email")
        finally:
            engine.dispose()


def test_serve_starts_and_answers_health(kooperativet: Kooperativet) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kooperativet", "serve", "--port", str(port)],
        cwd=kooperativet.folder,
        env=kooperativet.environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = _first_answer(f"http://127.0.0.1:{port}/health", server)
        assert response.status_code == 200
        assert_error(
            kooperativet("serve", "--port", str(port)),
            f"cannot listen on 127.0.0.1:{port}: Address already in use",
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert_error(
        kooperativet("serve", "--port", "http"),
        usage_error(
            "serve",
            "Invalid value for '--port': "
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        code=2,
    )
    # Not 34463, the port 99999 would wrap to.
    assert_error(
        kooperativet("serve", "--port", "99999"),
        usage_error("serve", "Invalid value for '--port': Input should be less than or equal to 65535"),
        code=2,
    )


def _first_answer(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 30 s")


def test_db_downgrade_undoes_the_last_migration_and_upgrade_redoes_it(
    kooperativet: Kooperativet, database: Engine
) -> None:
    (head,) = rows(database, "SELECT version_num FROM alembic_version")

    assert output(kooperativet("db", "downgrade", "-1")) == ["database downgraded to -1"]

    assert rows(database, "SELECT version_num FROM alembic_version") != [head]
    assert_error(kooperativet("db", "check"), "migrations: Target database is not up to date.")
    assert output(kooperativet("db", "upgrade"))[1:] == []  # seeded already: nothing more to say
    assert rows(database, "SELECT version_num FROM alembic_version") == [head]

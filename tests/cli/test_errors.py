"""The command line's error boundary: which failures become one ``error:`` line, which stay a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.util import CommandError
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from kooperativet.cli.errors import describe
from kooperativet.config import Settings
from kooperativet.errors import Conflict


def test_a_domain_error_is_its_detail() -> None:
    assert describe(Conflict("a user with e-mail k@example.se already exists")) == (
        "a user with e-mail k@example.se already exists",
        1,
    )


def test_a_missing_table_says_to_run_db_upgrade_without_the_sql() -> None:
    error = OperationalError(
        "SELECT 1 FROM audit_events", {}, sqlite3.OperationalError("no such table: audit_events")
    )

    assert describe(error) == (
        "the database is not migrated to this version (no such table: audit_events); "
        "run 'kooperativet db upgrade' first",
        1,
    )


def test_an_unreachable_database_is_the_drivers_first_line() -> None:
    orig = sqlite3.OperationalError("connection refused\n  Is the server running on that host?")

    assert describe(OperationalError("SELECT 1", {}, orig)) == ("the database: connection refused", 1)


def test_a_file_alembic_and_settings_each_say_what_is_wrong() -> None:
    assert describe(FileNotFoundError(2, "No such file or directory", "/x/out.xml")) == (
        "No such file or directory: /x/out.xml",
        1,
    )
    assert describe(CommandError("Can't locate revision identified by 'nope'")) == (
        "migrations: Can't locate revision identified by 'nope'",
        1,
    )
    with pytest.raises(ValidationError) as settings_error:
        Settings(_env_file=None, data_key="not a key")
    assert describe(settings_error.value) == ("Settings: KOOPERATIVET_DATA_KEY must be base64 of 32 bytes", 1)


def test_anything_else_is_a_bug_and_keeps_its_traceback() -> None:
    assert describe(RuntimeError("a bug")) is None
    assert describe(KeyError("payroll_run")) is None


def test_a_database_url_other_than_sqlite_or_postgresql_names_its_scheme_and_never_its_password() -> None:
    for supported in (
        "sqlite://",
        "sqlite:///data/k.sqlite3",
        "postgresql://db/k",
        "postgresql+psycopg://u:p@db/k",
    ):
        assert Settings(_env_file=None, database_url=supported).resolved_database_url == supported
    with pytest.raises(ValidationError) as settings_error:
        Settings(_env_file=None, database_url="postgres://kassor:hemligt@db/k")
    assert describe(settings_error.value) == (
        "Settings: KOOPERATIVET_DATABASE_URL must begin sqlite:/// (a file) or "
        "postgresql+psycopg://user:password@host:5432/name, not postgres://…",
        1,
    )


def test_a_setting_of_the_wrong_kind_is_named_as_its_environment_variable() -> None:
    with pytest.raises(ValidationError) as settings_error:
        Settings(_env_file=None, smtp_port="abc", smtp_security="ssl")
    assert describe(settings_error.value) == (
        "Settings: KOOPERATIVET_SMTP_PORT: Input should be a valid integer, unable to parse string as an "
        "integer; KOOPERATIVET_SMTP_SECURITY: Input should be 'starttls', 'tls' or 'none'",
        1,
    )


def test_a_table_the_database_user_may_not_use_says_who_must_own_it() -> None:
    from psycopg import errors as pg_errors

    denied = pg_errors.InsufficientPrivilege("permission denied for table alembic_version")

    assert describe(OperationalError("SELECT version_num FROM alembic_version", {}, denied)) == (
        "the database: permission denied for table alembic_version; the user in KOOPERATIVET_DATABASE_URL "
        "may not use the tables: make it their owner (a restore as another user: pg_restore --no-owner "
        '--role=THAT_USER, README "Restore from backup")',
        1,
    )


def test_a_log_level_or_public_address_that_cannot_work_is_refused_naming_the_setting() -> None:
    assert Settings(_env_file=None, log_level=" warning ").log_level == "WARNING"
    with pytest.raises(ValidationError) as level:
        Settings(_env_file=None, log_level="LOUD")
    assert describe(level.value) == (
        "Settings: KOOPERATIVET_LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'",
        1,
    )
    assert Settings(_env_file=None, public_url="https://kansli.example.se/").public_url == (
        "https://kansli.example.se/"
    )
    for address in ("kansli.example.se", "https://", "ftp://kansli.example.se"):
        with pytest.raises(ValidationError) as public:
            Settings(_env_file=None, public_url=address)
        assert describe(public.value) == (
            "Settings: KOOPERATIVET_PUBLIC_URL: must be the address people open the web interface at, "
            f"beginning https:// (or http://), e.g. https://kansli.example.se, not {address!r}: links in "
            "e-mail start with it",
            1,
        )


def test_a_day_on_the_command_line_is_yyyy_mm_dd_and_a_real_day() -> None:
    import typer

    from kooperativet.cli.errors import day_option

    assert str(day_option("2026-11-30", option="--to")) == "2026-11-30"
    for text in ("30/11", "2026-11-31", "20261130", "2026-W48-1", "2026-11-30 "):
        with pytest.raises(typer.BadParameter) as refused:
            day_option(text, option="--to")
        assert (
            refused.value.format_message()
            == f"Invalid value for --to: {text!r} is not a day written YYYY-MM-DD"
        )


def test_an_audit_key_given_is_at_least_32_bytes_in_development_too() -> None:
    assert Settings(_env_file=None, audit_key="k" * 32).audit_signing_key == b"k" * 32
    with pytest.raises(ValidationError) as short:
        Settings(_env_file=None, audit_key="short")
    assert describe(short.value) == ("Settings: KOOPERATIVET_AUDIT_KEY must be at least 32 bytes, not 5", 1)


def test_pg_dump_refused_the_tables_says_who_must_own_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database restored without ``--role`` refuses every command with the way out (README, "Restore from
    backup"); ``backup`` repeated only pg_dump's own words."""
    from typer.testing import CliRunner

    from kooperativet import backup
    from kooperativet.cli import app

    def pg_dump_refuses(url: str, destination: Path, *, overwrite: bool) -> Path:
        raise backup.BackupFailed(
            "pg_dump failed: pg_dump: error: query failed: ERROR:  permission denied for table jobs\n"
            "pg_dump: detail: Query was: LOCK TABLE public.jobs IN ACCESS SHARE MODE"
        )

    monkeypatch.setattr(backup, "backup_database", pg_dump_refuses)
    database = tmp_path / "k.sqlite3"
    database.touch()

    result = CliRunner().invoke(
        app,
        ["backup", "--out", str(tmp_path / "k.dump")],
        env={"KOOPERATIVET_DATABASE_URL": f"sqlite:///{database}", "KOOPERATIVET_DATA_DIR": str(tmp_path)},
    )

    assert result.exit_code == 1
    assert result.stderr == (
        "error: pg_dump failed: pg_dump: error: query failed: ERROR: permission denied for table jobs "
        "pg_dump: detail: Query was: LOCK TABLE public.jobs IN ACCESS SHARE MODE; the user in "
        "KOOPERATIVET_DATABASE_URL may not use the tables: make it their owner (a restore as another user: "
        'pg_restore --no-owner --role=THAT_USER, README "Restore from backup")\n'
    )

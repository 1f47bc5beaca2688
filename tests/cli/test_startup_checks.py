"""``serve`` and ``worker`` refuse to start on a database written with other keys, or not migrated.

A restored backup started with a freshly generated data key would fail on the first page showing a
personnummer, and a new audit key would chain the next event under the wrong key; both are refused at
start-up in one paragraph naming the setting, and nothing runs. The commands are called in this process
(``CliRunner``) with uvicorn's ``run`` replaced, so no server is left running.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select, text
from typer.testing import CliRunner

from kooperativet import encryption, migrate
from kooperativet.all_models import Base
from kooperativet.audit.service import append_event, head_is_keyed_with_this_key
from kooperativet.cli import app as cli
from kooperativet.config import new_data_key
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parties.models import Member
from tests.conftest import (
    TEST_AUDIT_KEY,
    TEST_BLIND_INDEX_KEY,
    TEST_DATA_KEY,
    TEST_DATABASE_ENV,
    throwaway_postgres_database,
)

OTHER_AUDIT_KEY = "another audit key, also 32 bytes or more long"


@pytest.fixture
def written_url(committed_url: str) -> str:
    """A migrated database holding a member (encrypted under the test data key) and an audit event (keyed
    with the test audit key), committed."""
    engine = make_engine(committed_url)
    try:
        with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
            session.add(
                Member(
                    first_name="Mia",
                    last_name="Medlem",
                    personal_identity_number="199001011239",
                    birth_date=date(1990, 1, 1),
                    joined_on=date(2025, 1, 1),
                    bank_clearing_number="6000",
                    bank_account_number="123456789",
                )
            )
            append_event(session, kind="test_event", payload={"n": 1}, now=datetime(2026, 12, 1, tzinfo=UTC))
    finally:
        engine.dispose()
    return committed_url


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """The uvicorn servers ``serve`` would have started (none are)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    monkeypatch.chdir(tmp_path)  # no developer's .env is read
    for name in [name for name in os.environ if name.startswith("KOOPERATIVET_")]:
        if name != TEST_DATABASE_ENV:
            monkeypatch.delenv(name)
    return calls


def run(url: str, *args: str, folder: Path, **keys: str) -> Any:
    env = {
        "KOOPERATIVET_DATABASE_URL": url,
        "KOOPERATIVET_DATA_DIR": str(folder / "data"),
        "KOOPERATIVET_DATA_KEY": TEST_DATA_KEY,
        "KOOPERATIVET_BLIND_INDEX_KEY": TEST_BLIND_INDEX_KEY,
        "KOOPERATIVET_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "KOOPERATIVET_JOBS_MODE": "external",
        **keys,
    }
    return CliRunner().invoke(cli, list(args), env=env)


def refusal(result: Any) -> str:
    """The one paragraph a refused start printed; fails the test if it started or crashed."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_a_database_written_with_another_data_key_is_refused(
    command: list[str], written_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    new_key = new_data_key()
    message = refusal(run(written_url, *command, folder=tmp_path, KOOPERATIVET_DATA_KEY=new_key))
    old_id = encryption.key_id(encryption.current().current)
    new_id = encryption.key_id(base64.b64decode(new_key))
    assert f"encrypted with data key {old_id}, which the configured keys do not have" in message
    assert f"the data key is {new_id} (from KOOPERATIVET_DATA_KEY)" in message
    assert "KOOPERATIVET_RETIRED_DATA_KEYS" in message
    assert message.endswith(f"kooperativet {command[0]} did not start.")
    assert started == []


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_a_log_written_with_another_audit_key_is_refused(
    command: list[str], written_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    message = refusal(run(written_url, *command, folder=tmp_path, KOOPERATIVET_AUDIT_KEY=OTHER_AUDIT_KEY))
    other_id = encryption.fingerprint(OTHER_AUDIT_KEY.encode(), label="audit key")
    assert (
        f"was not written with the configured audit key (key {other_id}, from KOOPERATIVET_AUDIT_KEY)"
        in message
    )
    assert started == []


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_a_personnummer_index_made_with_another_blind_index_key_is_refused(
    command: list[str], written_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    other = new_data_key()
    message = refusal(run(written_url, *command, folder=tmp_path, KOOPERATIVET_BLIND_INDEX_KEY=other))
    other_id = encryption.fingerprint(base64.b64decode(other), label="blind index key")
    assert (
        "the members' personnummer index was not made with the configured blind-index key "
        f"(key {other_id}, from KOOPERATIVET_BLIND_INDEX_KEY)"
    ) in message
    assert started == []


def test_a_generated_key_file_is_named_in_the_refusal(
    written_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    """The development setup: no key in the environment, so a fresh data folder generates new ones."""
    result = CliRunner().invoke(
        cli,
        ["serve"],
        env={"KOOPERATIVET_DATABASE_URL": written_url, "KOOPERATIVET_DATA_DIR": str(tmp_path / "fresh")},
    )
    message = refusal(result)
    assert f"from the file {tmp_path / 'fresh' / 'data_key'}, as KOOPERATIVET_DATA_KEY is not set" in message
    assert started == []


def test_the_keys_the_data_was_written_with_start(
    written_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = run(written_url, "serve", folder=tmp_path)
    assert result.exit_code == 0, result.output
    assert [call["app"] for call in started] == ["kooperativet.main:create_served_app"]
    worker = run(written_url, "worker", "--once", folder=tmp_path)
    assert worker.exit_code == 0, worker.output
    assert worker.output.startswith("jobs run: ")


def test_the_old_key_among_the_retired_ones_starts(
    written_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    """A key rotation under way: the new key current, the old one retired until ``keys rotate`` ran."""
    result = run(
        written_url,
        "serve",
        folder=tmp_path,
        KOOPERATIVET_DATA_KEY=new_data_key(),
        KOOPERATIVET_RETIRED_DATA_KEYS=TEST_DATA_KEY,
    )
    assert result.exit_code == 0, result.output
    assert len(started) == 1


def test_a_new_database_starts_with_any_keys(
    committed_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = run(
        committed_url,
        "serve",
        folder=tmp_path,
        KOOPERATIVET_DATA_KEY=new_data_key(),
        KOOPERATIVET_AUDIT_KEY=OTHER_AUDIT_KEY,
    )
    assert result.exit_code == 0, result.output
    assert len(started) == 1


@pytest.fixture
def unmigrated_url(tmp_path: Path) -> Iterator[str]:
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if server_url:
        with throwaway_postgres_database(server_url) as url:
            yield url
    else:
        empty = tmp_path / "empty.sqlite3"
        empty.touch(mode=0o600)  # a database without tables (a missing file: tests/cli/test_no_database.py)
        yield f"sqlite:///{empty}"


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["worker", "--once"]])
def test_a_database_not_migrated_is_refused_once(
    command: list[str], unmigrated_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    message = refusal(run(unmigrated_url, *command, folder=tmp_path))
    assert "the database is not migrated to this version (it is at revision none (no tables)" in message
    assert "run 'kooperativet db upgrade' first" in message
    assert started == []


def test_the_functions_behind_the_checks(written_url: str) -> None:
    engine = make_engine(written_url)
    try:
        with engine.connect() as connection:
            assert encryption.missing_key_ids(connection, metadata=Base.metadata) == []
            other = encryption.Keyring(
                current=base64.b64decode(new_data_key()), retired=(), blind_index_key=b"x" * 32
            )
            assert encryption.missing_key_ids(connection, metadata=Base.metadata, keyring=other) == [
                encryption.current().current_id
            ]
        for key, keyed in ((TEST_AUDIT_KEY, True), (OTHER_AUDIT_KEY.encode(), False)):
            with transaction(make_session_factory(engine, audit_key=key), read_only=True) as session:
                assert head_is_keyed_with_this_key(session) is keyed
                assert session.scalar(select(Member.last_name)) == "Medlem"
    finally:
        engine.dispose()


def test_a_database_at_an_older_or_unknown_revision_is_refused(
    committed_url: str, started: list[dict[str, Any]], tmp_path: Path
) -> None:
    migrate.downgrade(committed_url, "-1")
    older = refusal(run(committed_url, "worker", folder=tmp_path))
    assert "the database is not migrated to this version (it is at revision " in older
    assert "run 'kooperativet db upgrade' first" in older
    engine = make_engine(committed_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed0001'"))
    finally:
        engine.dispose()
    newer = refusal(run(committed_url, "serve", folder=tmp_path))
    assert (
        "the database is at revision f00dfeed0001, which this version of kooperativet does not know" in newer
    )
    assert started == []

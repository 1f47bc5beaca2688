from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from kooperativet import encryption
from kooperativet.cli import app
from kooperativet.config import Settings, new_data_key
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parties.models import Member
from tests.conftest import TEST_AUDIT_KEY

runner = CliRunner()


@pytest.fixture
def restore_keyring(keyring: encryption.Keyring):
    yield
    encryption.use(keyring)


def test_keys_rotate_re_encrypts_every_value_under_the_new_key_and_the_old_key_can_go(
    tmp_path: Path, restore_keyring: None
) -> None:
    old, new, index = new_data_key(), new_data_key(), new_data_key()
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    env = {
        "KOOPERATIVET_DATABASE_URL": url,
        "KOOPERATIVET_DATA_DIR": str(tmp_path),
        "KOOPERATIVET_BLIND_INDEX_KEY": index,
    }
    encryption.configure(Settings(data_dir=tmp_path, data_key=old, blind_index_key=index))
    assert runner.invoke(app, ["db", "upgrade"], env={**env, "KOOPERATIVET_DATA_KEY": old}).exit_code == 0
    engine = make_engine(url)
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        session.add(_member())

    rotated = runner.invoke(
        app,
        ["keys", "rotate"],
        env={**env, "KOOPERATIVET_DATA_KEY": new, "KOOPERATIVET_RETIRED_DATA_KEYS": old},
    )

    assert rotated.exit_code == 0, rotated.output
    encryption.configure(Settings(data_dir=tmp_path, data_key=new, blind_index_key=index))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT personal_identity_number FROM members")).scalar_one()
    assert stored.split(":")[1] == encryption.current().current_id
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        assert session.scalar(select(Member.personal_identity_number)) == "199005141230"
    engine.dispose()


def test_keys_rotate_without_the_old_key_changes_nothing(tmp_path: Path, restore_keyring: None) -> None:
    old, index = new_data_key(), new_data_key()
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    env = {
        "KOOPERATIVET_DATABASE_URL": url,
        "KOOPERATIVET_DATA_DIR": str(tmp_path),
        "KOOPERATIVET_BLIND_INDEX_KEY": index,
    }
    encryption.configure(Settings(data_dir=tmp_path, data_key=old, blind_index_key=index))
    runner.invoke(app, ["db", "upgrade"], env={**env, "KOOPERATIVET_DATA_KEY": old})
    engine = make_engine(url)
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        session.add(_member())

    refused = runner.invoke(app, ["keys", "rotate"], env={**env, "KOOPERATIVET_DATA_KEY": new_data_key()})

    assert refused.exit_code == 1
    assert "KOOPERATIVET_RETIRED_DATA_KEYS" in refused.output
    encryption.configure(Settings(data_dir=tmp_path, data_key=old, blind_index_key=index))
    with transaction(make_session_factory(engine, audit_key=TEST_AUDIT_KEY)) as session:
        assert session.scalar(select(Member.personal_identity_number)) == "199005141230"
    engine.dispose()


def _member() -> Member:
    return Member(
        first_name="Mia",
        last_name="Medlem",
        personal_identity_number="199005141230",
        birth_date=date(1990, 5, 14),
        joined_on=date(2025, 1, 1),
        bank_clearing_number="6000",
        bank_account_number="123456789",
    )

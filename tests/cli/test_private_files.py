"""What the commands leave on disk: the embedded database private to its owner, and no key made up.

``db upgrade`` on the embedded database creates its folder 0700 and its file 0600 (SQLite gives the -wal and
-shm files the database file's mode); ``audit verify`` and ``audit seal`` without an audit key say so and
generate none, where a new key would only call the log broken or seal it under a key nobody keeps; nor does
``keys id``, whose ids are compared with the ones a backup names.
"""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from kooperativet import encryption
from kooperativet.config import Settings, new_data_key
from tests.cli.fresh import Kooperativet, assert_error, fresh_database, output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_upgrade_makes_the_embedded_database_private(tmp_path: Path) -> None:
    kooperativet = Kooperativet(database_url="", folder=tmp_path)  # the default: a file in the data folder
    data = tmp_path / "data" / "nested"

    output(kooperativet("db", "upgrade", KOOPERATIVET_DATA_DIR=str(data)))

    database = data / "kooperativet.sqlite3"
    assert (mode(data.parent), mode(data), mode(database)) == (0o700, 0o700, 0o600)
    assert [mode(path) for path in data.glob("kooperativet.sqlite3-*")] in ([], [0o600, 0o600])


def test_a_key_generated_before_db_upgrade_makes_the_data_folder_private_too(tmp_path: Path) -> None:
    # The server and the workers generate a missing key on the embedded setup, before anything migrates.
    data = tmp_path / "data" / "nested"
    settings = Settings(data_dir=data, data_key=None, blind_index_key=None, audit_key=None)
    made = (settings.data_encryption_key, settings.blind_index_secret, settings.audit_signing_key)
    assert [len(key) for key in made[:2]] == [32, 32]
    kooperativet = Kooperativet(database_url="", folder=tmp_path)
    no_keys = {"KOOPERATIVET_DATA_KEY": "", "KOOPERATIVET_BLIND_INDEX_KEY": "", "KOOPERATIVET_AUDIT_KEY": ""}

    output(kooperativet("db", "upgrade", KOOPERATIVET_DATA_DIR=str(data), **no_keys))

    assert (mode(data.parent), mode(data)) == (0o700, 0o700)
    assert {path.name: mode(path) for path in data.iterdir() if "key" in path.name} == {
        "data_key": 0o600,
        "blind_index_key": 0o600,
        "audit_key": 0o600,
    }
    assert mode(data / "kooperativet.sqlite3") == 0o600


def test_keys_id_names_the_keys_that_are_missing_and_makes_none(tmp_path: Path) -> None:
    # Run in the wrong folder, it printed the ids of three keys it had just made up there, to be compared
    # with the ones a backup names.
    kooperativet = Kooperativet(database_url="", folder=tmp_path)
    data = tmp_path / "data"
    no_keys = {"KOOPERATIVET_DATA_KEY": "", "KOOPERATIVET_BLIND_INDEX_KEY": "", "KOOPERATIVET_AUDIT_KEY": ""}

    result = kooperativet("keys", "id", KOOPERATIVET_DATA_DIR=str(data), **no_keys)

    assert_error(
        result,
        "not configured: KOOPERATIVET_DATA_KEY, KOOPERATIVET_BLIND_INDEX_KEY, KOOPERATIVET_AUDIT_KEY "
        f"(neither set nor a key file in {data}). No key was generated.",
    )
    assert not data.exists()


def test_keys_id_reads_a_key_from_its_file_and_names_the_one_missing(tmp_path: Path) -> None:
    kooperativet = Kooperativet(database_url="", folder=tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    key = new_data_key()
    (data / "data_key").write_text(key + "\n")
    keys = {
        "KOOPERATIVET_DATA_KEY": "",
        "KOOPERATIVET_BLIND_INDEX_KEY": "",
        "KOOPERATIVET_AUDIT_KEY": "a" * 32,
    }

    result = kooperativet("keys", "id", KOOPERATIVET_DATA_DIR=str(data), **keys)

    assert (result.returncode, result.stdout.splitlines()) == (
        1,
        [
            f"KOOPERATIVET_DATA_KEY = key {encryption.key_id(base64.b64decode(key))}",
            f"KOOPERATIVET_AUDIT_KEY = key {encryption.fingerprint(b'a' * 32, label='audit key')}",
        ],
    )
    assert result.stderr == (
        f"error: not configured: KOOPERATIVET_BLIND_INDEX_KEY (neither set nor a key file in {data}). "
        "No key was generated.\n"
    )
    assert sorted(path.name for path in data.iterdir()) == ["data_key"]


def test_db_upgrade_leaves_an_existing_folder_as_the_operator_set_it(tmp_path: Path) -> None:
    shared = tmp_path / "srv"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    url = f"sqlite:///{shared / 'own' / 'kooperativet.sqlite3'}"
    kooperativet = Kooperativet(database_url=url, folder=tmp_path)

    output(kooperativet("db", "upgrade"))

    assert (mode(shared), mode(shared / "own"), mode(shared / "own" / "kooperativet.sqlite3")) == (
        0o755,
        0o700,
        0o600,
    )


@pytest.mark.parametrize("command", ["verify", "seal"])
def test_audit_commands_without_a_key_say_so_and_make_none(command: str, tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        kooperativet = Kooperativet(database_url=url, folder=tmp_path)
        output(kooperativet("db", "upgrade"))
        key_file = tmp_path / "data" / "audit_key"
        assert not key_file.exists()  # the suite's key comes from the environment

        result = kooperativet("audit", command, KOOPERATIVET_AUDIT_KEY="")

        assert_error(
            result,
            "no audit key is configured: KOOPERATIVET_AUDIT_KEY is not set (or empty) and there is no "
            f"key file {key_file}. The log can be checked only with the key it was written with: set "
            "KOOPERATIVET_AUDIT_KEY to it. No key was generated.",
        )
        assert not key_file.exists()
        out = tmp_path / "log.json"
        out.write_text("an earlier export, readable by all\n")
        out.chmod(0o644)
        forced = kooperativet("audit", "export", "--out", str(out), "--force", KOOPERATIVET_AUDIT_KEY="")
        assert output(forced) == [f"1 entry written to {out}"]  # the first admin's login_created
        assert mode(out) == 0o600  # made private before the log was written into it
        assert not key_file.exists()

"""An ``--out`` that is the live SQLite database, its journal files, a key in the data folder or ``.env`` is a
usage error (exit 2) for every command that writes one, with ``--force`` too, before anything is opened.

Before, ``--force`` wrote the export or backup beside it and put that in its place: a sysadmin who mistyped
a path replaced the cooperative's books, or the key that reads their personal data, with a CSV. The file is
found by its real path (relative, with ``..``, through a symlink, one that does not exist yet) and as the
same inode under another name (a hard link). Each command runs in a new process.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kooperativet.backup import KeptFile, files_to_keep, refuse_the_cooperatives_own_file, same_file
from kooperativet.config import Settings
from tests.cli.fresh import Kooperativet, assert_error, usage_error

#: Every command with ``--out`` and ``--force``, with what it needs besides them.
WRITERS = {
    "backup": ("backup",),
    "audit export": ("audit", "export"),
    "knowledge export": ("knowledge", "export"),
    "payroll summary": ("payroll", "summary", "--period", "2026-11"),
    "export agi": ("export", "agi", "--period", "2026-11"),
    "export sie": ("export", "sie", "--from", "2026-11-01", "--to", "2026-11-30"),
    "export pain001": ("export", "pain001", "--run", "1"),
    "export download": ("export", "download", "1"),
}


def the_books(path: Path) -> Path:
    """A SQLite file standing in for the live database: the refusal comes before it is opened."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as books:
        books.execute("CREATE TABLE vouchers (number INTEGER, amount TEXT)")
        books.execute("INSERT INTO vouchers VALUES (1, '12772.57')")
        books.commit()
    return path


def fingerprint(path: Path) -> tuple[str, int]:
    status = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), status.st_mtime_ns


def refusal(out: str | Path, what: str, kept: Path) -> str:
    return (
        f"Invalid value for --out: {Path(out)} is {what} ({kept.resolve()}); name another file, --force does "
        "not write over it; nothing was written"
    )


def assert_nothing_beside(folder: Path, *names: str) -> None:
    """No partial file was left beside any of ``names``."""
    assert not [path.name for path in folder.iterdir() if path.name.endswith(".partial")]
    for name in names:
        assert (folder / name).exists() or (folder / name).is_symlink()


@pytest.mark.parametrize("force", [False, True], ids=["plain", "forced"])
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_command_refuses_the_live_database(name: str, force: bool, tmp_path: Path) -> None:
    database = the_books(tmp_path / "books" / "cooperative.sqlite3")
    before = fingerprint(database)
    kooperativet = Kooperativet(database_url=f"sqlite:///{database}", folder=tmp_path)
    forced = ("--force",) if force else ()

    assert_error(
        kooperativet(*WRITERS[name], "--out", str(database), *forced),
        usage_error(name, refusal(database, "the live database", database)),
        code=2,
    )

    assert fingerprint(database) == before
    assert sorted(path.name for path in database.parent.iterdir()) == ["cooperative.sqlite3"]


#: The embedded database (``KOOPERATIVET_DATA_DIR`` and no URL) by the ways a path can name it, run from the
#: folder holding ``data``; each with what the refusal calls it and the file it names.
SPELLINGS = {
    "relative": ("data/kooperativet.sqlite3", "the live database", "kooperativet.sqlite3"),
    "with ..": ("data/../data/./kooperativet.sqlite3", "the live database", "kooperativet.sqlite3"),
    "symlink": ("link.sqlite3", "the live database", "kooperativet.sqlite3"),
    "hard link": ("hard.sqlite3", "the live database", "kooperativet.sqlite3"),
    "wal": (
        "data/kooperativet.sqlite3-wal",
        "the live database's write-ahead log",
        "kooperativet.sqlite3-wal",
    ),
    "shm": (
        "data/kooperativet.sqlite3-shm",
        "the live database's shared-memory index",
        "kooperativet.sqlite3-shm",
    ),
    "journal": (
        "data/kooperativet.sqlite3-journal",
        "the live database's rollback journal",
        "kooperativet.sqlite3-journal",
    ),
    "symlink to the wal, not there yet": (
        "wal-link",
        "the live database's write-ahead log",
        "kooperativet.sqlite3-wal",
    ),
}


@pytest.mark.parametrize("name", ["backup", "export agi"])
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_the_database_and_its_journal_are_refused_however_named(
    spelling: str, name: str, tmp_path: Path
) -> None:
    """``backup`` checks in its own command, the others on entering ``replacing_out``: both are run."""
    data = tmp_path / "data"
    database = the_books(data / "kooperativet.sqlite3")
    (tmp_path / "link.sqlite3").symlink_to(database)
    os.link(database, tmp_path / "hard.sqlite3")
    (tmp_path / "wal-link").symlink_to(data / "kooperativet.sqlite3-wal")
    before = fingerprint(database)
    out, what, named = SPELLINGS[spelling]
    # No URL: the embedded database in the data folder, as a first installation has it.
    kooperativet = Kooperativet(database_url="", folder=tmp_path)

    assert_error(
        kooperativet(*WRITERS[name], "--out", out, "--force"),
        usage_error(name, refusal(out, what, data / named)),
        code=2,
    )

    assert fingerprint(database) == before
    assert sorted(path.name for path in data.iterdir()) == ["kooperativet.sqlite3"]
    assert (tmp_path / "link.sqlite3").readlink() == database
    assert_nothing_beside(tmp_path, "link.sqlite3", "hard.sqlite3", "wal-link")


#: The keys generated into the data folder, and ``.env``, by the ways a path can name them.
KEYS = {
    "data key": ("data/data_key", "the data key that encrypts the personal data", "data/data_key"),
    "blind-index key": (
        "data/blind_index_key",
        "the blind-index key of the personnummer",
        "data/blind_index_key",
    ),
    "audit key": ("data/audit_key", "the audit log's key", "data/audit_key"),
    "login key": ("data/secret_key", "the key that signs the logins", "data/secret_key"),
    "login key by a hard link": ("key-copy", "the key that signs the logins", "data/secret_key"),
    "key not made yet, through a symlink": (
        "key-link",
        "the data key that encrypts the personal data",
        "data/data_key",
    ),
    "settings file": (".env", "the settings file, which may hold the keys", ".env"),
    "settings file by its full path": ("ENV", "the settings file, which may hold the keys", ".env"),
}


@pytest.mark.parametrize("name", ["backup", "audit export"])
@pytest.mark.parametrize("key", sorted(KEYS))
def test_the_keys_and_the_settings_file_are_refused(
    key: str, name: str, committed_url: str, tmp_path: Path
) -> None:
    """On either database: the keys are files of the data folder whatever holds the books."""
    data = tmp_path / "data"
    data.mkdir()
    keys = {"secret_key": b"the login signing key\n", "audit_key": b"an audit key of 32 bytes or more!\n"}
    for file, content in keys.items():
        (data / file).write_bytes(content)
    (tmp_path / ".env").write_bytes(b"KOOPERATIVET_ENV=development\n")
    os.link(data / "secret_key", tmp_path / "key-copy")
    (tmp_path / "key-link").symlink_to(data / "data_key")  # generated on first use, not there yet
    out, what, named = KEYS[key]
    if out == "ENV":
        out = str(tmp_path / ".env")
    kooperativet = Kooperativet(database_url=committed_url, folder=tmp_path)

    assert_error(
        kooperativet(*WRITERS[name], "--out", out, "--force"),
        usage_error(name, refusal(out, what, tmp_path / named)),
        code=2,
    )

    assert {file: (data / file).read_bytes() for file in keys} == keys
    assert sorted(path.name for path in data.iterdir()) == sorted(keys)
    assert (tmp_path / ".env").read_bytes() == b"KOOPERATIVET_ENV=development\n"
    assert_nothing_beside(tmp_path, "key-copy", "key-link")


def test_a_file_beside_the_cooperatives_own_is_written(committed_url: str, tmp_path: Path) -> None:
    """Only those files: a name beside them (``data_key.bak``, ``kooperativet.sqlite3.csv``) is an export."""
    kooperativet = Kooperativet(database_url=committed_url, folder=tmp_path)
    (tmp_path / "data").mkdir()

    for out in ("data/data_key.bak", "data/kooperativet.sqlite3.json", ".env.json"):
        result = kooperativet("audit", "export", "--out", out)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / out).is_file()


def test_the_library_names_the_files_of_sqlite_and_of_postgresql(tmp_path: Path) -> None:
    sqlite = Settings(
        _env_file=None, data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path}/b.sqlite3"
    )
    postgresql = Settings(
        _env_file=None, data_dir=tmp_path / "data", database_url="postgresql+psycopg://u@localhost/books"
    )
    keys = ["data/data_key", "data/blind_index_key", "data/audit_key", "data/secret_key", ".env"]
    journal = ["b.sqlite3", "b.sqlite3-wal", "b.sqlite3-shm", "b.sqlite3-journal"]

    def names(kept: list[KeptFile]) -> list[str]:
        return [
            str(file.path.relative_to(tmp_path)) if file.path.is_absolute() else str(file.path)
            for file in kept
        ]

    assert names(files_to_keep(sqlite)) == journal + keys
    assert names(files_to_keep(postgresql)) == keys
    with pytest.raises(ValueError, match="is the live database"):
        refuse_the_cooperatives_own_file(tmp_path / "." / "b.sqlite3", files_to_keep(sqlite))
    refuse_the_cooperatives_own_file(tmp_path / "b.sqlite3", files_to_keep(postgresql))
    assert not same_file(tmp_path / "a", tmp_path / "b")

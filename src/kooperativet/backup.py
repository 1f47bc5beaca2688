"""Consistent backups (quality.md R10): SQLite's online backup API, PostgreSQL through ``pg_dump``.

SQLite copies page by page while other connections keep working, and the copy is a transaction-consistent
database file. PostgreSQL is dumped in ``pg_dump``'s custom format, restored with ``pg_restore``.

A backup holds every member's personal data (encrypted) and the audit log, so it is written readable by its
owner only (0600), and a folder made for it is 0700. It is useless without the keys, which are never in it:
:func:`keys_to_restore` names them by their ids, for the operator to keep apart from the backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url

if TYPE_CHECKING:
    from kooperativet.config import Settings

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class BackupFailed(RuntimeError):
    pass


class NotARegularFile(ValueError):
    """A destination that exists and is no regular file: a device, a pipe or a socket (``/dev/stdout``, a
    link to one). Written beside and put in place, it would be replaced by a regular file, which, run as
    root, takes ``/dev/stdout`` or ``/dev/null`` away from the whole machine; so it is refused, untouched."""


def refuse_a_special_file(destination: Path) -> None:
    """``NotARegularFile`` for a ``destination`` that exists (through a link too) and is not a regular file;
    a folder is one as well. A new name, and a link to nothing, pass: they are written as files."""
    if destination.exists() and not destination.is_file():
        raise NotARegularFile(
            f"{destination} is not a regular file (a folder, a device, a pipe or a socket); "
            "name a file to write, nothing was written"
        )


class TheCooperativesOwnFile(ValueError):
    """A destination that is one of the files the running cooperative lives on: its SQLite database or that
    database's journal, a key kept in the data folder, or the settings file. Written over (``--force`` and a
    mistyped path), the books or the keys that read them are gone; so it is refused, ``overwrite`` or not."""


@dataclass(frozen=True)
class KeptFile:
    """A file no export or backup may be written over, and what it is, in the words of the refusal."""

    path: Path
    what: str


#: SQLite's files beside the database while it is open (WAL mode) or in a transaction (rollback journal).
_SQLITE_COMPANIONS = (
    ("-wal", "the live database's write-ahead log"),
    ("-shm", "the live database's shared-memory index"),
    ("-journal", "the live database's rollback journal"),
)


def files_to_keep(settings: Settings) -> list[KeptFile]:
    """The files ``settings`` make the cooperative live on: the SQLite database and its journal files, the
    keys generated into the data folder (kept there unless given in the environment; named whether they
    exist yet or not), and ``.env``, which may hold the keys given in no environment."""
    from kooperativet import config

    kept = []
    database = make_url(settings.resolved_database_url)
    if database.get_backend_name() == "sqlite" and database.database not in (None, "", ":memory:"):
        live = Path(database.database or "")
        kept.append(KeptFile(live, "the live database"))
        kept += [KeptFile(live.with_name(live.name + suffix), what) for suffix, what in _SQLITE_COMPANIONS]
    keys = (
        (config.DATA_KEY_FILE, "the data key that encrypts the personal data"),
        (config.BLIND_INDEX_KEY_FILE, "the blind-index key of the personnummer"),
        (config.AUDIT_KEY_FILE, "the audit log's key"),
        (config.SECRET_KEY_FILE, "the key that signs the logins"),
    )
    kept += [KeptFile(settings.data_dir / name, what) for name, what in keys]
    env_file = settings.model_config.get("env_file")
    if isinstance(env_file, str):
        kept.append(KeptFile(Path(env_file), "the settings file, which may hold the keys"))
    return kept


def refuse_the_cooperatives_own_file(destination: Path, kept: Iterable[KeptFile]) -> None:
    """``TheCooperativesOwnFile`` for a ``destination`` that is one of ``kept``: by its path however spelt
    (relative, with ``..``, through a symlink, to a file that does not exist yet too), or as the same file
    under another name (a hard link: the same device and inode)."""
    for file in kept:
        if same_file(destination, file.path):
            raise TheCooperativesOwnFile(
                f"{destination} is {file.what} ({file.path.resolve()}); name another file, --force does not "
                "write over it; nothing was written"
            )


def same_file(one: Path, other: Path) -> bool:
    """Whether ``one`` and ``other`` name one file: the same real path, or, both existing, one inode."""
    if one.resolve() == other.resolve():
        return True
    try:
        return os.path.samestat(one.stat(), other.stat())
    except OSError:  # either is not there (or not to be looked at): no inode to share
        return False


def backup_database(database_url: str, destination: Path, *, overwrite: bool = False) -> Path:
    """Write a consistent copy of the database to ``destination`` and return it.

    An existing file is written over only when ``overwrite`` says so; else ``FileExistsError``, and the file
    is left as it was: an older backup written over by mistake (the same name twice a day) is lost. The
    copy is made beside it and takes its place once whole, so a copy that fails leaves no file, and leaves
    the file it was to replace as it was."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupFailed("an in-memory database cannot be backed up")
        _refuse_the_database_itself(Path(url.database), destination)
    elif backend != "postgresql":
        raise BackupFailed(f"no backup method for {backend}")
    with written_in_place_of(destination, overwrite=overwrite, make_folders=True) as partial:
        if backend == "sqlite":
            _backup_sqlite(Path(url.database or ""), partial)
        else:
            _backup_postgresql(url.set(drivername="postgresql"), partial)
        os.chmod(partial, PRIVATE_FILE)  # a copy's journal, or pg_dump, must not have widened it
    return destination


@contextmanager
def written_in_place_of(destination: Path, *, overwrite: bool, make_folders: bool = False) -> Iterator[Path]:
    """The file beside ``destination`` to write into, readable by its owner only, which takes
    ``destination``'s place once the block ends whole (a backup, an export written from the command line).

    Without ``overwrite`` an existing ``destination`` is ``FileExistsError`` before anything is written, and
    left byte for byte as it was. A new ``destination`` is made first, created exclusively (a file made
    meanwhile is refused too, and a folder that does not exist is named as the user typed it, unless
    ``make_folders`` makes it 0700). A ``destination`` that is a device, a pipe or a socket is
    ``NotARegularFile``, even with ``overwrite``, and is left alone. A failure on the way takes away the
    partial file and the ``destination`` this made: an earlier file stays as it was, and there is no half
    file."""
    refuse_a_special_file(destination)
    if make_folders:
        private_folder(destination.parent)
    exists = destination.exists() or destination.is_symlink()
    made = False if overwrite and exists else created_private(destination, overwrite=overwrite)
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        partial.unlink(missing_ok=True)  # left by a write that was killed (SQLite would not copy into it)
        created_private(partial)
        yield partial
        partial.replace(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        if made:
            destination.unlink(missing_ok=True)
        raise


def private_folder(folder: Path) -> None:
    """Make ``folder`` if it does not exist, and any missing parents: each folder made is 0700."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for made in missing:
        os.chmod(made, PRIVATE_FOLDER)


def created_private(destination: Path, *, overwrite: bool = True) -> bool:
    """Create ``destination`` empty and 0600 before anything is written into it (an existing file is made
    0600 first), so the data is never readable by others, not even while it is being written; the folder
    must exist (``FileNotFoundError`` naming ``destination``). Whether it made the file. Without
    ``overwrite`` an existing file (or a symlink) is ``FileExistsError`` and left untouched: created
    exclusively, so that a file made between a check and the write is refused too. A device, a pipe or a
    socket is ``NotARegularFile`` either way, its mode left as it was."""
    refuse_a_special_file(destination)
    if not overwrite:
        os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        return True
    existed = destination.exists() or destination.is_symlink()
    if existed:
        os.chmod(destination, PRIVATE_FILE)
    os.close(os.open(destination, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    return not existed


def write_private(destination: Path, content: bytes, *, overwrite: bool = True) -> None:
    """Write ``content`` to ``destination`` readable by its owner only (``created_private``): what the
    commands export — declarations with personnummer, pay and bank accounts, the audit log — is as private
    as a backup, and a shared machine's other users must not read it. The folder must exist: an export into a
    folder mistyped is an error, not a new folder. Without ``overwrite`` an existing file is refused
    (``created_private``); a write that fails takes away the file it made."""
    made = created_private(destination, overwrite=overwrite)
    try:
        destination.write_bytes(content)  # opened with O_TRUNC: the file keeps its 0600
    except BaseException:
        if made:
            destination.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class NeededKey:
    """A key a restore of the backup needs: which setting takes it and its public id (never the key)."""

    setting: str
    ids: tuple[str, ...]
    configured: bool = True


def keys_to_restore(settings: Settings) -> list[NeededKey]:
    """The keys a restore of the configured database needs, by id: every data key its personal data is
    encrypted under (the current one when there is none yet), the blind-index key and the audit key."""
    from kooperativet import encryption
    from kooperativet.all_models import Base
    from kooperativet.db import READ_ONLY, make_engine

    keyring = encryption.keyring_from(settings)
    engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            in_use = encryption.key_ids_in_use(connection, metadata=Base.metadata)
    finally:
        engine.dispose()
    configured = {encryption.key_id(key) for key in (keyring.current, *keyring.retired)}
    data_keys = tuple(sorted(in_use)) or (keyring.current_id,)
    only_current = data_keys == (keyring.current_id,)
    return [
        NeededKey(
            "KOOPERATIVET_DATA_KEY"
            if only_current
            else "KOOPERATIVET_DATA_KEY, KOOPERATIVET_RETIRED_DATA_KEYS",
            data_keys,
            configured=set(data_keys) <= configured,
        ),
        NeededKey(
            "KOOPERATIVET_BLIND_INDEX_KEY",
            (encryption.fingerprint(keyring.blind_index_key, label="blind index key"),),
        ),
        NeededKey(
            "KOOPERATIVET_AUDIT_KEY",
            (encryption.fingerprint(settings.audit_signing_key, label="audit key"),),
        ),
    ]


def _refuse_the_database_itself(source: Path, destination: Path) -> None:
    """A backup written over the live database would be the database itself, and no copy at all."""
    if same_file(destination, source):
        raise BackupFailed(f"{destination} is the database itself; write the backup to another file")


def _backup_sqlite(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupFailed(f"{source} does not exist")
    with sqlite3.connect(source) as live, sqlite3.connect(destination) as copy:
        live.backup(copy)
    copy.close()
    live.close()


def _backup_postgresql(url: URL, destination: Path) -> None:
    """``pg_dump`` with the password in its environment (``PGPASSWORD``), never on its command line, which
    every user of the machine can read (``ps``, ``/proc/PID/cmdline``)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump is not installed (Debian: postgresql-client)")
    without_password = URL.create(
        url.drivername, url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string(hide_password=False)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    result = subprocess.run(  # noqa: S603 - a fixed program and our own database URL
        [pg_dump, "--format=custom", "--no-owner", f"--file={destination}", f"--dbname={without_password}"],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if result.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {result.stderr.strip()}")

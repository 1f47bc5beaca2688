"""What ``serve`` and ``worker`` check before they start: a database migrated to this version, and the keys
its data was written with.

Without these checks a restored backup started with freshly generated keys runs until the first page that
shows a personnummer fails, and its first audit event chains onto the log under the wrong key, so that
``audit verify`` fails from there on; a worker on a database not migrated logs a traceback on every poll.
Each refusal is one paragraph naming the setting or file to fix, and nothing is started.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from kooperativet.config import Settings
    from kooperativet.encryption import Keyring


def refuse_an_unready_database(settings: Settings, *, command: str) -> None:
    """Exit with one ``error:`` paragraph when ``command`` must not start on the configured database."""
    problem = unready_database(settings)
    if problem is not None:
        typer.echo(f"error: {problem} kooperativet {command} did not start.", err=True)
        raise typer.Exit(code=1)


def existing_database_url(settings: Settings) -> str:
    """The configured database's URL, for every command but ``db upgrade`` (which makes the database) and
    ``demo`` (which makes its own). An embedded database file that is not there is refused in one line:
    connecting would create it, empty and readable by anyone, where ``db upgrade`` would have made it 0600,
    and the command would only fail on its missing tables."""
    problem = _no_database(settings)
    if problem is not None:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=1)
    return settings.resolved_database_url


def existing_database(settings: Settings, **options: Any) -> Engine:
    """An engine on the configured database (``existing_database_url``), as the settings ask to run it."""
    from kooperativet.db import make_engine

    url = existing_database_url(settings)
    return make_engine(url, sqlite_synchronous=settings.sqlite_synchronous, **options)


def _no_database(settings: Settings) -> str | None:
    from sqlalchemy.engine import make_url

    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    if path.exists():
        return None
    where = "KOOPERATIVET_DATABASE_URL" if settings.database_url else "KOOPERATIVET_DATA_DIR"
    return (
        f"there is no database at {path}; run 'kooperativet db upgrade' first to make it, or set {where} to "
        "where it is."
    )


def unready_database(settings: Settings) -> str | None:
    """Why the configured database cannot be served with these settings, or None."""
    from kooperativet.db import READ_ONLY, make_engine

    missing = _no_database(settings)
    if missing is not None:
        return missing
    engine = make_engine(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
            problem = (
                _not_migrated(connection)
                or _foreign_data_key(connection, settings)
                or _foreign_blind_index_key(connection, settings)
            )
        return problem or _foreign_audit_key(engine, settings)
    finally:
        engine.dispose()


def _not_migrated(connection: Connection) -> str | None:
    from kooperativet import migrate

    found = migrate.revisions(connection)
    if found.current == found.heads:
        return None
    if found.unknown:
        return (
            f"the database is at revision {', '.join(sorted(found.unknown))}, which this version of "
            "kooperativet does not know: a newer version migrated it. Run that version, or restore a backup "
            "made by this one."
        )
    at = ", ".join(sorted(found.current)) or "none (no tables)"
    return (
        f"the database is not migrated to this version (it is at revision {at}, this version needs "
        f"{', '.join(sorted(found.heads))}); run 'kooperativet db upgrade' first."
    )


def _foreign_data_key(connection: Connection, settings: Settings) -> str | None:
    from kooperativet import encryption
    from kooperativet.all_models import Base
    from kooperativet.config import DATA_KEY_FILE

    keyring = encryption.keyring_from(settings)
    missing = encryption.missing_key_ids(connection, metadata=Base.metadata, keyring=keyring)
    if missing:
        source = _source(settings, "data_key", "KOOPERATIVET_DATA_KEY", DATA_KEY_FILE)
        return (
            f"the database holds personal data encrypted with data key {', '.join(missing)}, which the "
            f"configured keys do not have: the data key is {keyring.current_id} ({source})"
            f"{_retired(keyring)}. Give the data key the data was written with (for a restored backup, the "
            "one in use when the backup was made: `kooperativet backup` names it) as KOOPERATIVET_DATA_KEY, "
            f"or in KOOPERATIVET_RETIRED_DATA_KEYS{_or_file(settings, 'data_key', DATA_KEY_FILE)}."
        )
    return None


def _foreign_blind_index_key(connection: Connection, settings: Settings) -> str | None:
    """A member's personnummer, decrypted, must give the index stored beside it: under another blind-index
    key every lookup by personnummer misses and a member could be registered twice."""
    from sqlalchemy import select

    from kooperativet import encryption
    from kooperativet.config import BLIND_INDEX_KEY_FILE
    from kooperativet.parties.models import PERSONAL_IDENTITY_INDEX, Member

    column = Member.personal_identity_number
    row = connection.execute(
        select(encryption.stored(column), Member.personal_identity_number_index)
        .where(column.is_not(None), Member.personal_identity_number_index.is_not(None))
        .limit(1)
    ).first()
    if row is None:
        return None
    keyring = encryption.keyring_from(settings)
    number = keyring.decrypt(row[0], context="members.personal_identity_number")
    if keyring.blind_index(number, context=PERSONAL_IDENTITY_INDEX) == row[1]:
        return None
    source = _source(settings, "blind_index_key", "KOOPERATIVET_BLIND_INDEX_KEY", BLIND_INDEX_KEY_FILE)
    configured = encryption.fingerprint(keyring.blind_index_key, label="blind index key")
    return (
        f"the members' personnummer index was not made with the configured blind-index key (key "
        f"{configured}, {source}): no member would be found by personnummer and one could be registered "
        "twice. Give the blind-index key the data was written with (for a restored backup, the one in use "
        "when the backup was made: `kooperativet backup` names it) as KOOPERATIVET_BLIND_INDEX_KEY"
        f"{_or_file(settings, 'blind_index_key', BLIND_INDEX_KEY_FILE)}."
    )


def _foreign_audit_key(engine: Engine, settings: Settings) -> str | None:
    from kooperativet.audit import service
    from kooperativet.config import AUDIT_KEY_FILE
    from kooperativet.db import make_session_factory, transaction
    from kooperativet.encryption import fingerprint

    factory = make_session_factory(engine, audit_key=settings.audit_signing_key)
    with transaction(factory, read_only=True) as session:
        if service.head_is_keyed_with_this_key(session):
            return None
        head = service.chain_head(session)
    source = _source(settings, "audit_key", "KOOPERATIVET_AUDIT_KEY", AUDIT_KEY_FILE)
    configured = fingerprint(settings.audit_signing_key, label="audit key")
    return (
        f"the audit log's latest entry (head {head}) was not written with the configured audit key "
        f"(key {configured}, {source}): new entries would be chained under another key and "
        "`kooperativet audit verify` would fail from there on. Give the audit key the log was written with "
        "(for a restored backup, the one in use when the backup was made: `kooperativet backup` names it) "
        "as KOOPERATIVET_AUDIT_KEY"
        f"{_or_file(settings, 'audit_key', AUDIT_KEY_FILE)}."
    )


def _source(settings: Settings, setting: str, variable: str, file_name: str) -> str:
    if getattr(settings, setting) is not None:
        return f"from {variable}"
    return f"from the file {Path(settings.data_dir) / file_name}, as {variable} is not set"


def _or_file(settings: Settings, setting: str, file_name: str) -> str:
    if getattr(settings, setting) is not None:
        return ""
    return f", or put its file back as {Path(settings.data_dir) / file_name}"


def _retired(keyring: Keyring) -> str:
    from kooperativet.encryption import key_id

    if not keyring.retired:
        return ""
    return f", retired {', '.join(key_id(key) for key in keyring.retired)}"


#: The settings that name files which the code finding them reads from the environment itself
#: (``resources.project_path``), by their variables.
PROJECT_PATH_VARIABLES = {
    "alembic_ini": "KOOPERATIVET_ALEMBIC_INI",
    "templates_dir": "KOOPERATIVET_TEMPLATES_DIR",
}


def hand_on_project_paths() -> None:
    """Put ``KOOPERATIVET_ALEMBIC_INI`` and ``KOOPERATIVET_TEMPLATES_DIR`` into this process's environment as
    the settings read them (``config.ProjectPaths``), for the code that finds the files and every process
    started from this one (the server's, the renderer's): one set in ``.env`` counts, an empty one is taken
    away (it named the working directory: ``No 'script_location' key found``), and one naming nothing is
    refused in one line (it was passed over for ``./alembic.ini``, or ended in "set KOOPERATIVET_ALEMBIC_INI"
    although it was set)."""
    import os

    if not any(name in os.environ for name in PROJECT_PATH_VARIABLES.values()) and not Path(".env").is_file():
        return
    from kooperativet.config import ProjectPaths

    paths = ProjectPaths()
    for field, name in PROJECT_PATH_VARIABLES.items():
        value: Path | None = getattr(paths, field)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = str(value.resolve())

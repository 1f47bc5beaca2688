"""Run the Alembic migrations from code (CLI, tests, demo)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from kooperativet.resources import project_path

ALEMBIC_INI_ENV = "KOOPERATIVET_ALEMBIC_INI"


def find_alembic_ini() -> Path:
    return project_path("alembic.ini", env_var=ALEMBIC_INI_ENV)


def alembic_config(database_url: str) -> Config:
    config = Config(str(find_alembic_ini()))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise when the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(database_url))


@dataclass(frozen=True)
class Revisions:
    """Where the database is and where this version's migrations end: equal when it is migrated to this
    version, ``current`` empty when it was never migrated, ``unknown`` those of a newer version's."""

    current: frozenset[str]
    heads: frozenset[str]
    unknown: frozenset[str]


def revisions(connection: Connection) -> Revisions:
    script = ScriptDirectory.from_config(Config(str(find_alembic_ini())))
    current = frozenset(MigrationContext.configure(connection).get_current_heads())
    known = {revision.revision for revision in script.walk_revisions()}
    return Revisions(current=current, heads=frozenset(script.get_heads()), unknown=current - known)

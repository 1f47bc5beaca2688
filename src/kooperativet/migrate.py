"""Run the Alembic migrations from code (CLI, tests, demo)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

ALEMBIC_INI_ENV = "KOOPERATIVET_ALEMBIC_INI"


def find_alembic_ini() -> Path:
    """``$KOOPERATIVET_ALEMBIC_INI``, else ``./alembic.ini``, else the source tree's own."""
    candidates = [
        Path(os.environ[ALEMBIC_INI_ENV]) if ALEMBIC_INI_ENV in os.environ else None,
        Path.cwd() / "alembic.ini",
        Path(__file__).resolve().parents[2] / "alembic.ini",
    ]
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            return candidate
    raise FileNotFoundError(f"alembic.ini not found; set {ALEMBIC_INI_ENV}")


def alembic_config(database_url: str) -> Config:
    config = Config(str(find_alembic_ini()))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise when the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(database_url))

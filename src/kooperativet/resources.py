"""Files that live beside the package in the project tree: ``alembic.ini``, ``migrations/``, ``templates/``.

A source checkout finds them at the project root; an installed copy (Docker) finds them in the working
directory, or where an environment variable points.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_path(name: str, *, env_var: str) -> Path:
    """``$env_var``, else ``./name``, else ``name`` at the root of the source tree.

    An empty ``$env_var`` counts as not set, as the settings read it (``config.ProjectPaths``): compose
    passes an optional setting empty, and ``Path("")`` is the working directory, which exists, so code not
    started from the command line (which hands the settings' value on) took ``.`` for the file."""
    given = os.environ.get(env_var)
    candidates = [
        Path(given) if given else None,
        Path.cwd() / name,
        Path(__file__).resolve().parents[2] / name,
    ]
    for candidate in candidates:
        if candidate is not None and candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} not found; set {env_var}")

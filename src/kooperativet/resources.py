"""Files that live beside the package in the project tree: ``alembic.ini``, ``migrations/``, ``templates/``.

A source checkout finds them at the project root; an installed copy (Docker) finds them in the working
directory, or where an environment variable points.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_path(name: str, *, env_var: str) -> Path:
    """``$env_var``, else ``./name``, else ``name`` at the root of the source tree."""
    candidates = [
        Path(os.environ[env_var]) if env_var in os.environ else None,
        Path.cwd() / name,
        Path(__file__).resolve().parents[2] / name,
    ]
    for candidate in candidates:
        if candidate is not None and candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} not found; set {env_var}")

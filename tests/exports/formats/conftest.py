"""The official reference files (Skatteverket, SIE, ISO 20022) live beside the repository, in shared/."""

from __future__ import annotations

from pathlib import Path

import pytest

#: /work/main/tests/exports/formats/conftest.py → /work/shared/reference
REFERENCE_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "reference"
_ABSENT = f"reference files not found at {REFERENCE_DIR} (the shared/ folder beside the repository checkout)"


@pytest.fixture
def reference_dir() -> Path:
    """The reference folder; the test is skipped when it is absent."""
    if not REFERENCE_DIR.is_dir():
        pytest.skip(_ABSENT)
    return REFERENCE_DIR


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``sie_reference_file``: each SIE file in ``reference/sie``; skipped if the folder is absent."""
    if "sie_reference_file" not in metafunc.fixturenames:
        return
    folder = REFERENCE_DIR / "sie"
    files = sorted(path for path in folder.glob("*") if path.suffix.lower() in (".si", ".se"))
    params = [pytest.param(path, id=path.name) for path in files] or [
        pytest.param(None, id="absent", marks=pytest.mark.skip(reason=_ABSENT))
    ]
    metafunc.parametrize("sie_reference_file", params)

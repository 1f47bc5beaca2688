"""The official reference files (Skatteverket, SIE, ISO 20022) are kept in ``tests/reference``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REFERENCE


@pytest.fixture
def reference_dir() -> Path:
    """The folder of official reference files, one subfolder per format."""
    return REFERENCE


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``sie_reference_file``: each SIE file in ``reference/sie``."""
    if "sie_reference_file" not in metafunc.fixturenames:
        return
    files = sorted(path for path in (REFERENCE / "sie").iterdir() if path.suffix.lower() in (".si", ".se"))
    metafunc.parametrize("sie_reference_file", [pytest.param(path, id=path.name) for path in files])

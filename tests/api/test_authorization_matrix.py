"""R1: every operation in the OpenAPI schema has a stated expectation for every role.

The expectations live beside each domain's tests, in ``tests/<domain>/test_authorization.py``; a new endpoint
fails here until its row is added there.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from tests.authz import ROLES, operations

PUBLIC = {
    "health": "liveness probe",
    "issue_token": "the login itself",
    "refresh_token": "authenticates by the refresh token in its body",
}


def all_expectations() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/test_authorization.py")):
        spec = importlib.util.spec_from_file_location(f"authz_{path.parent.name}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        duplicated = set(found) & set(module.EXPECTATIONS)
        assert not duplicated, f"{path}: expectations stated twice: {duplicated}"
        found.update(module.EXPECTATIONS)
    return found


def test_every_operation_has_an_expectation_for_every_role() -> None:
    expectations = all_expectations()
    assert set(operations()) == set(expectations) | set(PUBLIC)
    for operation_id, (statuses, _body) in expectations.items():
        assert set(statuses) == set(ROLES), operation_id

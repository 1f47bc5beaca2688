"""R1 for the audit log's reads (see tests/authz.py): the office and the auditor read it; nobody else."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.authz import AUDITOR_READS, ROLES, Actors, Expectation, check, operations, row, with_auditor

OFFICE_READ = row(401, 403, 403, 200, 403, 200)

EXPECTATIONS: dict[str, Expectation] = {
    "list_audit_events": (OFFICE_READ, None),
    "get_audit_verification": (OFFICE_READ, None),
}

#: The auditor (revisor) is who the log is for: she reads both, and neither writes.
AUDITOR: dict[str, int] = {
    "list_audit_events": AUDITOR_READS,
    "get_audit_verification": AUDITOR_READS,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, make_user, make_member, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    method, path = OPERATIONS[operation_id]
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

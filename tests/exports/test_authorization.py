"""R1 for the treasurer's exports and overview (see tests/authz.py): treasurer and admin only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.authz import (
    AUDITOR_READS,
    AUDITOR_REFUSED,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)

OFFICE_READ = row(401, 403, 403, 200, 403, 200)

EXPECTATIONS: dict[str, Expectation] = {
    # The cooperative of the test has no contact for Skatteverket and no seeded account map: 422.
    "export_agi": (row(401, 403, 403, 422, 403, 422), {"period": "2025-01"}),
    "export_sie": (row(401, 403, 403, 422, 403, 422), {"from": "2025-01-01", "to": "2025-01-31"}),
    "export_salary_payments": (row(401, 403, 403, 404, 403, 404), {"run_id": 999_999}),
    "list_export_batches": (OFFICE_READ, None),
    "download_export_batch": (row(401, 403, 403, 404, 403, 404), None),
    "get_treasurer_overview": (OFFICE_READ, None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "export_agi": AUDITOR_REFUSED,
    "export_sie": AUDITOR_REFUSED,  # a stored file and an audit event: the treasurer's act
    "export_salary_payments": AUDITOR_REFUSED,
    "list_export_batches": AUDITOR_READS,
    "download_export_batch": 404,  # let through; no batch is made in this setup
    "get_treasurer_overview": AUDITOR_READS,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()
QUERIES = {"get_treasurer_overview": "?month=2026-11"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, make_user, make_member, cooperative, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    method, template = OPERATIONS[operation_id]
    path = template.format(batch_id=999_999) + QUERIES.get(operation_id, "")
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

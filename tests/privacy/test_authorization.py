"""R1 for the member data export (see tests/authz.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.authz import (
    AUDITOR_REFUSED,
    OWNER_OR_OFFICE,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)

EXPECTATIONS: dict[str, Expectation] = {
    "export_member_data": (OWNER_OR_OFFICE, None),
    # The member in the matrix has not left: an admin gets as far as the 409.
    "pseudonymise_member": (row(401, 403, 403, 403, 403, 409), None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "export_member_data": AUDITOR_REFUSED,  # unmasked: for the member's own request
    "pseudonymise_member": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, make_user, make_member, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    method, template = OPERATIONS[operation_id]
    statuses, body = EXPECTATIONS[operation_id]
    path = template.format(member_id=actors.member.member.id)
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

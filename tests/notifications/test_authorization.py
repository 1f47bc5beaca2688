"""R1 for the notification preferences (see tests/authz.py): everyone signed in has her own."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.authz import (
    AUDITOR_READS,
    EVERYONE,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    with_auditor,
)

EXPECTATIONS: dict[str, Expectation] = {
    "my_notifications": (EVERYONE, None),
    "choose_notifications": (EVERYONE, {"notifications": {"vote_opened": False}}),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "my_notifications": AUDITOR_READS,
    "choose_notifications": AUDITOR_READS,  # her own notices: her own act
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

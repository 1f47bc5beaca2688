"""R1 for employments, the SÄVA counter and the arbetsgivarintyg (see tests/authz.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.schemas import AssignmentCreate
from kooperativet.employments import service
from tests.assignments.factories import assignment_body
from tests.authz import (
    AUDITOR_READS,
    EVERYONE,
    OWNER_OR_OFFICE,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    with_auditor,
)

EXPECTATIONS: dict[str, Expectation] = {
    "list_employments": (EVERYONE, None),
    "get_employment": (OWNER_OR_OFFICE, None),
    "download_employment_certificate": (OWNER_OR_OFFICE, None),
    "get_save_counter": (OWNER_OR_OFFICE, None),
    "get_employer_certificate": (OWNER_OR_OFFICE, None),
    "download_employer_certificate": (OWNER_OR_OFFICE, None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "list_employments": AUDITOR_READS,
    "get_employment": AUDITOR_READS,
    "download_employment_certificate": AUDITOR_READS,
    "get_save_counter": AUDITOR_READS,
    "get_employer_certificate": AUDITOR_READS,
    "download_employer_certificate": AUDITOR_READS,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, session, make_user, make_member, cooperative, client_record, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    data = AssignmentCreate.model_validate(assignment_body(client_record.id))
    assignment = assignments_service.create_assignment(session, data=data, actor=actors.member.user)
    assignments_service.submit_assignment(
        session, assignment=assignment, version=1, actor=actors.member.user, now=NOW
    )
    employment = service.approve_assignment(
        session,
        assignment=assignment,
        version=2,
        actor=actors.treasurer.user,
        confirm_warnings=True,
        today=date(2026, 3, 2),
        now=NOW,
    )
    method, template = OPERATIONS[operation_id]
    path = template.format(employment_id=employment.id, member_id=actors.member.member.id)
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

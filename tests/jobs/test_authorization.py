"""R1 for the office's jobs endpoints (see tests/authz.py): the treasurer and the admin only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from kooperativet.jobs.models import Job, JobState
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

OFFICE_ONLY = row(401, 403, 403, 200, 403, 200)

EXPECTATIONS: dict[str, Expectation] = {
    "list_jobs": (OFFICE_ONLY, None),
    "retry_job": (OFFICE_ONLY, None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "list_jobs": AUDITOR_READS,
    "retry_job": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, session, make_user, make_member, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    when = datetime(2026, 11, 30, tzinfo=UTC)
    job = Job(
        kind="send_mail", payload={}, state=JobState.failed, attempts=8, run_after=when, created_at=when
    )
    session.add(job)
    session.flush()
    method, template = OPERATIONS[operation_id]
    statuses, body = EXPECTATIONS[operation_id]
    path = template.format(job_id=job.id)
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

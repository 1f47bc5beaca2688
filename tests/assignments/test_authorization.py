"""R1 for assignments, expenses and receipts (see tests/authz.py).

"member" owns a draft with one expense and its receipt, and a submitted assignment (for approve and reject).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kooperativet.assignments import service
from kooperativet.assignments.schemas import AssignmentCreate
from tests.assignments.factories import PNG, assignment_body
from tests.authz import (
    AUDITOR_READS,
    AUDITOR_REFUSED,
    EVERYONE,
    OWNER_OR_OFFICE,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)

OWN_DRAFT_ONLY = row(401, 200, 404, 403, 404, 403)
NEW_EXPENSE = {"spent_on": "2026-10-06", "description": "Buss", "amount": "39.00", "vat_rate": "6"}

EXPECTATIONS: dict[str, Expectation] = {
    "list_assignments": (EVERYONE, None),
    "create_assignment": (row(401, 201, 201, 403, 403, 403), {"client_id": "client"}),
    "get_assignment": (OWNER_OR_OFFICE, None),
    "update_assignment": (OWN_DRAFT_ONLY, {"version": 1, "title": "Ny titel"}),
    "submit_assignment": (OWN_DRAFT_ONLY, {"version": 1}),
    "approve_assignment": (row(401, 403, 404, 200, 404, 200), {"version": 2}),
    "reject_assignment": (row(401, 403, 404, 200, 404, 200), {"version": 2, "reason": "Fel period"}),
    "cancel_assignment": (row(401, 200, 404, 200, 404, 200), {"version": 1}),
    "add_expense": (row(401, 201, 404, 403, 404, 403), NEW_EXPENSE),
    "remove_expense": (row(401, 204, 404, 403, 404, 403), None),
    "upload_receipt": (row(401, 201, 404, 403, 404, 403), None),
    "download_receipt": (OWNER_OR_OFFICE, None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "list_assignments": AUDITOR_READS,
    "create_assignment": AUDITOR_REFUSED,
    "get_assignment": AUDITOR_READS,
    "update_assignment": AUDITOR_REFUSED,
    "submit_assignment": AUDITOR_REFUSED,
    "approve_assignment": AUDITOR_REFUSED,
    "reject_assignment": AUDITOR_REFUSED,
    "cancel_assignment": AUDITOR_REFUSED,
    "add_expense": AUDITOR_REFUSED,
    "remove_expense": AUDITOR_REFUSED,
    "upload_receipt": AUDITOR_REFUSED,
    "download_receipt": AUDITOR_READS,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)
ON_SUBMITTED = {"approve_assignment", "reject_assignment"}

OPERATIONS = operations()
NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, session, make_user, make_member, cooperative, client_record, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    owner = actors.member.user
    data = AssignmentCreate.model_validate(assignment_body(client_record.id))
    draft = service.create_assignment(session, data=data, actor=owner)
    expense = draft.expenses[0]
    service.attach_receipt(
        session, assignment=draft, expense_id=expense.id, filename="k.png", content=PNG, actor=owner
    )
    submitted = service.create_assignment(session, data=data, actor=owner)
    service.submit_assignment(session, assignment=submitted, version=1, actor=owner, now=NOW)
    method, template = OPERATIONS[operation_id]
    path = template.format(
        assignment_id=(submitted if operation_id in ON_SUBMITTED else draft).id, expense_id=expense.id
    )
    statuses, body = EXPECTATIONS[operation_id]
    if operation_id == "upload_receipt":
        response = api.post(path, files={"file": ("k.png", PNG, "image/png")}, headers=actors.headers(role))
        assert response.status_code == statuses[role], f"{path} as {role}: {response.text}"
        return
    check(
        api,
        actors,
        role,
        method=method,
        path=path,
        body=_resolve(body, client_record.id),
        expected=statuses[role],
    )


def _resolve(body: dict[str, Any] | None, client_id: int) -> dict[str, Any] | None:
    if body is not None and body.get("client_id") == "client":
        return assignment_body(client_id)
    return body

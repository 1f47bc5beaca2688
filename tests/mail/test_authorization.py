"""R1 for the office's view of sent mail (see tests/authz.py): the treasurer and the admin only, since the
messages hold every member's address and what the cooperative told them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kooperativet.mail import queue_mail
from kooperativet.mail.models import MailState
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
    "list_mail": (OFFICE_ONLY, None),
    "get_mail": (OFFICE_ONLY, None),
    "send_again": (OFFICE_ONLY, None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "list_mail": AUDITOR_READS,
    "get_mail": AUDITOR_READS,
    "send_again": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, session, make_user, make_member, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    message = queue_mail(
        session,
        to="asa@example.org",
        template="test_message",
        language="sv",
        context={"name": "Åsa", "cooperative": "Interim kultur"},
    )
    message.state = MailState.failed  # send_again takes only a failed message
    session.flush()
    method, template = OPERATIONS[operation_id]
    statuses, body = EXPECTATIONS[operation_id]
    path = template.format(mail_id=message.id)
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

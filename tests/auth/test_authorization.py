"""R1 for invitations and password resets (see tests/authz.py). Asking for a reset and using a link need no
login; inviting is for the office."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.authz import (
    AUDITOR_REFUSED,
    ROLES,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)
from tests.mailbox import Mailbox

EVERYONE_ACCEPTED = row(202, 202, 202, 202, 202, 202)
INVITATION = {
    "first_name": "Siv",
    "last_name": "Nyberg",
    "personal_identity_number": "19910704-2385",
    "email": "siv.nyberg@example.se",
    "joined_on": "2026-03-01",
}

EXPECTATIONS: dict[str, Expectation] = {
    "ask_for_password_reset": (EVERYONE_ACCEPTED, {"email": "nobody@example.se"}),
    # An unknown link is refused alike, signed in or not.
    "set_password_with_link": (
        row(400, 400, 400, 400, 400, 400),
        {"token": "x" * 43, "password": "long enough password"},
    ),
    "invite_member": (row(401, 403, 403, 201, 403, 201), INVITATION),
    "send_new_invitation": (row(401, 403, 403, 201, 403, 201), None),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "ask_for_password_reset": 202,  # no login needed: accepted alike for everyone
    "set_password_with_link": 400,  # an unknown link, refused alike
    "invite_member": AUDITOR_REFUSED,
    "send_new_invitation": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, make_user, make_member, mailbox: Mailbox, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    method, template = OPERATIONS[operation_id]
    path = template.format(user_id=actors.member.user.id)
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])

"""R1 for users, members, clients and the cooperative (see tests/authz.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.parties.models import Client, ClientKind
from tests.authz import (
    ADMIN_ONLY,
    AUDITOR_READS,
    AUDITOR_REFUSED,
    EVERYONE,
    OWNER_OR_OFFICE,
    ROLES,
    TREASURER_WRITE,
    Actors,
    Expectation,
    check,
    operations,
    row,
    with_auditor,
)

NEW_MEMBER = {
    "first_name": "Nils",
    "last_name": "Ny",
    "personal_identity_number": "19850131-5678",
    "joined_on": "2026-01-01",
}
NEW_USER = {"email": "new@example.se", "full_name": "New Person", "password": "long enough password"}

EXPECTATIONS: dict[str, Expectation] = {
    "read_me": (EVERYONE, None),
    "revoke_token": (row(401, 404, 404, 404, 404, 404), {"refresh_token": "x" * 40}),
    "change_password": (
        row(401, 422, 422, 422, 422, 422),
        {"current_password": "wrong one", "new_password": "a new password!"},
    ),
    "list_users": (ADMIN_ONLY, None),
    "create_user": (row(401, 403, 403, 403, 403, 201), NEW_USER),
    "get_user": (ADMIN_ONLY, None),
    "update_user": (ADMIN_ONLY, {"version": 1, "full_name": "Renamed"}),
    "get_cooperative": (EVERYONE, None),
    "update_cooperative": (ADMIN_ONLY, {"version": 1, "city": "Lund"}),
    "list_members": (EVERYONE, None),
    "create_member": (TREASURER_WRITE, NEW_MEMBER),
    "get_own_member": (row(401, 200, 200, 404, 404, 404), None),
    "get_member": (OWNER_OR_OFFICE, None),
    "update_member": (OWNER_OR_OFFICE, {"version": 1, "city": "Lund"}),
    "confirm_bank_account": (row(401, 409, 404, 409, 404, 409), {"version": 1}),
    "list_tax_settings": (OWNER_OR_OFFICE, None),
    "add_tax_setting": (TREASURER_WRITE, {"valid_from": "2026-07-01"}),
    "list_clients": (EVERYONE, None),
    "create_client": (TREASURER_WRITE, {"name": "Ny kund AB"}),
    "get_client": (EVERYONE, None),
    "update_client": (row(401, 403, 403, 200, 403, 200), {"version": 1, "name": "Renamed AB"}),
    "list_parameters": (EVERYONE, None),
    "get_parameter": (EVERYONE, None),
    "add_parameter_value": (
        row(401, 403, 403, 403, 403, 201),
        {"valid_from": "2031-01-01", "value": "0.05", "source": "test"},
    ),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
AUDITOR: dict[str, int] = {
    "read_me": AUDITOR_READS,
    "revoke_token": 404,  # her own token: her own act
    "change_password": 422,  # her own password: her own act
    "list_users": AUDITOR_REFUSED,  # the admin's
    "create_user": AUDITOR_REFUSED,
    "get_user": AUDITOR_REFUSED,
    "update_user": AUDITOR_REFUSED,
    "get_cooperative": AUDITOR_READS,
    "update_cooperative": AUDITOR_REFUSED,
    "list_members": AUDITOR_READS,
    "create_member": AUDITOR_REFUSED,
    "get_own_member": 404,  # no member record of her own
    "get_member": AUDITOR_READS,
    "update_member": AUDITOR_REFUSED,
    "confirm_bank_account": AUDITOR_REFUSED,  # refused before anything else is checked
    "list_tax_settings": AUDITOR_READS,
    "add_tax_setting": AUDITOR_REFUSED,
    "list_clients": AUDITOR_READS,
    "create_client": AUDITOR_REFUSED,
    "get_client": AUDITOR_READS,
    "update_client": AUDITOR_REFUSED,
    "list_parameters": AUDITOR_READS,
    "get_parameter": AUDITOR_READS,
    "add_parameter_value": AUDITOR_REFUSED,
}
EXPECTATIONS = with_auditor(EXPECTATIONS, AUDITOR)

OPERATIONS = operations()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, make_user, make_member, cooperative, client_record, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    method, template = OPERATIONS[operation_id]
    path = template.format(
        member_id=actors.member.member.id,
        user_id=actors.member.user.id,
        client_id=client_record.id,
        key="fee_rate",
    )
    statuses, body = EXPECTATIONS[operation_id]
    check(api, actors, role, method=method, path=path, body=body, expected=statuses[role])


#: A client who is a private person: "member" has an assignment for her, "other_member" and the board do not.
PRIVATE_CLIENT_EXPECTATIONS: dict[str, Expectation] = {
    "get_client": (OWNER_OR_OFFICE, None),
    "update_client": (row(401, 403, 403, 200, 403, 200), {"version": 1, "city": "Lund"}),
}

#: The auditor (revisor): reads what the office reads, acts on nothing (docs/separation-of-duties.md).
PRIVATE_CLIENT_AUDITOR: dict[str, int] = {
    "get_client": AUDITOR_READS,
    "update_client": AUDITOR_REFUSED,
}
PRIVATE_CLIENT_EXPECTATIONS = with_auditor(PRIVATE_CLIENT_EXPECTATIONS, PRIVATE_CLIENT_AUDITOR)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(PRIVATE_CLIENT_EXPECTATIONS))
def test_a_private_person_client_meets_its_expectation_for_role(
    api: TestClient, session: Session, make_user, make_member, operation_id: str, role: str
) -> None:
    actors = Actors.make(make_user, make_member)
    client = Client(name="Petra Privat", kind=ClientKind.person)
    session.add(client)
    session.flush()
    session.add(
        Assignment(
            member_id=actors.member.member.id,
            client_id=client.id,
            title="Bröllopsmusik",
            period_start=date(2026, 6, 6),
            period_end=date(2026, 6, 6),
            extent_quantity=Decimal("1"),
            extent_unit=ExtentUnit.days,
        )
    )
    session.flush()
    method, template = OPERATIONS[operation_id]
    statuses, body = PRIVATE_CLIENT_EXPECTATIONS[operation_id]
    check(
        api,
        actors,
        role,
        method=method,
        path=template.format(client_id=client.id),
        body=body,
        expected=statuses[role],
    )

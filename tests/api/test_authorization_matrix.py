"""R1: every operation × every role has a stated expectation, and the API meets it.

A new endpoint fails ``test_every_operation_has_an_expectation`` until its row is added here. Paths with
ids point at the records of the member called "member"; "other member" is a second member asking for them,
who must get 404 (existence is not disclosed), never the data.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kooperativet.auth.models import Role
from kooperativet.config import Settings
from kooperativet.main import create_app

ROLES = ("anonymous", "member", "other_member", "treasurer", "board", "admin")
PUBLIC = {
    "health": "liveness probe",
    "issue_token": "the login itself",
    "refresh_token": "authenticates by the refresh token in its body",
}


def row(
    anonymous: int, member: int, other_member: int, treasurer: int, board: int, admin: int
) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, member, other_member, treasurer, board, admin), strict=True))


EVERYONE = row(401, 200, 200, 200, 200, 200)
ADMIN_ONLY = row(401, 403, 403, 403, 403, 200)
OWNER_OR_OFFICE = row(401, 200, 404, 200, 404, 200)
TREASURER_WRITE = row(401, 403, 403, 201, 403, 201)

NEW_MEMBER = {
    "first_name": "Nils",
    "last_name": "Ny",
    "personal_identity_number": "19850131-5678",
    "joined_on": "2026-01-01",
}
NEW_USER = {"email": "new@example.se", "full_name": "New Person", "password": "long enough password"}

EXPECTATIONS: dict[str, tuple[dict[str, int], dict[str, Any] | None]] = {
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


def operations() -> dict[str, tuple[str, str]]:
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }


OPERATIONS = operations()


def test_every_operation_has_an_expectation() -> None:
    assert set(OPERATIONS) == set(EXPECTATIONS) | set(PUBLIC)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation_id", sorted(EXPECTATIONS))
def test_operation_meets_its_expectation_for_role(
    api: TestClient, make_user, make_member, cooperative, client_record, operation_id: str, role: str
) -> None:
    owner = make_member()
    actors = {
        "member": owner,
        "other_member": make_member(),
        "treasurer": make_user(Role.treasurer),
        "board": make_user(Role.board),
        "admin": make_user(Role.admin),
    }
    method, template = OPERATIONS[operation_id]
    path = template.format(
        member_id=owner.member.id, user_id=owner.user.id, client_id=client_record.id, key="fee_rate"
    )
    expected, body = EXPECTATIONS[operation_id]
    headers = actors[role].headers if role in actors else {}
    response = api.request(method, path, json=body, headers=headers)
    assert response.status_code == expected[role], f"{method} {path} as {role}: {response.text}"
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"

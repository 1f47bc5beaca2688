"""The auditor's (revisor's) login: made like any other by the admin (API, web, CLI), never on one login with
the treasurer's or the admin's role, and reading the member register masked (docs/separation-of-duties.md,
"The auditor")."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role, User
from kooperativet.cli import app
from tests.cli.test_cli import env_for, runner

NEW_LOGIN = {"email": "rut@example.se", "full_name": "Rut Revisor", "password": "long enough pw"}


def test_the_admin_makes_an_auditor_login_and_it_reads_the_office_s_records(
    api: TestClient, make_user, make_member
) -> None:
    admin = make_user(Role.admin)
    created = api.post("/api/v1/users", json={**NEW_LOGIN, "roles": ["auditor"]}, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.json()["roles"] == ["auditor"]
    token = api.post(
        "/api/v1/auth/token", data={"username": NEW_LOGIN["email"], "password": NEW_LOGIN["password"]}
    ).json()["access_token"]
    auditor = {"Authorization": f"Bearer {token}"}
    make_member()
    assert api.get("/api/v1/members", headers=auditor).json()["total"] == 1
    assert api.get("/api/v1/payroll-runs", headers=auditor).status_code == 200
    assert api.post("/api/v1/clients", json={"name": "X"}, headers=auditor).status_code == 403


@pytest.mark.parametrize("office_role", ["treasurer", "admin", "board"])
def test_the_auditor_s_role_is_refused_beside_an_office_role_by_the_roles_field(
    api: TestClient, session: Session, make_user, office_role: str
) -> None:
    admin = make_user(Role.admin)
    refused = api.post(
        "/api/v1/users", json={**NEW_LOGIN, "roles": ["auditor", office_role]}, headers=admin.headers
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "auditor_in_office"
    assert problem["field"] == "roles"
    assert "cannot also be a treasurer, an admin or a board member" in problem["detail"]
    assert session.scalar(select(func.count(User.id)).where(User.email == NEW_LOGIN["email"])) == 0


def test_an_auditor_login_is_not_given_an_office_role_later_and_keeps_its_roles(
    api: TestClient, make_user
) -> None:
    admin, auditor = make_user(Role.admin), make_user(Role.auditor, Role.member)
    path = f"/api/v1/users/{auditor.user.id}"
    refused = api.patch(path, json={"version": 1, "roles": ["auditor", "treasurer"]}, headers=admin.headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "auditor_in_office"
    assert api.get(path, headers=admin.headers).json()["roles"] == ["auditor", "member"]
    # Nor a seat on the board, whose administration she reviews (8 kap. 19 §).
    board = api.patch(
        path, json={"version": 1, "roles": ["auditor", "member", "board"]}, headers=admin.headers
    )
    assert board.status_code == 422
    assert board.json()["code"] == "auditor_in_office"
    # Being a member is hers to have: a member of the association may be its auditor.
    assert api.get(path, headers=admin.headers).json()["roles"] == ["auditor", "member"]


def test_the_auditor_reads_a_member_s_record_masked_and_the_treasurer_unmasked(
    api: TestClient, make_user, make_member
) -> None:
    member, treasurer, auditor = make_member(), make_user(Role.treasurer), make_user(Role.auditor)
    path = f"/api/v1/members/{member.member.id}"
    full = api.get(path, headers=treasurer.headers).json()
    assert full["personal_identity_number"] == member.member.personal_identity_number
    assert full["bank_account_number"] == "123456789"
    masked = api.get(path, headers=auditor.headers).json()
    assert masked["personal_identity_number"] == member.member.personal_identity_number[:8] + "-****"
    assert masked["bank_account_number"] == "****6789"
    assert masked["bank_clearing_number"] == "6000"
    assert {
        k: v for k, v in masked.items() if k not in {"personal_identity_number", "bank_account_number"}
    } == {k: v for k, v in full.items() if k not in {"personal_identity_number", "bank_account_number"}}
    # Her own record, when she is also a member, she reads in full like any member.
    both = make_member(Role.auditor)
    own = api.get(f"/api/v1/members/{both.member.id}", headers=both.headers).json()
    assert own["personal_identity_number"] == both.member.personal_identity_number
    # The unmasked data export answers a member's own request: not the auditor's.
    assert api.get(f"{path}/data-export", headers=auditor.headers).status_code == 403
    assert api.get(f"{path}/data-export", headers=treasurer.headers).status_code == 200


def test_an_auditor_who_is_a_member_changes_her_own_record_and_nobody_else_s(
    api: TestClient, make_member
) -> None:
    auditor, other = make_member(Role.auditor), make_member()
    own = api.patch(
        f"/api/v1/members/{auditor.member.id}",
        json={"version": 1, "phone": "070-111 22 33"},
        headers=auditor.headers,
    )
    assert own.status_code == 200, own.text
    refused = api.patch(
        f"/api/v1/members/{other.member.id}",
        json={"version": 1, "phone": "070-111 22 33"},
        headers=auditor.headers,
    )
    assert refused.status_code == 403
    assert api.get(f"/api/v1/members/{other.member.id}", headers=auditor.headers).json()["phone"] is None


def test_the_command_line_makes_an_auditor_and_refuses_one_with_an_office_role(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    runner.invoke(app, ["db", "upgrade"], env=env)
    args = ["create-user", "--email", "rut@example.se", "--name", "Rut", "--password", "a long password"]
    refused = runner.invoke(app, [*args, "--role", "auditor", "--role", "admin"], env=env)
    assert refused.exit_code == 1
    refusal = "error: the auditor's login cannot also be a treasurer, an admin or a board member"
    assert refusal in refused.output
    made = runner.invoke(app, [*args, "--role", "auditor"], env=env)
    assert made.exit_code == 0, made.output
    assert "(auditor)" in made.output

"""Who gave a login a role, disabled it or set its password, and who added a rate, is in the audit chain:
through the API, the web's administration, the office's member registration and the command line."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import verify
from kooperativet.auth.models import Role, User
from kooperativet.cli import app as cli
from kooperativet.parameters import service as parameters
from tests.cli.test_cli import env_for
from tests.web.conftest import form_token, sign_in

NEW_USER = ["create-user", "--email", "k@example.se", "--name", "Karin", "--password", "a long password"]


def events(session: Session, kind: str) -> list[dict[str, object]]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(row.payload) for row in rows]


def test_a_login_made_and_changed_over_the_api_is_recorded_with_who_did_it(
    api: TestClient, make_user, session: Session
) -> None:
    admin = make_user(Role.admin)
    created = api.post(
        "/api/v1/users",
        json={"email": "ny@example.se", "full_name": "Ny", "password": "long enough pw", "roles": ["member"]},
        headers=admin.headers,
    ).json()
    assert events(session, "login_created") == [
        {
            "user_id": created["id"],
            "by_user_id": admin.user.id,
            "roles": ["member"],
            "active": True,
            "password_set": True,
        }
    ]
    changed = api.patch(
        f"/api/v1/users/{created['id']}",
        json={"version": 1, "roles": ["member", "treasurer"], "is_active": False},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    assert events(session, "login_changed") == [
        {
            "user_id": created["id"],
            "by_user_id": admin.user.id,
            "roles": {"before": ["member"], "after": ["member", "treasurer"]},
            "active": {"before": True, "after": False},
        }
    ]
    assert verify(session).ok


def test_a_change_that_changes_nothing_records_nothing_and_a_refused_one_neither(
    api: TestClient, make_user, session: Session
) -> None:
    admin, member = make_user(Role.admin), make_user(Role.member)
    same = api.patch(
        f"/api/v1/users/{member.user.id}", json={"version": 1, "roles": ["member"]}, headers=admin.headers
    )
    assert same.status_code == 200
    last_admin = api.patch(
        f"/api/v1/users/{admin.user.id}", json={"version": 1, "roles": ["member"]}, headers=admin.headers
    )
    assert last_admin.status_code == 409
    assert events(session, "login_changed") == []


def test_a_password_set_by_the_admin_is_recorded_but_not_the_password(
    api: TestClient, make_user, session: Session
) -> None:
    admin, member = make_user(Role.admin), make_user(Role.member)
    answer = api.patch(
        f"/api/v1/users/{member.user.id}",
        json={"version": 1, "password": "a brand new secret", "full_name": "Nytt Namn"},
        headers=admin.headers,
    )
    assert answer.status_code == 200
    [payload] = events(session, "login_changed")
    assert payload == {
        "user_id": member.user.id,
        "by_user_id": admin.user.id,
        "name_changed": True,
        "password_set": True,
    }
    assert "a brand new secret" not in str(payload)
    assert "Nytt Namn" not in str(payload)


def test_roles_changed_on_the_web_are_recorded_with_the_admin(app, make_user, session) -> None:
    browser_client = TestClient(app, follow_redirects=False)
    admin = make_user(Role.admin, email="ada@example.se")
    sign_in(browser_client, admin.user.email)
    other = make_user(Role.member)
    page = f"/admin/users/{other.user.id}"
    token = form_token(browser_client.get(page).text)
    answer = browser_client.post(
        page,
        data={
            "version": other.user.version,
            "full_name": "Test Person",
            "roles": ["member", "board"],
            "is_active": "1",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 303
    assert events(session, "login_changed") == [
        {
            "user_id": other.user.id,
            "by_user_id": admin.user.id,
            "roles": {"before": ["member"], "after": ["board", "member"]},
        }
    ]
    token = form_token(browser_client.get("/admin/users/new").text)
    created = browser_client.post(
        "/admin/users/new",
        data={
            "email": "kassor@example.se",
            "full_name": "Karin Kassör",
            "password": "ett långt lösenord",
            "roles": ["treasurer"],
            "is_active": "1",
            "csrf_token": token,
        },
    )
    assert created.status_code == 303
    new_id = session.scalar(select(User.id).where(User.email == "kassor@example.se"))
    assert events(session, "login_created")[-1]["user_id"] == new_id
    assert events(session, "login_created")[-1]["by_user_id"] == admin.user.id


def test_a_user_made_at_the_command_line_is_recorded_with_no_acting_login(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    assert CliRunner().invoke(cli, ["db", "upgrade"], env=env).exit_code == 0
    made = CliRunner().invoke(
        cli,
        [*NEW_USER, "--role", "treasurer"],
        env=env,
    )
    assert made.exit_code == 0, made.output
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        kinds = db.execute("SELECT kind, payload FROM audit_events ORDER BY id").fetchall()
    created = [json.loads(payload) for kind, payload in kinds if kind == "login_created"]
    assert [(p["roles"], p["by_user_id"]) for p in created] == [(["admin"], None), (["treasurer"], None)]


def test_a_parameter_value_is_recorded_with_its_source_and_who_added_it(
    api: TestClient, make_user, session: Session
) -> None:
    parameters.seed_defaults(session)
    admin = make_user(Role.admin)
    answer = api.post(
        "/api/v1/parameters/fee_rate/values",
        json={"valid_from": "2031-01-01", "value": "0.055", "source": "Årsmötet 2030, § 12"},
        headers=admin.headers,
    )
    assert answer.status_code == 201, answer.text
    [payload] = events(session, "parameter_value_added")[-1:]
    assert payload == {
        "parameter_value_id": answer.json()["id"],
        "key": "fee_rate",
        "valid_from": "2031-01-01",
        "value": "0.055",
        "source": "Årsmötet 2030, § 12",
        "decision_reference": None,
        "by_user_id": admin.user.id,
    }
    in_force = parameters.value_in_force(session, key="fee_rate", on=date(2031, 1, 1))
    assert Decimal(in_force.value) == Decimal("0.055")
    assert verify(session).ok

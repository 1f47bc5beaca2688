"""Separation of duties (R12): an officer who is also a member does not decide on her own commission."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kooperativet.assignments.duties import is_own_work, refuse_own_work
from kooperativet.auth.models import Role
from kooperativet.errors import Conflict
from kooperativet.parties.models import Member
from tests.assignments.factories import approve, assignment_body, register, submit


def test_work_is_own_only_for_the_login_linked_to_the_member() -> None:
    member = Member(id=3, user_id=7)
    assert is_own_work(actor_id=7, worker=member)
    assert not is_own_work(actor_id=8, worker=member)
    assert not is_own_work(actor_id=7, worker=Member(id=4, user_id=None))


def test_refusing_own_work_is_a_409_naming_the_act_and_the_member() -> None:
    with pytest.raises(Conflict) as refused:
        refuse_own_work(actor_id=7, worker=Member(id=3, user_id=7), act="approve assignment 12")
    assert refused.value.code == "own_work"
    assert refused.value.detail.startswith("you cannot approve assignment 12: it is your own work (member 3)")
    assert "another treasurer or an admin" in refused.value.detail
    refuse_own_work(actor_id=8, worker=Member(id=3, user_id=7), act="approve assignment 12")


@pytest.mark.parametrize("role", [Role.treasurer, Role.admin])
def test_nobody_approves_her_own_assignment_but_another_treasurer_does(
    api: TestClient, make_member, make_user, cooperative, client_record, role: Role
) -> None:
    officer = make_member(role)
    submitted = submit(
        api, officer.headers, register(api, officer.headers, assignment_body(client_record.id))
    )

    refused = api.post(
        f"/api/v1/assignments/{submitted['id']}/approve",
        json={"version": submitted["version"], "confirm_warnings": True},
        headers=officer.headers,
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "own_work"
    assert f"approve assignment {submitted['id']}" in refused.json()["detail"]
    assert api.get(f"/api/v1/assignments/{submitted['id']}", headers=officer.headers).json()["status"] == (
        "submitted"
    )

    approved = approve(api, make_user(Role.treasurer).headers, submitted, confirm=True)
    assert approved["status"] == "approved"


def test_nobody_rejects_her_own_assignment(api: TestClient, make_member, make_user, client_record) -> None:
    treasurer = make_member(Role.treasurer)
    submitted = submit(
        api, treasurer.headers, register(api, treasurer.headers, assignment_body(client_record.id))
    )
    body = {"version": submitted["version"], "reason": "Fel period"}

    refused = api.post(f"/api/v1/assignments/{submitted['id']}/reject", json=body, headers=treasurer.headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "own_work"

    other = make_user(Role.admin)
    rejected = api.post(f"/api/v1/assignments/{submitted['id']}/reject", json=body, headers=other.headers)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"

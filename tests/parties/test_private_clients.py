"""A client who is a private person is seen only by the office and by the members who work for her."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.parties.models import Client, ClientKind
from tests.assignments.factories import assignment_body, register

PRIVATE_PERSON = {"name": "Petra Privat", "kind": "person", "personal_identity_number": "19560302-2343"}


@pytest.fixture
def private_person(session: Session) -> Client:
    client = Client(name="Petra Privat", kind=ClientKind.person, personal_identity_number="195603022343")
    session.add(client)
    session.flush()
    return client


def client_names(api: TestClient, headers: dict[str, str], **query: Any) -> list[str]:
    response = api.get("/api/v1/clients", params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == len(response.json()["items"])
    return [item["name"] for item in response.json()["items"]]


def test_a_private_person_is_registered_without_an_organisation_number(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post("/api/v1/clients", json=PRIVATE_PERSON, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["organisation_number"]) == ("person", None)
    refused = api.post(
        "/api/v1/clients",
        json={**PRIVATE_PERSON, "organisation_number": "212000-1124"},
        headers=treasurer.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "organisation_number"


def test_the_office_lists_and_reads_every_client(
    api: TestClient, make_user, client_record, private_person
) -> None:
    for role in (Role.treasurer, Role.admin):
        headers = make_user(role).headers
        assert client_names(api, headers) == ["Malmö stad", "Petra Privat"]
        assert api.get(f"/api/v1/clients/{private_person.id}", headers=headers).status_code == 200


def test_a_member_who_does_not_work_for_a_private_person_neither_lists_nor_reads_her(
    api: TestClient, make_member, make_user, client_record, private_person
) -> None:
    for actor in (make_member(), make_user(Role.board)):
        assert client_names(api, actor.headers) == ["Malmö stad"]
        assert client_names(api, actor.headers, q="privat") == []
        hidden = api.get(f"/api/v1/clients/{private_person.id}", headers=actor.headers)
        assert hidden.status_code == 404
        assert hidden.json()["detail"] == f"client {private_person.id} does not exist"
        assert api.get(f"/api/v1/clients/{client_record.id}", headers=actor.headers).status_code == 200


def test_a_member_who_works_for_a_private_person_lists_and_reads_her(
    api: TestClient, make_member, client_record
) -> None:
    member = make_member()
    assignment = register(api, member.headers, assignment_body(None, client=PRIVATE_PERSON))

    assert client_names(api, member.headers) == ["Malmö stad", "Petra Privat"]
    read = api.get(f"/api/v1/clients/{assignment['client_id']}", headers=member.headers)
    assert read.status_code == 200, read.text
    assert read.json()["kind"] == "person"
    other = make_member()
    assert client_names(api, other.headers) == ["Malmö stad"]
    assert api.get(f"/api/v1/clients/{assignment['client_id']}", headers=other.headers).status_code == 404


def test_a_member_cannot_reveal_a_private_person_by_naming_her_in_an_assignment(
    api: TestClient, make_member, private_person
) -> None:
    member = make_member()
    response = api.post(
        "/api/v1/assignments", json=assignment_body(private_person.id), headers=member.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == f"client {private_person.id} does not exist"
    assert response.json()["errors"][0]["field"] == "client_id"
    assert api.get(f"/api/v1/clients/{private_person.id}", headers=member.headers).status_code == 404

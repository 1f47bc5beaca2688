"""Members at their edges: a personnummer that gives a date of birth after joining, and two changes of one
member made from the same version at once (only one is saved; the other is told, never silently lost)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from kooperativet.auth.models import Role, User, UserRole
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.errors import Conflict
from kooperativet.parties import service
from kooperativet.parties.models import Member
from kooperativet.parties.schemas import MemberUpdate
from tests.conftest import TEST_AUDIT_KEY


def _new_member(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "first_name": "Anna",
        "last_name": "Andersson",
        "personal_identity_number": "19850131-5678",
        "joined_on": "2026-01-01",
    }
    body.update(overrides)
    return body


def test_a_personnummer_that_gives_a_birth_after_joining_is_refused_by_its_field(
    api: TestClient, make_user
) -> None:
    """Luhn-valid and a real calendar date, but 2099: nobody joins before being born, and the employer
    contribution rates would be chosen by a birth year ahead."""
    treasurer = make_user(Role.treasurer)
    response = api.post(
        "/api/v1/members",
        json=_new_member(personal_identity_number="20990101-0000"),
        headers=treasurer.headers,
    )
    assert response.status_code == 422, response.text
    assert (response.json()["code"], response.json()["field"]) == (
        "born_after_joining",
        "personal_identity_number",
    )
    created = api.post("/api/v1/members", json=_new_member(), headers=treasurer.headers)
    assert created.status_code == 201, created.text
    changed = api.patch(
        f"/api/v1/members/{created.json()['id']}",
        json={"version": created.json()["version"], "personal_identity_number": "20990101-0000"},
        headers=treasurer.headers,
    )
    assert (changed.status_code, changed.json()["code"]) == (422, "born_after_joining")


def test_two_changes_made_from_the_same_version_at_once_accept_only_one(committed_url) -> None:
    """README: "Updates carry the version you read; a stale one is refused with 409 version_conflict"."""
    engine = make_engine(committed_url)
    factory = make_session_factory(engine, audit_key=TEST_AUDIT_KEY)
    try:
        with transaction(factory) as session:
            users = []
            for index in range(2):
                user = User(email=f"kassor{index}@example.se", full_name="Karin Kassör", password_hash="x")
                user.role_rows = [UserRole(role=Role.treasurer)]
                users.append(user)
            member = Member(
                first_name="Mia",
                last_name="Medlem",
                personal_identity_number="199005141230",
                birth_date=date(1990, 5, 14),
                joined_on=date(2025, 1, 1),
            )
            session.add_all([*users, member])
            session.flush()
            user_ids, member_id = [u.id for u in users], member.id

        read = threading.Event()
        outcomes: dict[str, str] = {}

        def change(user_id: int, last_name: str, first: bool) -> None:
            try:
                with transaction(factory) as session:
                    member = session.get_one(Member, member_id)  # both read version 1
                    if first:
                        read.wait(10)
                    else:
                        read.set()
                        time.sleep(0.5)  # the first commits its change meanwhile
                    service.update_member(
                        session,
                        member=member,
                        update=MemberUpdate(version=1, last_name=last_name),
                        actor=session.get_one(User, user_id),
                        now=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
                    )
                outcomes[last_name] = "saved"
            except Conflict as exc:
                outcomes[last_name] = exc.code if hasattr(exc, "code") else "conflict"

        threads = [
            threading.Thread(target=change, args=(user_ids[0], "Första", True)),
            threading.Thread(target=change, args=(user_ids[1], "Andra", False)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with transaction(factory) as session:
            stored = session.get_one(Member, member_id)
            version, last_name = stored.version, stored.last_name
    finally:
        engine.dispose()

    # Both were made from version 1: one is saved (version 2), the other is refused, never silently lost.
    assert sorted(outcomes.values()) == ["saved", "version_conflict"], (outcomes, version, last_name)

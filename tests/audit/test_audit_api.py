"""The audit log over the API: its entries a page at a time, newest first, filtered by kind and Swedish days,
and the chain's verification, intact and broken, for the office and the auditor (docs/audit.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import append_event, chain_head
from kooperativet.auth.models import Role
from tests.audit.test_audit_log import disable_guards
from tests.statement_count import counted

EVENTS = "/api/v1/audit/events"
VERIFICATION = "/api/v1/audit/verification"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def auditor(make_user) -> dict[str, str]:
    return make_user(Role.auditor).headers


def appended(session: Session, kind: str, at: datetime, **payload: object) -> AuditEvent:
    return append_event(session, kind=kind, payload=payload, now=at)


def test_the_entries_come_newest_first_a_page_at_a_time_with_their_chain(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    events = [appended(session, "vote_opened", NOW + timedelta(minutes=i), vote_id=i) for i in range(5)]
    first = api.get(EVENTS, params={"kind": "vote_opened", "limit": 2}, headers=auditor).json()
    second = api.get(EVENTS, params={"kind": "vote_opened", "limit": 2, "offset": 2}, headers=auditor).json()
    assert first["total"] == 5
    assert [e["id"] for e in first["items"] + second["items"]] == [e.id for e in reversed(events)][:4]
    newest = first["items"][0]
    assert newest == {
        "id": events[4].id,
        "kind": "vote_opened",
        "payload": {"vote_id": 4},
        "recorded_at": "2026-11-20T12:04:00Z",
        "previous_hash": events[3].hash,
        "hash": events[4].hash,
    }


def test_the_kind_filter_is_exact(api: TestClient, session: Session, auditor: dict[str, str]) -> None:
    appended(session, "vote_opened", NOW, vote_id=1)
    cast = appended(session, "vote_cast", NOW, vote_id=1, member_id=2)
    answer = api.get(EVENTS, params={"kind": "vote_cast"}, headers=auditor).json()
    assert [e["id"] for e in answer["items"] if e["id"] >= cast.id] == [cast.id]
    assert {e["kind"] for e in answer["items"]} == {"vote_cast"}
    assert api.get(EVENTS, params={"kind": "vote"}, headers=auditor).json()["total"] == 0


def test_the_days_are_swedish_days_both_included(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    # 20 November 2026 in Stockholm (UTC+1) runs from 19 November 23:00 to 20 November 23:00 UTC.
    before = appended(session, "day_test", datetime(2026, 11, 19, 22, 59, tzinfo=UTC))
    first = appended(session, "day_test", datetime(2026, 11, 19, 23, 0, tzinfo=UTC))
    last = appended(session, "day_test", datetime(2026, 11, 20, 22, 59, tzinfo=UTC))
    after = appended(session, "day_test", datetime(2026, 11, 20, 23, 0, tzinfo=UTC))

    def ids(**params: str) -> list[int]:
        answer = api.get(EVENTS, params={"kind": "day_test", **params}, headers=auditor)
        assert answer.status_code == 200, answer.text
        return [e["id"] for e in answer.json()["items"]]

    assert ids(**{"from": "2026-11-20", "to": "2026-11-20"}) == [last.id, first.id]
    assert ids(**{"from": "2026-11-21"}) == [after.id]
    assert ids(to="2026-11-19") == [before.id]
    assert ids(**{"from": "0001-01-01", "to": "9999-12-31"}) == [after.id, last.id, first.id, before.id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "20 november"}, "to"),
        ({"from": "2026-11-21", "to": "2026-11-20"}, "to"),
        ({"limit": "101"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"kind": "k" * 65}, "kind"),
    ],
)
def test_a_bad_filter_is_a_422_problem_naming_it(
    api: TestClient, auditor: dict[str, str], params: dict[str, str], field: str
) -> None:
    answer = api.get(EVENTS, params=params, headers=auditor)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in answer.json()["errors"]]


def test_a_page_takes_as_many_statements_for_a_hundred_entries_as_for_two(
    api: TestClient, session: Session, connection: Connection, auditor: dict[str, str]
) -> None:
    def statements() -> int:
        with counted(connection) as seen:
            answer = api.get(EVENTS, params={"kind": "counted", "limit": 100}, headers=auditor)
        assert answer.status_code == 200
        return seen.count

    for i in range(2):
        appended(session, "counted", NOW, n=i, nested={"old": "a", "new": "b"})
    few = statements()
    for i in range(98):
        appended(session, "counted", NOW, n=i, nested={"old": "a", "new": "b"})
    assert statements() == few


def test_an_intact_chain_verifies_with_its_head(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    appended(session, "vote_opened", NOW, vote_id=1)
    head = chain_head(session)
    answer = api.get(VERIFICATION, headers=auditor)
    assert answer.status_code == 200
    assert answer.json() == {
        "intact": True,
        "entries": head.entries,
        "head": {"entries": head.entries, "hash": head.hash},
        "stored_head": {"entries": head.entries, "hash": head.hash},
        "reason": None,
        "problem": None,
        "first_broken": None,
        "anchor": None,
        "anchored_at": None,
    }


def test_an_anchor_the_chain_passed_through_is_found(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    earlier = appended(session, "vote_opened", NOW, vote_id=1)
    anchor = str(chain_head(session))
    appended(session, "vote_closed", NOW, vote_id=1)
    answer = api.get(VERIFICATION, params={"anchor": anchor.upper()}, headers=auditor).json()
    assert answer["intact"] is True
    assert answer["anchor"] == anchor
    assert answer["anchored_at"] == {
        "id": earlier.id,
        "kind": "vote_opened",
        "recorded_at": "2026-11-20T12:00:00Z",
    }


def test_an_anchor_the_chain_never_passed_through_is_a_broken_chain(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    appended(session, "vote_opened", NOW, vote_id=1)
    answer = api.get(VERIFICATION, params={"anchor": "ab" * 32}, headers=auditor).json()
    assert answer["intact"] is False
    assert answer["reason"] == "anchor_not_in_chain"
    assert "is not a head this chain passed through" in answer["problem"]


@pytest.mark.parametrize("anchor", ["3f2a", "12:" + "g" * 64, "x:" + "a" * 64])
def test_a_malformed_anchor_is_a_422_problem(api: TestClient, auditor: dict[str, str], anchor: str) -> None:
    answer = api.get(VERIFICATION, params={"anchor": anchor}, headers=auditor)
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_anchor"
    assert answer.json()["errors"][0]["field"] == "anchor"


def test_a_changed_entry_is_named_where_the_chain_breaks(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    events = [appended(session, "vote_opened", NOW + timedelta(minutes=i), vote_id=i) for i in range(3)]
    disable_guards(session)
    session.execute(
        text("UPDATE audit_events SET payload = :p WHERE id = :id"),
        {"p": '{"vote_id":9}', "id": events[1].id},
    )
    session.expire_all()
    answer = api.get(VERIFICATION, headers=auditor)
    assert answer.status_code == 200
    body = answer.json()
    assert body["intact"] is False
    assert body["reason"] == "broken_entry"
    assert body["first_broken"] == {
        "id": events[1].id,
        "kind": "vote_opened",
        "recorded_at": "2026-11-20T12:01:00Z",
    }
    assert body["problem"].startswith(f"BROKEN at entry {events[1].id} (vote_opened, recorded ")


def test_entries_removed_from_the_end_disagree_with_the_stored_head(
    api: TestClient, session: Session, auditor: dict[str, str]
) -> None:
    events = [appended(session, "vote_opened", NOW, vote_id=i) for i in range(2)]
    stored = chain_head(session)
    disable_guards(session)
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[1].id})
    session.expire_all()
    body = api.get(VERIFICATION, headers=auditor).json()
    assert body["intact"] is False
    assert body["reason"] == "head_mismatch"
    assert body["stored_head"] == {"entries": stored.entries, "hash": stored.hash}
    assert body["head"] == {"entries": stored.entries - 1, "hash": events[0].hash}


def test_reading_the_log_writes_nothing(api: TestClient, session: Session, auditor: dict[str, str]) -> None:
    appended(session, "vote_opened", NOW, vote_id=1)
    before = chain_head(session)
    assert api.get(EVENTS, headers=auditor).status_code == 200
    assert api.get(VERIFICATION, headers=auditor).status_code == 200
    session.expire_all()
    assert chain_head(session) == before

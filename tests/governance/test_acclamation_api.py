"""Decisions without a vote (acclamation) over the API: the open meeting's decision under its item, taken up
with the same § numbering as take-up and votes, each refusal by its code with nothing stored, the audit
event, and the minutes' sentence with no count."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.governance import minutes_text
from kooperativet.governance.models import AgendaItem
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import (
    API,
    MEETING_OPENS,
    close_anyway,
    open_meeting_with_everyone,
    plan_meeting,
)
from tests.governance.test_minutes import pdf_of, text_of


def add_item(api: TestClient, assembly: Assembly, meeting_id: int, title: str, **fields: object) -> int:
    body = {"kind": "procedural", "title": title, **fields}
    response = api.post(f"{API}/meetings/{meeting_id}/items", json=body, headers=assembly.officer.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def decide(api: TestClient, assembly: Assembly, meeting_id: int, item_id: int, decision: object):
    return api.post(
        f"{API}/meetings/{meeting_id}/items/{item_id}/decision",
        json={"decision": decision},
        headers=assembly.officer.headers,
    )


def events(session: Session, kind: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
    return [json.loads(row.payload) for row in rows]


def stored(session: Session, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    assert item is not None
    session.refresh(item)
    return item


@pytest.fixture
def meeting_id(api: TestClient, assembly: Assembly, clock) -> int:
    """An annual meeting planned with its first items, then opened with everyone present."""
    meeting_id = plan_meeting(api, assembly)
    for title in ("Val av mötesordförande", "Godkännande av röstlängden", "Fastställande av balansräkningen"):
        add_item(api, assembly, meeting_id, title)
    add_item(api, assembly, meeting_id, "Ändring av stadgarna", kind="board_proposal", statute_change=True)
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=headers).json()[
        "ok"
    ]
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    for member_id in assembly.ids():
        api.post(f"{API}/meetings/{meeting_id}/attendance", json={"member_id": member_id}, headers=headers)
    return meeting_id


def items_of(api: TestClient, assembly: Assembly, meeting_id: int) -> dict[str, dict]:
    meeting = api.get(f"{API}/meetings/{meeting_id}", headers=assembly.officer.headers).json()
    return {item["title"]: item for item in meeting["items"]}


def test_the_meeting_decides_an_item_without_a_vote_and_it_is_taken_up_and_logged(
    api: TestClient, assembly: Assembly, session: Session, meeting_id: int
) -> None:
    item_id = items_of(api, assembly, meeting_id)["Val av mötesordförande"]["id"]
    answer = decide(api, assembly, meeting_id, item_id, "  välja Anna Berg till ordförande för stämman  ")
    assert answer.status_code == 200, answer.text
    item = answer.json()
    assert (item["id"], item["held_as"], item["decision"]) == (
        item_id,
        1,
        "välja Anna Berg till ordförande för stämman",
    )
    assert item["decided_at"] == MEETING_OPENS.isoformat().replace("+00:00", "Z")
    kept = stored(session, item_id)
    assert (kept.decision, kept.decided_at, kept.held_as) == (
        "välja Anna Berg till ordförande för stämman",
        MEETING_OPENS,
        1,
    )
    assert events(session, "agenda_item_taken_up")[-1] == {
        "meeting_id": meeting_id,
        "item_id": item_id,
        "position": 1,
        "held_as": 1,
    }
    assert events(session, "agenda_item_decided") == [
        {
            "meeting_id": meeting_id,
            "item_id": item_id,
            "held_as": 1,
            "decision": "välja Anna Berg till ordförande för stämman",
            "without_vote": True,
        }
    ]
    # The meeting's read shows it to everyone signed in.
    member = assembly.members[4]
    shown = api.get(f"{API}/meetings/{meeting_id}", headers=member.headers).json()
    assert [i["decision"] for i in shown["items"] if i["id"] == item_id] == [
        "välja Anna Berg till ordförande för stämman"
    ]


def test_numbers_follow_the_order_taken_up_across_take_up_votes_and_decisions_without_a_vote(
    api: TestClient, assembly: Assembly, meeting_id: int
) -> None:
    headers = assembly.officer.headers
    items = items_of(api, assembly, meeting_id)
    chair, roll, balance = (
        items[t]["id"]
        for t in ("Val av mötesordförande", "Godkännande av röstlängden", "Fastställande av balansräkningen")
    )
    # The meeting takes the balance sheet up first, decides the roll, puts a question, decides the balance.
    assert (
        api.post(f"{API}/meetings/{meeting_id}/items/{balance}/take-up", headers=headers).json()["held_as"]
        == 1
    )
    assert decide(api, assembly, meeting_id, roll, "godkänna röstlängden").json()["held_as"] == 2
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Hålls nästa stämma i Malmö?"},
        headers=headers,
    )
    assert vote.status_code == 201, vote.text
    decided = decide(api, assembly, meeting_id, balance, "fastställa balansräkningen")
    assert decided.json()["held_as"] == 1  # taken up already: keeps its number
    assert decide(api, assembly, meeting_id, chair, "välja Anna Berg").json()["held_as"] == 4
    held = {i["title"]: i["held_as"] for i in items_of(api, assembly, meeting_id).values()}
    assert held == {
        "Fastställande av balansräkningen": 1,
        "Godkännande av röstlängden": 2,
        "Hålls nästa stämma i Malmö?": 3,
        "Val av mötesordförande": 4,
        "Ändring av stadgarna": None,
    }


def _nothing_decided(session: Session, item_id: int, before_events: int) -> None:
    item = stored(session, item_id)
    assert (item.decision, item.decided_at) == (None, None)
    assert len(events(session, "agenda_item_decided")) == before_events


@pytest.mark.parametrize(
    ("decision", "code"),
    [
        ("", "decision_required"),
        ("   \n  ", "decision_required"),
        ("x" * 2001, None),
        (None, None),
        (17, None),
    ],
)
def test_an_empty_blank_overlong_or_missing_decision_is_a_422_naming_the_field(
    api: TestClient, assembly: Assembly, session: Session, meeting_id: int, decision: object, code: str | None
) -> None:
    item_id = items_of(api, assembly, meeting_id)["Val av mötesordförande"]["id"]
    refused = decide(api, assembly, meeting_id, item_id, decision)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    if code is not None:
        assert (problem["code"], problem["field"]) == (code, "decision")
    else:
        assert problem["code"] == "validation_failed"
        assert [error["field"] for error in problem["errors"]] == ["decision"]
    _nothing_decided(session, item_id, 0)
    assert stored(session, item_id).held_as is None


def test_a_statute_change_is_not_decided_without_its_counted_majority(
    api: TestClient, assembly: Assembly, session: Session, meeting_id: int
) -> None:
    item_id = items_of(api, assembly, meeting_id)["Ändring av stadgarna"]["id"]
    refused = decide(api, assembly, meeting_id, item_id, "anta de nya stadgarna")
    assert (refused.status_code, refused.json()["code"]) == (422, "statute_change_needs_a_vote")
    _nothing_decided(session, item_id, 0)
    assert stored(session, item_id).held_as is None


def test_an_item_is_decided_once_and_a_vote_is_refused_under_it_afterwards(
    api: TestClient, assembly: Assembly, session: Session, meeting_id: int
) -> None:
    item_id = items_of(api, assembly, meeting_id)["Godkännande av röstlängden"]["id"]
    assert decide(api, assembly, meeting_id, item_id, "godkänna röstlängden").status_code == 200
    again = decide(api, assembly, meeting_id, item_id, "inte godkänna röstlängden")
    assert (again.status_code, again.json()["code"]) == (409, "item_decided")
    assert stored(session, item_id).decision == "godkänna röstlängden"
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Godkänns röstlängden?", "agenda_item_id": item_id},
        headers=assembly.officer.headers,
    )
    assert (vote.status_code, vote.json()["code"]) == (409, "item_decided")
    assert len(events(session, "agenda_item_decided")) == 1
    assert len(events(session, "vote_opened")) == 0


def test_an_item_with_an_open_vote_waits_for_it_and_one_decided_by_a_vote_is_refused(
    api: TestClient, assembly: Assembly, session: Session, meeting_id: int
) -> None:
    headers = assembly.officer.headers
    item_id = items_of(api, assembly, meeting_id)["Fastställande av balansräkningen"]["id"]
    vote = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Fastställs balansräkningen?", "agenda_item_id": item_id},
        headers=headers,
    )
    assert vote.status_code == 201, vote.text
    refused = decide(api, assembly, meeting_id, item_id, "fastställa balansräkningen")
    assert (refused.status_code, refused.json()["code"]) == (409, "item_vote_open")
    api.post(
        f"{API}/votes/{vote.json()['id']}/ballots",
        json={"choice": "yes"},
        headers=assembly.members[0].headers,
    )
    assert api.post(f"{API}/votes/{vote.json()['id']}/close", json={}, headers=headers).status_code == 200
    refused = decide(api, assembly, meeting_id, item_id, "fastställa balansräkningen")
    assert (refused.status_code, refused.json()["code"]) == (409, "item_decided")
    _nothing_decided(session, item_id, 0)


def test_only_an_open_meeting_decides_with_the_codes_of_take_up(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    item_id = add_item(api, assembly, meeting_id, "Val av mötesordförande")
    take_up = api.post(
        f"{API}/meetings/{meeting_id}/items/{item_id}/take-up", headers=assembly.officer.headers
    )
    refused = decide(api, assembly, meeting_id, item_id, "välja Anna Berg")
    assert (refused.status_code, refused.json()["code"]) == (take_up.status_code, take_up.json()["code"])
    assert refused.json()["code"] == "meeting_planned"
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=headers)
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    closed = close_anyway(api, meeting_id, headers)
    assert closed.status_code == 200
    refused = decide(api, assembly, meeting_id, item_id, "välja Anna Berg")
    assert (refused.status_code, refused.json()["code"]) == (409, "meeting_closed")
    _nothing_decided(session, item_id, 0)


def test_a_meeting_with_nobody_present_decides_nothing(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = plan_meeting(api, assembly)
    item_id = add_item(api, assembly, meeting_id, "Val av mötesordförande")
    headers = assembly.officer.headers
    api.post(f"{API}/meetings/{meeting_id}/notice", json={"text": "Välkomna"}, headers=headers)
    clock["now"] = MEETING_OPENS
    assert api.post(f"{API}/meetings/{meeting_id}/open", json={}, headers=headers).status_code == 200
    refused = decide(api, assembly, meeting_id, item_id, "välja Anna Berg")
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "not_quorate"
    _nothing_decided(session, item_id, 0)
    assert stored(session, item_id).held_as is None


def test_an_item_of_another_meeting_is_not_found(
    api: TestClient, assembly: Assembly, session: Session, meeting_id: int
) -> None:
    other = plan_meeting(api, assembly)
    foreign = add_item(api, assembly, other, "Övriga frågor")
    refused = decide(api, assembly, meeting_id, foreign, "lägga frågan till handlingarna")
    assert refused.status_code == 404
    _nothing_decided(session, foreign, 0)


def test_the_minutes_print_the_decision_under_its_number_without_a_count(
    api: TestClient, assembly: Assembly, meeting_id: int
) -> None:
    headers = assembly.officer.headers
    items = items_of(api, assembly, meeting_id)
    officials = dict(
        zip(
            ("chair_member_id", "secretary_member_id", "adjuster1_member_id", "adjuster2_member_id"),
            assembly.ids()[:4],
            strict=True,
        )
    )
    assert (
        api.put(f"{API}/meetings/{meeting_id}/officials", json=officials, headers=headers).status_code == 200
    )
    decide(
        api,
        assembly,
        meeting_id,
        items["Val av mötesordförande"]["id"],
        "Att välja Anna Berg till ordförande.",
    )
    decide(
        api,
        assembly,
        meeting_id,
        items["Fastställande av balansräkningen"]["id"],
        "fastställa balansräkningen",
    )
    closed = close_anyway(api, meeting_id, headers)
    assert closed.status_code == 200
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    found = text_of(pdf_of(api, minutes["id"], headers))
    expected_in_order = [
        "§ 1 Val av mötesordförande",
        "Beslut: Stämman beslutade att välja Anna Berg till ordförande.",
        "§ 2 Fastställande av balansräkningen",
        "Beslut: Stämman beslutade att fastställa balansräkningen.",
        "Ärenden på dagordningen som mötet inte behandlade: Godkännande av röstlängden, "
        "Ändring av stadgarna.",
    ]
    positions = [found.find(part) for part in expected_in_order]
    assert -1 not in positions, (expected_in_order, found)
    assert positions == sorted(positions)
    assert "Omröstning" not in found
    assert "avgivna röster" not in found[positions[0] :]  # no count under the items (the rules name them)


def test_a_board_meetings_decision_reads_as_the_boards(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock, kind="board")
    item_id = add_item(api, assembly, meeting_id, "Inköp av skrivare")
    assert (
        decide(api, assembly, meeting_id, item_id, "köpa en skrivare för högst 4 000 kr").status_code == 200
    )
    headers = assembly.officer.headers
    assert api.post(f"{API}/meetings/{meeting_id}/close", headers=headers).status_code == 200
    minutes = api.post(f"{API}/meetings/{meeting_id}/minutes", json={}, headers=headers).json()
    found = text_of(pdf_of(api, minutes["id"], headers))
    assert (
        "§ 1 Inköp av skrivare Beslut: Styrelsen beslutade att köpa en skrivare för högst 4 000 kr." in found
    )


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("välja Anna Berg", "Stämman beslutade att välja Anna Berg."),
        ("att välja Anna Berg.", "Stämman beslutade att välja Anna Berg."),
        ("ATT  välja\nAnna   Berg..", "Stämman beslutade att välja Anna Berg."),
        (
            "lägga rapporten till handlingarna...",
            "Stämman beslutade att lägga rapporten till handlingarna...",
        ),
    ],
)
def test_a_decision_without_a_vote_reads_as_one_sentence(typed: str, sentence: str) -> None:
    assert minutes_text.acclamation_sentence(body="Stämman", decision=typed) == sentence

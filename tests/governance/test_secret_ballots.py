"""Secret ballots and elections: one ballot per voter, receipts, publication, and no link to the voter."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from kooperativet.governance.ballots import PublishedBallot, ballot_commitment, find_own_ballot
from kooperativet.governance.models import SecretBallot, SecretBallotRoll
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone

PHYSICAL_ORDER = {
    "sqlite": "SELECT receipt FROM secret_ballots WHERE vote_id = :v",
    "postgresql": "SELECT receipt FROM secret_ballots WHERE vote_id = :v ORDER BY ctid",
}


def secret_vote(api: TestClient, assembly: Assembly, **body) -> int:
    meeting_id = open_meeting_with_everyone(api, assembly)
    response = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "secret", "question": "Ska föreningen köpa en lokal?", **body},
        headers=assembly.officer.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_secret_ballot_gives_receipts_publishes_ballots_and_each_voter_finds_theirs(
    api: TestClient, assembly: Assembly, clock
) -> None:
    vote_id = secret_vote(api, assembly)
    receipts = {}
    for actor, choice in zip(assembly.members, ["yes", "yes", "no", "yes", "abstain"], strict=True):
        cast = api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
        assert cast.status_code == 201, cast.text
        receipts[actor.member.id] = cast.json()
    again = api.post(
        f"{API}/votes/{vote_id}/ballots", json={"choice": "no"}, headers=assembly.members[0].headers
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_voted"
    not_yet = api.get(f"{API}/votes/{vote_id}/published-ballots", headers=assembly.members[0].headers)
    assert not_yet.status_code == 409

    closed = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=assembly.officer.headers).json()
    assert closed["result"]["yes"] == 3
    assert closed["result"]["roll_count"] == closed["result"]["ballot_count"] == 5
    assert closed["cast_votes"] is None

    published = api.get(
        f"{API}/votes/{vote_id}/published-ballots", headers=assembly.members[0].headers
    ).json()
    assert published["roll_count"] == len(published["ballots"]) == 5
    ballots = [PublishedBallot(content=b["content"], receipt=b["receipt"]) for b in published["ballots"]]
    assert ballot_commitment(published=ballots) == published["commitment"] == closed["ballot_commitment"]
    assert all(set(b) == {"content", "receipt"} for b in published["ballots"])
    for mine in receipts.values():
        found = find_own_ballot(voter_secret=bytes.fromhex(mine["voter_secret"]), published=ballots)
        assert found is not None
        assert found.receipt == mine["receipt"]
        assert found.content == mine["ballot"]


def test_a_tied_secret_ballot_is_settled_by_a_lot_with_a_recorded_seed(
    api: TestClient, assembly: Assembly, clock
) -> None:
    vote_id = secret_vote(api, assembly)
    for actor, choice in zip(assembly.members, ["yes", "no", "yes", "no"], strict=False):
        api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
    result = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=assembly.officer.headers).json()[
        "result"
    ]
    assert result["tie_break"] == "lot"
    assert int(result["lot"]["seed"]) >= 0
    assert result["outcome"] == ("adopted" if result["lot"]["order"][0] == "yes" else "rejected")


def test_the_ballot_table_cannot_be_joined_to_the_voter_from_the_database_alone(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    vote_id = secret_vote(api, assembly)
    cast_order = []
    for actor, choice in zip(assembly.members, ["yes", "no", "yes", "no", "abstain"], strict=True):
        receipt = api.post(
            f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers
        ).json()
        cast_order.append(receipt["receipt"])
    api.post(f"{API}/votes/{vote_id}/close", json={}, headers=assembly.officer.headers)

    inspector = inspect(session.connection())
    ballot_columns = {c["name"] for c in inspector.get_columns("secret_ballots")}
    assert ballot_columns == {"id", "vote_id", "content", "receipt"}  # no voter, no time, no sequence
    assert {c["name"] for c in inspector.get_columns("secret_ballot_roll")} == {"vote_id", "member_id"}
    assert not [fk for fk in inspector.get_foreign_keys("secret_ballots") if fk["referred_table"] != "votes"]
    ids = session.scalars(select(SecretBallot.id).where(SecretBallot.vote_id == vote_id)).all()
    assert all(len(i) == 36 and i[14] == "4" for i in ids)  # random UUIDs, not counters

    # Insertion order is not recoverable: SQLite keeps no rowid for these tables; on PostgreSQL closing
    # rewrote every ballot and roll row of the vote in one transaction, in shuffled order.
    dialect = session.connection().dialect.name
    if dialect == "sqlite":
        for table in ("secret_ballots", "secret_ballot_roll"):
            sql = session.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}
            ).scalar_one()
            assert "WITHOUT ROWID" in sql.upper()
    else:
        stamps = session.execute(
            text("SELECT DISTINCT xmin::text FROM secret_ballots WHERE vote_id = :v"), {"v": vote_id}
        ).all()
        roll_stamps = session.execute(
            text("SELECT DISTINCT xmin::text FROM secret_ballot_roll WHERE vote_id = :v"), {"v": vote_id}
        ).all()
        assert len(stamps) == len(roll_stamps) == 1
    physical = [
        row.receipt
        for row in session.execute(
            text(PHYSICAL_ORDER[dialect]),
            {"v": vote_id},
        )
    ]
    assert sorted(physical) == sorted(cast_order)
    roll = session.scalars(
        select(SecretBallotRoll.member_id).where(SecretBallotRoll.vote_id == vote_id)
    ).all()
    assert sorted(roll) == sorted(assembly.ids())
    # The audit log carries no per-ballot entries, only the close with counts and the commitment.
    events = session.execute(text("SELECT kind, payload FROM audit_events ORDER BY id")).all()
    for kind, payload in events:
        data = json.loads(payload)
        if data.get("vote_id") == vote_id:
            assert kind in {"vote_opened", "vote_closed"}


def test_an_election_elects_the_most_voted_and_settles_a_tie_by_lot(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly)
    election = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={
            "method": "election",
            "question": "Val av två ledamöter",
            "seats": 2,
            "candidates": ["Ada", "Bo", "Cy"],
        },
        headers=assembly.officer.headers,
    )
    assert election.status_code == 201, election.text
    vote_id = election.json()["id"]
    too_many = api.post(
        f"{API}/votes/{vote_id}/ballots",
        json={"candidates": ["Ada", "Bo", "Cy"]},
        headers=assembly.members[0].headers,
    )
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "invalid_ballot"
    ballots = [["Ada", "Bo"], ["Ada", "Cy"], ["Ada"], ["Bo"], ["Cy"]]
    for actor, names in zip(assembly.members, ballots, strict=True):
        assert (
            api.post(
                f"{API}/votes/{vote_id}/ballots", json={"candidates": names}, headers=actor.headers
            ).status_code
            == 201
        )
    result = api.post(f"{API}/votes/{vote_id}/close", json={}, headers=assembly.officer.headers).json()[
        "result"
    ]
    assert result["counts"] == {"Ada": 3, "Bo": 2, "Cy": 2}
    assert result["tie_break"] == "lot"
    assert result["elected"] == ["Ada", result["lot"]["order"][0]]
    assert result["roll_count"] == result["ballot_count"] == 5

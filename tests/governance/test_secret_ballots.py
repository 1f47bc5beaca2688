"""Secret ballots and elections: one encrypted ballot per voter, receipts, a tally anyone can check, a
recount that detects tampering, and no link to the voter."""

from __future__ import annotations

import copy
import json
import random

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text, update
from sqlalchemy.orm import Session

from kooperativet.governance.ballot_encryption import Decryption, encrypt_marks, verify_decryption
from kooperativet.governance.ballots import (
    PublishedBallot,
    ballot_commitment,
    canonical_ballot,
    ciphertexts_of,
    find_own_ballot,
)
from kooperativet.governance.models import SecretBallot, SecretBallotRoll, Vote
from tests.governance.conftest import TELLERS_PASSPHRASE, Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone

pytestmark = pytest.mark.usefixtures("small_tally_keys")
TELLERS = {"tellers_passphrase": TELLERS_PASSPHRASE}

PHYSICAL_ORDER = {
    "sqlite": "SELECT receipt FROM secret_ballots WHERE vote_id = :v",
    "postgresql": "SELECT receipt FROM secret_ballots WHERE vote_id = :v ORDER BY ctid",
}


def secret_vote(api: TestClient, assembly: Assembly, clock, **body) -> int:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    response = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "secret", "question": "Ska föreningen köpa en lokal?", **TELLERS, **body},
        headers=assembly.officer.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_secret_ballot_gives_receipts_publishes_ballots_and_each_voter_finds_theirs(
    api: TestClient, assembly: Assembly, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
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

    closed = api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers).json()
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
        assert set(mine) == {"vote_id", "secret", "receipt", "ballot"}
        found = find_own_ballot(receipt=mine["receipt"], published=ballots)
        assert found is not None
        assert found.content == mine["ballot"]
        assert "yes" not in found.content
        assert "abstain" not in found.content


def test_a_tied_secret_ballot_is_settled_by_a_lot_with_a_recorded_seed(
    api: TestClient, assembly: Assembly, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    for actor, choice in zip(assembly.members, ["yes", "no", "yes", "no"], strict=False):
        api.post(f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers)
    result = api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers).json()[
        "result"
    ]
    assert result["tie_break"] == "lot"
    assert int(result["lot"]["seed"]) >= 0
    assert result["outcome"] == ("adopted" if result["lot"]["order"][0] == "yes" else "rejected")


def test_the_ballot_table_cannot_be_joined_to_the_voter_from_the_database_alone(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    cast_order = []
    for actor, choice in zip(assembly.members, ["yes", "no", "yes", "no", "abstain"], strict=True):
        receipt = api.post(
            f"{API}/votes/{vote_id}/ballots", json={"choice": choice}, headers=actor.headers
        ).json()
        cast_order.append(receipt["receipt"])
    api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers)

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
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    election = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={
            "method": "election",
            "question": "Val av två ledamöter",
            "seats": 2,
            "candidates": ["Ada", "Bo", "Cy"],
            **TELLERS,
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
    result = api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers).json()[
        "result"
    ]
    assert result["counts"] == {"Ada": 3, "Bo": 2, "Cy": 2}
    assert result["tie_break"] == "lot"
    assert result["elected"] == ["Ada", result["lot"]["order"][0]]
    assert result["roll_count"] == result["ballot_count"] == 5


def cast_all(api: TestClient, assembly: Assembly, vote_id: int, bodies: list[dict]) -> list[dict]:
    receipts = []
    for actor, body in zip(assembly.members, bodies, strict=False):
        cast = api.post(f"{API}/votes/{vote_id}/ballots", json=body, headers=actor.headers)
        assert cast.status_code == 201, cast.text
        receipts.append(cast.json())
    return receipts


def test_an_election_of_more_seats_than_candidates_elects_every_candidate_voted_for(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    election = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "election", "question": "Val", "seats": 3, "candidates": ["Anna", "Bo"], **TELLERS},
        headers=assembly.officer.headers,
    )
    assert election.status_code == 201, election.text
    vote_id = election.json()["id"]
    cast_all(api, assembly, vote_id, [{"candidates": ["Anna", "Bo"]}] * 5)
    closed = api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers)
    assert closed.status_code == 200, closed.text
    assert sorted(closed.json()["result"]["elected"]) == ["Anna", "Bo"]


def test_a_secret_ballot_cannot_be_opened_without_the_tellers_passphrase(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    refused = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "secret", "question": "Ska föreningen köpa en lokal?"},
        headers=assembly.officer.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "tellers_passphrase_required"
    short = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "secret", "question": "Ska föreningen köpa en lokal?", "tellers_passphrase": "kort"},
        headers=assembly.officer.headers,
    )
    assert short.status_code == 422


def test_closing_needs_the_tellers_passphrase_and_a_wrong_one_changes_nothing(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    cast_all(api, assembly, vote_id, [{"choice": "yes"}, {"choice": "no"}, {"choice": "yes"}])
    for body, code in (
        ({}, "tellers_passphrase_required"),
        ({"tellers_passphrase": "fel lösenfras, tyvärr"}, "wrong_tellers_passphrase"),
    ):
        refused = api.post(f"{API}/votes/{vote_id}/close", json=body, headers=assembly.officer.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == code
        vote = api.get(f"{API}/votes/{vote_id}", headers=assembly.officer.headers).json()
        assert vote["status"] == "open"
        assert vote["result"] is None
        assert vote["ballot_commitment"] is None
    assert session.get(Vote, vote_id).tally_key_wrapped is not None
    closed = api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers)
    assert closed.status_code == 200
    assert closed.json()["result"]["yes"] == 2
    session.expire_all()
    assert session.get(Vote, vote_id).tally_key_wrapped is None  # no single ballot can be decrypted any more


def test_the_published_tally_is_the_product_of_the_ciphertexts_and_anyone_can_check_it(
    api: TestClient, assembly: Assembly, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    cast_all(api, assembly, vote_id, [{"choice": c} for c in ["yes", "no", "yes", "abstain", "yes"]])
    result = api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers).json()[
        "result"
    ]
    published = api.get(
        f"{API}/votes/{vote_id}/published-ballots", headers=assembly.members[1].headers
    ).json()
    n = int(published["public_key"])
    assert published["public_key"] == result["decryption"]["public_key"]
    assert [(s["option"], s["count"]) for s in published["tally"]] == [("yes", 3), ("no", 1), ("abstain", 1)]
    ballots = [ciphertexts_of(b["content"]) for b in published["ballots"]]
    for index, entry in enumerate(published["tally"]):
        product = 1
        for ballot in ballots:
            product = product * ballot[index] % (n * n)
        assert str(product) == entry["ciphertext"]
        decryption = Decryption(count=entry["count"], randomness=int(entry["randomness"]))
        assert verify_decryption(public_n=n, ciphertext=product, decryption=decryption)
    recount = api.get(f"{API}/votes/{vote_id}/recount", headers=assembly.members[1].headers).json()
    assert recount == {
        "vote_id": vote_id,
        "commitment_matches": True,
        "sums_match": True,
        "decryptions_verify": True,
        "counts_match": True,
        "ok": True,
    }


def test_a_recount_detects_a_replaced_ciphertext(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    cast_all(api, assembly, vote_id, [{"choice": c} for c in ["no", "no", "yes"]])
    api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers)
    vote = session.get(Vote, vote_id)
    forged = canonical_ballot(
        vote_id=str(vote_id),
        ciphertexts=encrypt_marks(public_n=int(vote.tally_public_key), marks=[1, 0, 0], rng=random.Random(1)),
    )
    victim = session.scalars(select(SecretBallot).where(SecretBallot.vote_id == vote_id)).first()
    session.execute(update(SecretBallot).where(SecretBallot.id == victim.id).values(content=forged))
    session.flush()
    recount = api.get(f"{API}/votes/{vote_id}/recount", headers=assembly.members[0].headers).json()
    assert recount["ok"] is False
    assert recount["sums_match"] is False
    assert recount["commitment_matches"] is False
    assert recount["decryptions_verify"] is True  # the published decryption itself is still sound


@pytest.mark.parametrize(
    ("field", "also_in_decryption"),
    [
        pytest.param("yes", False, id="result-count-changed"),
        pytest.param("yes", True, id="decryption-changed"),
    ],
)
def test_a_recount_detects_a_changed_tally(
    api: TestClient, assembly: Assembly, session: Session, clock, field: str, also_in_decryption: bool
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    cast_all(api, assembly, vote_id, [{"choice": c} for c in ["no", "no", "yes"]])
    api.post(f"{API}/votes/{vote_id}/close", json=TELLERS, headers=assembly.officer.headers)
    vote = session.get(Vote, vote_id)
    result = copy.deepcopy(vote.result)
    result[field] += 1
    if also_in_decryption:
        result["decryption"]["sums"][0]["count"] += 1
    vote.result = result
    session.flush()
    recount = api.get(f"{API}/votes/{vote_id}/recount", headers=assembly.members[0].headers).json()
    assert recount["ok"] is False
    assert recount["sums_match"] is True
    assert recount["decryptions_verify"] is not also_in_decryption
    assert recount["counts_match"] is also_in_decryption


def test_a_recount_is_refused_while_the_vote_is_open(api: TestClient, assembly: Assembly, clock) -> None:
    vote_id = secret_vote(api, assembly, clock)
    refused = api.get(f"{API}/votes/{vote_id}/recount", headers=assembly.members[0].headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "vote_open"


def test_an_election_tallies_blank_ballots_from_the_encrypted_blank_mark(
    api: TestClient, assembly: Assembly, clock
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    election = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "election", "question": "Val av tre", "seats": 3, "candidates": ["Ada", "Bo", "Cy"]}
        | TELLERS,
        headers=assembly.officer.headers,
    ).json()
    bodies = [{"candidates": names} for names in (["Ada", "Bo", "Cy"], [], ["Cy"], ["Bo", "Ada"], [])]
    receipts = cast_all(api, assembly, election["id"], bodies)
    assert all(len(ciphertexts_of(r["ballot"])) == 4 for r in receipts)  # three candidates and blank
    result = api.post(
        f"{API}/votes/{election['id']}/close", json=TELLERS, headers=assembly.officer.headers
    ).json()["result"]
    assert result["counts"] == {"Ada": 2, "Bo": 2, "Cy": 2}
    assert result["blank"] == 2
    assert result["ballot_count"] == 5
    assert result["elected"] == ["Ada", "Bo", "Cy"]
    assert [s["option"] for s in result["decryption"]["sums"]] == ["Ada", "Bo", "Cy", None]
    recount = api.get(f"{API}/votes/{election['id']}/recount", headers=assembly.members[0].headers).json()
    assert recount["ok"] is True


def test_the_ballot_table_holds_only_ciphertexts(
    api: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    vote_id = secret_vote(api, assembly, clock)
    cast_all(api, assembly, vote_id, [{"choice": c} for c in ["yes", "no", "abstain"]])
    rows = session.execute(
        text("SELECT id, vote_id, content, receipt FROM secret_ballots WHERE vote_id = :v"), {"v": vote_id}
    ).all()
    assert len(rows) == 3
    for row in rows:
        stored = json.loads(row.content)
        assert set(stored) == {"ciphertexts", "vote"}
        assert len(stored["ciphertexts"]) == 3
        assert all(c.isdigit() for c in stored["ciphertexts"])

"""The migration that moves governance JSON into JSON columns keeps every existing value, and the published
commitment of a closed secret ballot is the same before and after it (and after its downgrade)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.governance import ballots as ballot_rules
from kooperativet.governance.models import RulebookVersion, Vote
from kooperativet.governance.rulebooks import rulebook_of
from kooperativet.governance.rules.rulebook import default_rulebook
from kooperativet.governance.votes import candidates_of, excluded_of, published_ballots
from tests.migrations.governance_rows import NOW, RULES, insert_rulebook

BEFORE = "006477ea4315"
RESULT = json.dumps(
    {"outcome": "elected", "elected": ["Alva"], "counts": {"Alva": 2, "Bo": 0}}, sort_keys=True
)
BALLOTS = [
    (
        '{"ciphertexts":["11","22","33"],"vote":"1"}',
        "5443924ddd8da95ede9e71b59b740eeb9761067504e489af9dfe8376fc9462ff",
    ),
    (
        '{"ciphertexts":["44","55","66"],"vote":"1"}',
        "63ff0c0d71cdb85ee2292d711076ef584fe5d41b9e68536240452527830c5d28",
    ),
]
COMMITMENT = "e1ad3b35ff8cef277462682a1cab210ece273f138dfe829e9c7496080e32e70a"


def _text_rows(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        connection.execute(
            text(
                "INSERT INTO votes (id, method, decision_kind, question, rulebook_id, seats, candidates,"
                " excluded_member_ids, hide_results, status, opened_at, closed_at, result, ballot_commitment)"
                " VALUES (1, 'election', 'election', 'Val', 1, 1, :candidates, '[]', false,"
                " 'closed', :n, :n, :result, :commitment),"
                " (2, 'per_capsulam', 'board', 'Ny dator?', 1, NULL, NULL, '[3, 5]', false, 'open', :n, NULL,"
                " NULL, NULL)"
            ),
            {"n": NOW, "candidates": json.dumps(["Alva", "Bo"]), "result": RESULT, "commitment": COMMITMENT},
        )
        for content, receipt in BALLOTS:
            connection.execute(
                text("INSERT INTO secret_ballots (id, vote_id, content, receipt) VALUES (:id, 1, :c, :r)"),
                {"id": receipt[:36], "c": content, "r": receipt},
            )
    engine.dispose()


def _stored_text(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT candidates, excluded_member_ids, result FROM votes ORDER BY id")
        ).all()
        rules = connection.execute(text("SELECT rules FROM rulebooks")).scalar_one()
        ballots = connection.execute(
            text("SELECT content, receipt FROM secret_ballots ORDER BY receipt")
        ).all()
    engine.dispose()
    return [*(tuple(r) for r in rows), (rules,), *(tuple(b) for b in ballots)]


@pytest.mark.slow
def test_upgrade_keeps_governance_json_and_the_ballot_commitment(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _text_rows(url)
    before = _stored_text(url)
    migrate.upgrade(url)

    engine = make_engine(url)
    with Session(engine) as session:
        election, per_capsulam = session.get(Vote, 1), session.get(Vote, 2)
        assert election is not None
        assert per_capsulam is not None
        assert candidates_of(election) == ["Alva", "Bo"]
        assert excluded_of(election) == []
        assert election.result == json.loads(RESULT)
        assert (candidates_of(per_capsulam), excluded_of(per_capsulam), per_capsulam.result) == (
            None,
            [3, 5],
            None,
        )
        version = session.get(RulebookVersion, 1)
        assert version is not None
        assert version.rules == json.loads(RULES)
        assert rulebook_of(session, 1) == default_rulebook()
        published = published_ballots(session, vote=election)
        assert [(b.content, b.receipt) for b in published] == BALLOTS
        assert [ballot_rules.receipt_for(ballot_content=b.content) for b in published] == [
            r for _, r in BALLOTS
        ]
        assert ballot_rules.ballot_commitment(published=published) == election.ballot_commitment == COMMITMENT
    engine.dispose()

    migrate.downgrade(url, BEFORE)
    after = _stored_text(url)
    assert [json.loads(str(v)) if v is not None else None for row in after[:3] for v in row] == [
        json.loads(str(v)) if v is not None else None for row in before[:3] for v in row
    ]
    assert after[3:] == before[3:]

"""The migration that stores a result's majority as a rule rewrites the English sentences of results already
stored, reads back through the API's schema as the same sentence, and its downgrade writes them back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine
from kooperativet.governance.rules.required_majority import RequiredMajority
from kooperativet.governance.schemas.results import majority_in_english, result_read
from tests.migrations.governance_rows import NOW, insert_rulebook

BEFORE = "5d0c1e7a2b94"
UNANIMOUS = "every board member reached and agreeing"
#: Results as the service stored them before: vote id → (method, the stored result).
OLD = {
    1: ("open", {"yes": 3, "outcome": "adopted", "majority_required": "more than 1/2 of votes cast"}),
    2: ("secret", {"yes": 4, "outcome": "adopted", "majority_required": "at least 2/3 of votes cast"}),
    3: ("board", {"yes": 2, "majority_required": "more than 1/2 of board members present", "outcome": "x"}),
    4: (
        "per_capsulam",
        {"outcome": "adopted", "majority_required": "every board member reached and agreeing"},
    ),
    5: ("election", {"seats": 2, "majority_required": "the 2 candidate(s) with most votes", "elected": []}),
    6: ("election", {"outcome": "elected", "elected": ["Alva"], "counts": {"Alva": 2, "Bo": 0}}),
}
NEW = {
    1: {"rule": "share", "share": "1/2", "at_least": False, "base": "votes_cast"},
    2: {"rule": "share", "share": "2/3", "at_least": True, "base": "votes_cast"},
    3: {"rule": "share", "share": "1/2", "at_least": False, "base": "board_members_present"},
    4: {"rule": "unanimous_board"},
    5: {"rule": "most_votes", "seats": 2},
}


def _insert_old_results(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        insert_rulebook(connection)
        for vote_id, (method, result) in OLD.items():
            connection.execute(
                text(
                    "INSERT INTO votes (id, method, decision_kind, question, rulebook_id,"
                    " excluded_member_ids, hide_results, status, opened_at, closed_at, result)"
                    " VALUES (:id, :method, 'ordinary', 'Q?', 1, '[]', false, 'closed', :n, :n, :result)"
                ),
                {"id": vote_id, "method": method, "n": NOW, "result": json.dumps(result)},
            )
    engine.dispose()


def _results(url: str) -> dict[int, dict[str, object]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, result FROM votes ORDER BY id")).all()
    engine.dispose()
    return {vote_id: json.loads(result) if isinstance(result, str) else result for vote_id, result in rows}


@pytest.mark.slow
def test_stored_results_get_their_majority_as_a_rule_and_back(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_old_results(url)
    migrate.upgrade(url)

    upgraded = _results(url)
    for vote_id, (_, old) in OLD.items():
        result = upgraded[vote_id]
        assert "majority_required" not in result
        if vote_id in NEW:
            assert result["majority"] == NEW[vote_id]
            assert list(result) == [("majority" if k == "majority_required" else k) for k in old]
            sentence = old["majority_required"]
            assert majority_in_english(RequiredMajority.from_json(NEW[vote_id])) == sentence
            shown = result_read(result)
            assert shown is not None
            assert shown["majority_required"] == sentence
        else:
            assert result == old

    migrate.downgrade(url, BEFORE)
    assert _results(url) == {vote_id: old for vote_id, (_, old) in OLD.items()}

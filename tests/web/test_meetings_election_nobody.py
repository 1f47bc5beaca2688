"""An election in which no candidate got a vote (every ballot blank, or none cast): a seat nobody voted for
stays vacant (governance/rules/elections.py), so nobody is elected. The vote page, the meeting's list of votes
and the minutes say so in words, instead of "Valda:" and "Stämman valde ." naming no one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kooperativet.governance.minutes_text import decision_sentence
from kooperativet.governance.models import Meeting
from tests.governance.conftest import TELLERS_PASSPHRASE
from tests.web.conftest import form_token
from tests.web.test_meetings import (
    assembly,
    board,
    clock,
    meeting,
    open_vote,
    post,
    rulebook,
    small_keys,
    voters,
)

__all__ = ["assembly", "board", "clock", "meeting", "rulebook", "small_keys", "voters"]

NOBODY = "Ingen vald: ingen kandidat fick någon röst."


@pytest.mark.parametrize("blank_ballots", [0, 2])
def test_an_election_nobody_got_a_vote_in_says_nobody_was_elected(
    blank_ballots: int, board: TestClient, voters: list[TestClient], meeting: Meeting, small_keys
) -> None:
    vote_id = open_vote(
        board, meeting, method="election", question="Val av revisor", seats="1",
        candidates="Revisionsbyrån Norr\nRevisionsbyrån Syd", tellers_passphrase=TELLERS_PASSPHRASE,
    )  # fmt: skip
    page = f"/meetings/votes/{vote_id}"
    for voter in voters[:blank_ballots]:
        cast = voter.post(f"{page}/ballot", data={"csrf_token": form_token(voter.get(page).text)})
        assert cast.status_code == 200, cast.text
    closed = post(board, page, f"{page}/close", {"tellers_passphrase": TELLERS_PASSPHRASE})
    assert closed.status_code == 303, closed.text
    result = board.get(page).text
    assert f'<p class="outcome"><strong>{NOBODY}</strong></p>' in result
    assert "Valda:" not in result
    listed = board.get(f"/meetings/{meeting.id}").text
    # The list says the seat stays vacant too, as the vote page and the minutes do (c08e791).
    assert f'<td data-label="Utfall">{NOBODY}<br>1 plats är inte tillsatt.</td>' in listed


def test_the_minutes_of_an_election_nobody_got_a_vote_in_name_no_one_and_say_why() -> None:
    sentence = decision_sentence(
        body="Stämman", result={"outcome": "elected", "elected": []}, per_capsulam=False, parameter=None
    )
    assert sentence == "Stämman valde ingen: ingen kandidat fick någon röst."
    elected = decision_sentence(
        body="Stämman",
        result={"outcome": "elected", "elected": ["Anna Berg"]},
        per_capsulam=False,
        parameter=None,
    )
    assert elected == "Stämman valde Anna Berg."

"""An election with fewer candidates than seats is held (a meeting may elect fewer than the seats; the rest
stay vacant until a fyllnadsval), and so is one in which a candidate gets no vote. The result says how many
seats are not filled: the API as ``vacant_seats``, the vote page, the meeting's list of votes and the minutes
in words ("2 platser är inte tillsatta"), so that nobody reads "Vald: Anna Berg" as every seat filled."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kooperativet.governance.minutes_text import decision_sentence
from kooperativet.governance.models import Meeting, Vote
from tests.governance.conftest import TELLERS_PASSPHRASE, Assembly
from tests.governance.test_meetings_api import API
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


def hold_election(
    board: TestClient, voters: list[TestClient], meeting: Meeting, *, seats: int, candidates: list[str]
) -> int:
    """An election of ``seats`` in which each present member votes for the first candidate only."""
    vote_id = open_vote(
        board, meeting, method="election", question="Val av styrelseledamöter", seats=str(seats),
        candidates="\n".join(candidates), tellers_passphrase=TELLERS_PASSPHRASE,
    )  # fmt: skip
    page = f"/meetings/votes/{vote_id}"
    for voter in voters[:4]:  # the four present
        token = form_token(voter.get(page).text)
        cast = voter.post(f"{page}/ballot", data={"candidates": [candidates[0]], "csrf_token": token})
        assert cast.status_code == 200, cast.text
    closed = post(board, page, f"{page}/close", {"tellers_passphrase": TELLERS_PASSPHRASE})
    assert closed.status_code == 303, closed.text
    return vote_id


@pytest.mark.parametrize(
    ("seats", "candidates", "vacant", "said"),
    [
        (3, ["Anna Berg"], 2, "2 platser är inte tillsatta."),
        # Bo Ek stands but gets no vote: his seat is not filled either.
        (2, ["Anna Berg", "Bo Ek"], 1, "1 plats är inte tillsatt."),
    ],
)
def test_an_election_that_fills_fewer_seats_than_it_has_says_how_many_stay_vacant(
    seats: int,
    candidates: list[str],
    vacant: int,
    said: str,
    board: TestClient,
    voters: list[TestClient],
    meeting: Meeting,
    assembly: Assembly,
    session,
    small_keys,
) -> None:
    vote_id = hold_election(board, voters, meeting, seats=seats, candidates=candidates)

    page = board.get(f"/meetings/votes/{vote_id}").text
    assert '<p class="outcome"><strong>Vald: Anna Berg</strong></p>' in page
    assert f"<p>{said}</p>" in page
    # The meeting's list of votes says it too, under the name, as the vote's own page does.
    listed = board.get(f"/meetings/{meeting.id}").text
    assert f'<td data-label="Utfall">Vald: Anna Berg<br>{said}</td>' in listed
    read = board.get(f"{API}/votes/{vote_id}", headers=assembly.officer.headers).json()
    assert (read["result"]["elected"], read["result"]["vacant_seats"]) == (["Anna Berg"], vacant)
    stored = session.get(Vote, vote_id).result
    sentence = decision_sentence(body="Stämman", result=stored, per_capsulam=False, parameter=None)
    assert sentence == f"Stämman valde Anna Berg. {said}"


def test_an_election_that_fills_every_seat_says_nothing_of_vacant_seats(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session, small_keys
) -> None:
    vote_id = hold_election(board, voters, meeting, seats=1, candidates=["Anna Berg", "Bo Ek"])

    page = board.get(f"/meetings/votes/{vote_id}").text
    assert "inte tillsatt" not in page
    listed = board.get(f"/meetings/{meeting.id}").text
    assert '<td data-label="Utfall">Vald: Anna Berg</td>' in listed
    read = board.get(f"{API}/votes/{vote_id}", headers=assembly.officer.headers).json()
    assert read["result"]["vacant_seats"] == 0
    stored = session.get(Vote, vote_id).result
    sentence = decision_sentence(body="Stämman", result=stored, per_capsulam=False, parameter=None)
    assert sentence == "Stämman valde Anna Berg."


def test_the_minutes_say_the_seats_an_election_left_vacant_in_swedish() -> None:
    def sentence(seats: int, elected: list[str]) -> str:
        result = {"outcome": "elected", "seats": seats, "elected": elected}
        return decision_sentence(body="Stämman", result=result, per_capsulam=False, parameter=None)

    assert (
        sentence(3, ["Anna Berg", "Bo Ek"]) == "Stämman valde Anna Berg och Bo Ek. 1 plats är inte tillsatt."
    )
    assert sentence(5, ["Anna Berg"]) == "Stämman valde Anna Berg. 4 platser är inte tillsatta."
    assert sentence(2, ["Anna Berg", "Bo Ek"]) == "Stämman valde Anna Berg och Bo Ek."
    assert (
        sentence(2, []) == "Stämman valde ingen: ingen kandidat fick någon röst. 2 platser är inte tillsatta."
    )


@pytest.mark.parametrize(
    ("seats", "candidates", "hint"),
    [
        (3, ["Anna Berg"], "1 kandidat till 3 platser: välj högst 1."),
        (3, ["Anna Berg", "Bo Ek"], "2 kandidater till 3 platser: välj högst 2."),
        (2, ["Anna Berg", "Bo Ek", "Cia Lund"], "Välj högst 2."),
    ],
)
def test_the_ballot_says_how_many_she_can_choose_when_fewer_stand_than_there_are_seats(
    seats: int,
    candidates: list[str],
    hint: str,
    board: TestClient,
    voters: list[TestClient],
    meeting: Meeting,
    assembly: Assembly,
    small_keys,
) -> None:
    vote_id = open_vote(
        board, meeting, method="election", question="Val av revisorer", seats=str(seats),
        candidates="\n".join(candidates), tellers_passphrase=TELLERS_PASSPHRASE,
    )  # fmt: skip

    page = voters[0].get(f"/meetings/votes/{vote_id}").text
    assert (
        f'<p class="hint" id="h-candidates">{hint} Väljer du ingen lägger du en blank valsedel.</p>' in page
    )
    if len(candidates) < seats:
        # "Välj högst 3." with one name to tick promised a seat nobody stands for.
        assert f"Välj högst {seats}" not in page
    # The API's refusal names the same number: the most she can really choose, among whom.
    too_many = board.post(
        f"{API}/votes/{vote_id}/ballots",
        json={"candidates": [*candidates, "Dan Nord"]},
        headers=assembly.members[0].headers,
    )
    assert too_many.status_code == 422, too_many.text
    most = min(seats, len(candidates))
    assert f"name up to {most} different candidate(s) among: " in too_many.json()["detail"]

"""A ballot the server refuses after the page offering it was drawn: sent from a second tab after the member
has voted in the first, or from a page left open while the chair closed the vote. The ballot form is no
longer on the page that answers (she has voted, or the vote is closed), so the refusal is said above it:
without it she reads the result, or "you have voted", and cannot tell that her new choice was not counted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kooperativet.governance import votes
from kooperativet.governance.models import Meeting, Vote
from tests.governance.conftest import TELLERS_PASSPHRASE, Assembly
from tests.web.conftest import form_token
from tests.web.test_meetings import assembly, board, clock, meeting, open_vote, rulebook, small_keys, voters

__all__ = ["assembly", "board", "clock", "meeting", "rulebook", "small_keys", "voters"]

NOT_COUNTED = '<div class="alert" role="alert">Det du valde nu räknades inte.'


@pytest.mark.parametrize("method", ["open", "secret"])
def test_a_ballot_from_a_second_tab_after_voting_in_the_first_says_it_was_not_counted(
    method: str, board: TestClient, voters: list[TestClient], meeting: Meeting, small_keys, session
) -> None:
    vote_id = open_vote(
        board, meeting, method=method, question="Sommarfest?", decision_kind="ordinary",
        tellers_passphrase=TELLERS_PASSPHRASE,
    )  # fmt: skip
    page = f"/meetings/votes/{vote_id}"
    first_tab, second_tab = (form_token(voters[0].get(page).text) for _ in range(2))
    cast = voters[0].post(f"{page}/ballot", data={"choice": "yes", "csrf_token": first_tab})
    assert cast.status_code in (200, 303), cast.text
    again = voters[0].post(f"{page}/ballot", data={"choice": "no", "csrf_token": second_tab})
    assert again.status_code == 422, again.text
    assert f"{NOT_COUNTED} Den här rösten är redan lagd; en röst kan inte ändras.</div>" in again.text
    assert votes.voted_count(session, vote=session.get(Vote, vote_id)) == 1


def test_a_ballot_from_a_page_left_open_while_the_vote_closed_says_it_was_not_counted(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session
) -> None:
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    left_open = form_token(voters[1].get(page).text)
    closing = form_token(board.get(page).text)
    closed = board.post(f"{page}/close", data={"chair_casting_vote": "", "csrf_token": closing})
    assert closed.status_code == 303, closed.text
    late = voters[1].post(f"{page}/ballot", data={"choice": "yes", "csrf_token": left_open})
    assert late.status_code == 422, late.text
    assert f"{NOT_COUNTED} Omröstningen är avslutad.</div>" in late.text
    assert votes.voted_count(session, vote=session.get(Vote, vote_id)) == 0


def test_a_close_from_a_second_tab_after_the_vote_closed_says_it_is_closed(
    board: TestClient, meeting: Meeting
) -> None:
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    first_tab, second_tab = (form_token(board.get(page).text) for _ in range(2))
    closed = board.post(f"{page}/close", data={"chair_casting_vote": "", "csrf_token": first_tab})
    assert closed.status_code == 303, closed.text
    again = board.post(f"{page}/close", data={"chair_casting_vote": "", "csrf_token": second_tab})
    assert again.status_code == 422, again.text
    assert '<div class="alert" role="alert">Omröstningen är avslutad.</div>' in again.text

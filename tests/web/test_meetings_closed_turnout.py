"""A closed vote's turnout line ("Omröstningen är avslutad: 4 av 4 röstade.") counts those who could vote
when it closed, as its result does ("Röstberättigade 4"): a member registered present after the vote closed
could not have voted in it, and must not make the same page say "4 av 5" above a result of 4."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kooperativet.governance import meetings
from kooperativet.governance.models import Meeting
from tests.governance.conftest import Assembly
from tests.web.test_meetings import assembly, board, clock, meeting, open_vote, post, rulebook, voters

__all__ = ["assembly", "board", "clock", "meeting", "rulebook", "voters"]


def test_a_closed_votes_turnout_stays_as_it_closed_when_a_member_arrives_later(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session
) -> None:
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    for client in voters[:4]:
        assert post(client, page, f"{page}/ballot", {"choice": "yes"}).status_code == 303
    assert post(board, page, f"{page}/close", {"chair_casting_vote": ""}).status_code == 303
    closed = "Omröstningen är avslutad: 4 av 4 röstade."
    assert closed in board.get(page).text
    meetings.register_attendance(session, meeting=meeting, member_id=assembly.members[4].member.id)
    session.flush()
    later = board.get(page).text
    assert closed in later
    assert '<th scope="row">Röstberättigade</th><td class="num">4</td>' in later
    assert closed in board.get(f"{page}/turnout").text
    # An open vote's count follows the attendance: the member who came may still vote in it.
    second = open_vote(board, meeting, method="open", question="Julfest?", decision_kind="ordinary")
    assert "0 av 5 har röstat." in board.get(f"/meetings/votes/{second}").text

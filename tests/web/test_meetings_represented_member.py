"""A member represented at the meeting by an ombud opens the vote page: she is told who votes for her, and
once the ombud has voted, that it is done; not "only those present vote" (she is absent because she gave a
fullmakt) nor "you have voted" (she did not)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from kooperativet.governance import meetings
from kooperativet.governance.models import Meeting
from kooperativet.governance.schemas.meetings import ProxyCreate
from tests.governance.conftest import TODAY, Assembly
from tests.web.test_meetings import assembly, board, clock, meeting, open_vote, post, rulebook, voters

__all__ = ["assembly", "board", "clock", "meeting", "rulebook", "voters"]


def test_a_member_represented_by_an_ombud_is_told_who_votes_for_her_and_when_it_is_done(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session
) -> None:
    ombud, absent = assembly.members[0].member, assembly.members[4].member
    meetings.register_proxy(
        session,
        meeting=meeting,
        data=ProxyCreate(
            principal_member_id=absent.id, attendee_member_id=ombud.id, dated=TODAY, signed=True
        ),
    )
    vote_id = open_vote(board, meeting, method="open", question="Sommarfest?", decision_kind="ordinary")
    page = f"/meetings/votes/{vote_id}"
    before = voters[4].get(page).text
    assert f"Du företräds genom ombud: {ombud.full_name} röstar för dig." in before
    assert "Bara medlemmar som är registrerade som närvarande röstar." not in before
    cast = post(voters[0], page, f"{page}/ballot", {"choice": "yes", "voter": str(absent.id)})
    assert cast.status_code == 303, cast.text
    after = voters[4].get(page).text
    assert f"{ombud.full_name} har röstat för dig, med fullmakt." in after
    assert "Du har röstat. Tack!" not in after

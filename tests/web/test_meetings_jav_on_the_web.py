"""Jäv from the web's vote form (SFS 2018:672 6 kap. 37 §): the board marks the members who do not vote on a
matter about themselves (the board's discharge), as the API's ``excluded_member_ids`` does. Before, the form
had no such field, so a board member voted on her own discharge from the web. A tampered id is refused by the
field, an election takes none, and nothing is stored when refused."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kooperativet.governance.models import Meeting, Vote
from tests.governance.conftest import TELLERS_PASSPHRASE, Assembly
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


def test_the_board_marks_jav_on_the_vote_form_and_the_disqualified_member_does_not_vote(
    board: TestClient, voters: list[TestClient], meeting: Meeting, assembly: Assembly, session
) -> None:
    chair, other = assembly.members[0].member, assembly.members[3].member
    form = board.get(f"/meetings/{meeting.id}/votes/new").text
    assert 'name="excluded_member_ids"' in form
    assert f'value="{chair.id}"' in form
    assert chair.full_name in form
    vote_id = open_vote(
        board, meeting, method="open", question="Beviljas styrelsen ansvarsfrihet?", decision_kind="ordinary",
        excluded_member_ids=[str(chair.id)],
    )  # fmt: skip
    assert session.get(Vote, vote_id).excluded_member_ids == [chair.id]
    page = f"/meetings/votes/{vote_id}"
    own = voters[0].get(page).text
    assert "Medlemmen är jävig i frågan och röstar inte." in own
    assert f'action="{page}/ballot"' not in own
    refused = post(voters[0], f"/meetings/{meeting.id}", f"{page}/ballot", {"choice": "yes"})
    assert refused.status_code == 422
    assert post(voters[3], page, f"{page}/ballot", {"choice": "yes"}).status_code == 303
    assert other.full_name in board.get(page).text


def test_a_tampered_jav_id_is_refused_by_its_field_and_an_election_takes_none(
    board: TestClient, meeting: Meeting, assembly: Assembly, small_keys, session
) -> None:
    page = f"/meetings/{meeting.id}/votes/new"
    before = session.scalar(select(func.count()).select_from(Vote))
    typed = {"method": "open", "question": "Sommarfest?", "decision_kind": "ordinary"}
    tampered = post(board, page, page, {**typed, "excluded_member_ids": "x"})
    assert tampered.status_code == 422
    assert 'id="e-excluded_member_ids"' in tampered.text
    assert session.scalar(select(func.count()).select_from(Vote)) == before
    election = open_vote(
        board, meeting, method="election", question="Val av revisor", seats="1", candidates="Anna\nBo",
        tellers_passphrase=TELLERS_PASSPHRASE, excluded_member_ids=[str(assembly.members[0].member.id)],
    )  # fmt: skip
    assert session.get(Vote, election).excluded_member_ids == []

"""A vote opens: each member who may cast a vote in it is told, in a constant number of statements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kooperativet.governance.models import BoardAssignment, BoardRole
from kooperativet.governance.schemas.votes import PerCapsulamCreate
from kooperativet.governance.votes import propose_per_capsulam
from tests.date_styles import assert_one_date_style
from tests.governance.conftest import Assembly
from tests.governance.test_meetings_api import API, open_meeting_with_everyone
from tests.mailbox import Mailbox
from tests.notifications.conftest import text_of


def test_a_per_capsulam_question_reaches_the_board_and_nobody_else(
    api: TestClient, mailbox: Mailbox, assembly: Assembly, clock
) -> None:
    answer = api.post(
        f"{API}/per-capsulam", json={"question": "Köpa en skrivare?"}, headers=assembly.officer.headers
    )

    assert answer.status_code == 201, answer.text
    board, others = assembly.members[:3], assembly.members[3:]
    for actor in board:
        [message] = mailbox.to(actor.user.email)
        assert message["Subject"] == "En omröstning har öppnats: Köpa en skrivare?"
        text = text_of(message).replace("\r\n", "\n")
        assert "Ett styrelsebeslut som du får delta i har öppnats" in text
        # The link to the vote's own page, where she votes.
        assert (
            f"Rösta här (du loggar in först):\nhttp://127.0.0.1:8000/meetings/votes/{answer.json()['id']}\n"
            in text
        )
    for actor in others:
        assert mailbox.to(actor.user.email) == []


def test_a_vote_at_a_meeting_reaches_those_present_but_not_the_disqualified(
    api: TestClient, session: Session, mailbox: Mailbox, assembly: Assembly, clock, small_tally_keys
) -> None:
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    mailbox.clear()
    answer = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={
            "method": "open",
            "question": "Ska vi köpa en lokal?",
            "excluded_member_ids": [assembly.members[4].member.id],
        },
        headers=assembly.officer.headers,
    )

    assert answer.status_code == 201, answer.text
    for actor in assembly.members[:4]:
        [message] = mailbox.to(actor.user.email)
        assert "Ska vi köpa en lokal?" in text_of(message)
    assert mailbox.to(assembly.members[4].user.email) == []


def test_the_e_mail_writes_when_the_vote_closes_as_running_text_writes_a_moment(
    api: TestClient, mailbox: Mailbox, assembly: Assembly, clock
) -> None:
    """The e-mail is prose: when the vote closes reads as its other dates would, in Swedish time ("20
    december 2026 kl. 20.00"), never as an ISO date in the middle of a sentence (docs/web.md)."""
    meeting_id = open_meeting_with_everyone(api, assembly, clock)
    mailbox.clear()
    ends_at = (clock["now"] + timedelta(hours=1)).isoformat()  # 19:00 UTC, 20:00 in Stockholm
    answer = api.post(
        f"{API}/meetings/{meeting_id}/votes",
        json={"method": "open", "question": "Q?", "ends_at": ends_at},
        headers=assembly.officer.headers,
    )

    assert answer.status_code == 201, answer.text
    [message] = mailbox.to(assembly.members[0].user.email)
    text = text_of(message)
    assert "Du kan rösta till 20 december 2026 kl. 20.00." in text
    assert_one_date_style(text, "written")


@pytest.mark.parametrize("n", [3, 12])
def test_telling_the_voters_takes_a_constant_number_of_statements(
    session: Session, count_statements, rulebook, cooperative, many_members, n: int
) -> None:
    for member in many_members(n):
        session.add(BoardAssignment(member_id=member.id, role=BoardRole.member, term_from=date(2025, 5, 1)))
    session.flush()
    with count_statements() as counter:
        vote = propose_per_capsulam(
            session,
            data=PerCapsulamCreate(question="Ny skrivare?"),
            now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
            today=date(2026, 11, 20),
        )

    assert vote.id is not None
    assert counter.count == STATEMENTS_TO_PROPOSE_AND_TELL, "\n".join(counter.sql)


#: The same for 3 and for 12 board members (the proposal itself, the eligible voters, their addresses and
#: preferences, the cooperative's name the messages are signed with, one INSERT for the messages and one for
#: their send jobs).
STATEMENTS_TO_PROPOSE_AND_TELL = 14

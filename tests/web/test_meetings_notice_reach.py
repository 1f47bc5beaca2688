"""The notice given on the meeting's page reaches a member whose address is on her login only, as every
other message reaches her; one with no address anywhere is left out, and the page says the e-mail went to each
member with an address, or that nobody has one and the notice must go out another way. When some are left out
the board reads how many, and who still has no address, to call them by post; a member reads neither."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.mail import recipient
from kooperativet.mail.models import OutgoingMail
from tests.governance.conftest import Assembly
from tests.web.test_meetings import assembly, board, client_for, clock, plan, post, rulebook

__all__ = ["assembly", "board", "clock", "rulebook"]


def give_notice(board: TestClient, meeting_id: int) -> str:
    here = f"/meetings/{meeting_id}"
    assert post(board, f"{here}/notice", f"{here}/notice", {"text": "Välkomna."}).status_code == 303
    return board.get(here).text


def notices(session: Session) -> dict[int | None, list[str]]:
    query = select(OutgoingMail).where(OutgoingMail.template == "meeting_notice")
    return {mail.member_id: mail.to_addresses for mail in session.scalars(query)}


def test_the_notice_from_the_page_reaches_a_member_at_the_address_on_her_login(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    login_only, unreachable = assembly.members[3], assembly.members[4]
    login_only.member.email = None
    unreachable.member.email = None
    unreachable.member.user_id = None
    session.flush()

    shown = give_notice(board, plan(session).id)

    assert notices(session) == {
        a.member.id: [recipient(a.member.full_name, a.member.email or a.user.email)]
        for a in assembly.members[:4]
    }
    assert notices(session)[login_only.member.id] == [
        recipient(login_only.member.full_name, login_only.user.email)
    ]
    # The board reads how many were left out and who, to call them another way.
    assert (
        "Köad som e-post till 4 medlemmar; 1 saknar e-postadress och behöver kallas på annat sätt." in shown
    )
    assert f"Saknar e-postadress nu: {unreachable.member.full_name}." in shown


def test_a_notice_that_reaches_every_member_says_so_without_a_count(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    shown = give_notice(board, plan(session).id)

    assert len(notices(session)) == len(assembly.members)
    assert "Köad som e-post till varje medlem med e-postadress" in shown
    assert "saknar e-postadress" not in shown.lower()


def test_only_the_board_reads_who_was_left_out_of_the_notice(
    app, board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    unreachable = assembly.members[4]
    unreachable.member.email = None
    unreachable.member.user_id = None
    session.flush()
    meeting_id = plan(session).id
    give_notice(board, meeting_id)

    not_on_the_board = client_for(app, assembly.members[3].user.email)
    member = not_on_the_board.get(f"/meetings/{meeting_id}").text
    assert "Kallelsen gick ut" in member
    assert "saknar e-postadress" not in member.lower()
    assert unreachable.member.full_name not in member


def test_the_page_says_so_when_nobody_has_an_address_anywhere(
    board: TestClient, assembly: Assembly, session: Session, clock
) -> None:
    for actor in assembly.members:
        actor.member.email = None
        actor.member.user_id = None
    session.flush()

    shown = give_notice(board, plan(session).id)

    assert notices(session) == {}
    assert "Inte skickad med e-post: ingen av de kallade har en e-postadress." in shown
